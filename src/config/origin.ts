/** How messages name a setting: the way the user gave it, read from the config's origins. */
import {
  ORIGINS,
  type SettingKey,
  type SettingOrigin,
  SETTINGS,
  type WithOrigins,
} from "./settings.ts";

/** Where `config`'s setting `key` came from; null for a config not made by resolveConfig(). */
export function originOf(config: WithOrigins, key: SettingKey): SettingOrigin | null {
  return config[ORIGINS]?.[key] ?? null;
}

/**
 * Setting `key` as a message names it: the flag or variable the user gave (`--junit`,
 * `STRESS_JUNIT`), the preset or replay file it came from, else (a default, or unknown)
 * `--flag (ENV)`.
 */
export function settingName(config: WithOrigins, key: SettingKey): string {
  const origin = originOf(config, key);
  if (origin && origin.kind !== "default") return origin.name;
  return `--${SETTINGS[key].flag} (${SETTINGS[key].env})`;
}
