/**
 * The one function that turns flags, env variables, a replay file, a preset and the defaults
 * into a validated Config, reporting every bad setting at once.
 */
import { closest } from "./did_you_mean.ts";
import { ConfigError } from "../errors.ts";
import { loadProblems } from "./load_checks.ts";
import { PRESETS } from "./presets.ts";
import type { Replay } from "./replay.ts";
import {
  type Config,
  type Kind,
  type OriginKind,
  ORIGINS,
  type Origins,
  settingEntries,
  type SettingKey,
  SETTINGS,
} from "./settings.ts";
import { DURATION_UNITS } from "./setting_kinds.ts";

/** A setting's value, where it came from as the user wrote it, and the raw text if any. */
type Source = { value: unknown; origin: string; kind: OriginKind; raw?: string };

/** Raw setting values from the command line, by setting key. */
export type SettingFlags = Partial<Record<SettingKey, string>>;

/**
 * Resolves every setting. With a replay file, every setting not marked `operator` comes from it;
 * the rest, and everything without a replay, come from the flag, then the env variable, then the
 * preset, then the default. Throws one ConfigError naming every bad setting by the flag or
 * variable that gave it.
 */
export function resolveConfig(
  flags: SettingFlags,
  env: Record<string, string | undefined>,
  replay?: Replay,
): Config {
  const sources = new Map<SettingKey, Source>();
  const presetName = flags.preset ?? env[SETTINGS.preset.env];
  const preset: Record<string, unknown> = presetName && Object.hasOwn(PRESETS, presetName)
    ? PRESETS[presetName as keyof typeof PRESETS]
    : {};
  const replayed = replay?.config;
  for (const [key, s] of settingEntries()) {
    const flag = flags[key];
    const fromEnv = env[s.env];
    if (replayed && !s.operator && replayed[key] !== undefined) {
      sources.set(key, {
        value: replayed[key],
        origin: `replay file config.${key}`,
        kind: "replay",
      });
    } else if (flag !== undefined) {
      const value = fromString(s.kind, flag);
      sources.set(key, { value, origin: `--${s.flag}`, kind: "flag", raw: flag });
    } else if (fromEnv !== undefined && fromEnv !== "") {
      const value = fromString(s.kind, fromEnv);
      sources.set(key, { value, origin: s.env, kind: "env", raw: fromEnv });
    } else if (preset[key] !== undefined) {
      sources.set(key, { value: preset[key], origin: `preset ${presetName}`, kind: "preset" });
    } else if (s.default !== undefined) {
      const value = typeof s.default === "function" ? s.default() : s.default;
      sources.set(key, { value, origin: `default ${key}`, kind: "default" });
    }
  }

  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, s] of settingEntries()) {
    const source = sources.get(key);
    const result = s.schema.safeParse(source?.value);
    if (result.success) {
      values[key] = result.data;
      continue;
    }
    const custom = result.error.issues.filter((issue) => issue.code === "custom");
    if (custom.length === 0) {
      problems.push(
        `${source?.origin}: expected ${s.expects}, got ${show(source)}${meant(s, source)}`,
      );
    }
    // A list item with its own reason (a threshold): name the item and say why.
    for (const issue of custom) {
      if (issue.path.length === 0) {
        problems.push(`${source?.origin}: ${issue.message}, got ${show(source)}`);
        continue;
      }
      const item = (source?.value as unknown[])[issue.path[0] as number];
      problems.push(`${source?.origin} ${JSON.stringify(item)}: ${issue.message}`);
    }
  }
  problems.push(...crossChecks(values as Partial<Config>, sources));
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const origins: Origins = Object.fromEntries(
    [...sources].map(([key, { origin, kind }]) => [key, { kind, name: origin }]),
  );
  return { ...values, [ORIGINS]: origins } as Config;
}

