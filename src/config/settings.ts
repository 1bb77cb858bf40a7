/**
 * Every setting of hyperstress in one table: its zod schema (type and range), the flag and env
 * variable that set it, its default, its help line, and whether a replay file fixes it. The
 * table is kept in four files by concern; this is the whole of it.
 */
import { z } from "zod";
import { COMMAND_SETTINGS } from "./command_settings.ts";
import { RUN_SETTINGS } from "./run_settings.ts";
import { SERVER_SETTINGS } from "./server_settings.ts";
import type { Setting } from "./setting_kinds.ts";
import { WORKLOAD_SETTINGS } from "./workload_settings.ts";

export type { Kind, Setting } from "./setting_kinds.ts";
export { defaultText } from "./setting_kinds.ts";

/** The settings, in the order `--help` lists them. */
export const SETTINGS = {
  ...WORKLOAD_SETTINGS,
  ...RUN_SETTINGS,
  ...COMMAND_SETTINGS,
  ...SERVER_SETTINGS,
} as const;

type Settings = typeof SETTINGS;
/** A setting's key, e.g. `batchMin`. */
export type SettingKey = keyof Settings;

/** The typed configuration; every field validated, defaults filled in, thresholds parsed. */
export const ConfigSchema = z.object(
  Object.fromEntries(
    Object.entries(SETTINGS).map(([key, s]) => [key, s.schema]),
  ) as { [K in SettingKey]: Settings[K]["schema"] },
);

/** Where a setting's value came from. */
export type OriginKind = "flag" | "env" | "preset" | "replay" | "default";

/** A setting's origin and how a message names it. */
export interface SettingOrigin {
  kind: OriginKind;
  /** `--junit`, `STRESS_JUNIT`, `preset grpc`, `replay file config.seed` or `default seed`. */
  name: string;
}

/**
 * The key of a resolved config's origins: a symbol, so JSON (summary.json, replay.json) leaves
 * them out and a copy (`{ ...config, seed }`) keeps them.
 */
export const ORIGINS: unique symbol = Symbol("setting origins");

/** Each setting's origin, as resolveConfig() found it. */
export type Origins = Partial<Record<SettingKey, SettingOrigin>>;

/** A value that may carry the origins of its settings (a config from resolveConfig() does). */
export interface WithOrigins {
  readonly [ORIGINS]?: Origins;
}

/** A fully resolved configuration, with where each setting came from. */
export type Config = z.infer<typeof ConfigSchema> & WithOrigins;

/** Every setting with its key, in table order. */
export function settingEntries(): [SettingKey, Setting][] {
  return Object.entries(SETTINGS) as [SettingKey, Setting][];
}

/** The env variables hyperstress reads, for `--allow-env` and `--help`. */
export const ENV_NAMES: string[] = Object.values(SETTINGS).map((s) => s.env);
