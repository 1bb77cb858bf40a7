/** Command-line words split into the command, plain flags and raw setting values. */
import { parseArgs } from "node:util";
import type { SettingFlags } from "../config/resolve.ts";
import { settingEntries } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";

/** Flags that are not settings. */
const COMMAND_FLAGS = {
  help: { type: "boolean" },
  version: { type: "boolean" },
} as const;

/** The parsed command line. */
export interface ParsedArgs {
  positionals: string[];
  help: boolean;
  version: boolean;
  flags: SettingFlags;
}

/** Splits argv into flags and positionals; an unknown flag is a ConfigError. */
export function parseCommandLine(args: string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {
    ...COMMAND_FLAGS,
  };
  for (const [, s] of settingEntries()) {
    options[s.flag] = s.kind === "bool"
      ? { type: "boolean" }
      : { type: "string", ...(s.kind === "list" ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}; see --help for the settings`, {
      cause: error,
    });
  }
  const flags: SettingFlags = {};
  for (const [key, s] of settingEntries()) {
    const value = parsed.values[s.flag];
    if (typeof value === "string") flags[key] = value;
    if (typeof value === "boolean") flags[key] = String(value);
    // A repeatable flag: each use is one item, as a comma would separate them.
    if (Array.isArray(value)) flags[key] = value.join(",");
  }
  return {
    positionals: parsed.positionals,
    help: parsed.values.help === true,
    version: parsed.values.version === true,
    flags,
  };
}