function fromString(kind: Kind, raw: string): unknown {
  const text = raw.trim();
  if (kind === "int") return /^[-+]?\d+$/.test(text) ? Number(text) : raw;
  if (kind === "number") {
    return text !== "" && Number.isFinite(Number(text)) ? Number(text) : raw;
  }
  if (kind === "seconds" || kind === "minutes") {
    const match = /^([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*(ms|s|m|h)?$/i.exec(text);
    if (!match) return raw;
    const unit = match[2] ? DURATION_UNITS[match[2].toLowerCase()] : kind === "minutes" ? 60 : 1;
    const value = Number(match[1]) * unit / (kind === "minutes" ? 60 : 1);
    // 0.1h is 360.00000000000006 s in floating point: round off what no one typed.
    return Math.round(value * 1e6) / 1e6;
  }
  if (kind === "bool") {
    const word = text.toLowerCase();
    if (["true", "1", "yes", "on"].includes(word)) return true;
    if (["false", "0", "no", "off"].includes(word)) return false;
    return raw;
  }
  if (kind === "list") {
    return text === "" ? [] : text.split(",").map((part) => part.trim());
  }
  return raw;
}

/** `; did you mean "tcp-arrow"?` for each word of a choice setting close to a known one. */
function meant(s: { choices?: readonly string[] }, source: Source | undefined): string {
  if (!s.choices || source === undefined) return "";
  const given = Array.isArray(source.value) ? source.value : [source.value];
  const hints = given.flatMap((word) => {
    if (typeof word !== "string" || s.choices!.includes(word)) return [];
    const guess = closest(word, s.choices!);
    return guess ? [`did you mean ${JSON.stringify(guess)} for ${JSON.stringify(word)}?`] : [];
  });
  return hints.length > 0 ? `; ${hints.join("; ")}` : "";
}

function show(source: Source | undefined): string {
  if (source?.raw !== undefined) return JSON.stringify(source.raw);
  return typeof source?.value === "string" ? JSON.stringify(source.value) : String(source?.value);
}

/** Checks between settings, over the ones that are valid on their own. */
function crossChecks(config: Partial<Config>, sources: Map<SettingKey, Source>): string[] {
  const problems: string[] = [];
  const origin = (key: SettingKey) => sources.get(key)?.origin ?? key;
  const pairs: [SettingKey, SettingKey][] = [["thinkMinMs", "thinkMaxMs"], [
    "batchMin",
    "batchMax",
  ]];
  for (const [low, high] of pairs) {
    const [lowValue, highValue] = [config[low], config[high]];
    if (typeof lowValue === "number" && typeof highValue === "number" && lowValue > highValue) {
      problems.push(
        `${origin(low)}: expected at most ${origin(high)} (${highValue}), got ${lowValue}`,
      );
    }
  }
  if (config.preset === "replay" && !config.replayFile) {
    problems.push(
      `${
        origin("preset")
      }: expected STRESS_REPLAY_FILE or --replay-file with the replay preset, got none`,
    );
  }
  if (config.replayTiming === "recorded" && !config.replayFile) {
    problems.push(
      `${origin("replayTiming")}: expected --replay-file (STRESS_REPLAY_FILE) with recorded ` +
        "timing, got none",
    );
  }
  if (config.verifyEverySec !== undefined && config.arrivalRate !== undefined) {
    problems.push(
      `${origin("verifyEverySec")}: expected the closed model (no ${origin("arrivalRate")}): ` +
        "arrivals would queue behind a checkpoint's pause and count it in their latency, got " +
        `both`,
    );
  }
  if (config.verifyEverySec !== undefined && config.segment) {
    problems.push(
      `${origin("verifyEverySec")}: expected a whole run, got ${origin("segment")} ` +
        `${config.segment}: other segments write on while one pauses (merge with --endpoint ` +
        "checks the tables)",
    );
  }
  if (
    config.inserterUsers === 0 && config.queryUsers === 0 && config.mixedUsers === 0 &&
    !config.ledgerUsers
  ) {
    const names = [origin("inserterUsers"), origin("queryUsers"), origin("mixedUsers")]
      .concat(origin("ledgerUsers"));

    problems.push(`${names.join(", ")}: expected at least one user in total, got 0`);
  }
  // Given on the command line or in the environment: a replay file holds every setting.
  const explicit = (key: SettingKey) => ["flag", "env"].includes(sources.get(key)?.kind ?? "");
  problems.push(...loadProblems(config, origin, explicit));
  return problems;
}

/** Settings whose value differs from the default, for the start-up lines. */
export function changedSettings(config: Config): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [key, s] of settingEntries()) {
    if (typeof s.default === "function") continue;
    const value = key === "thresholds" ? config.thresholds.map((t) => t.expr) : config[key];
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(s.default)) {
      changed[key] = value;
    }
  }
  return changed;
}
