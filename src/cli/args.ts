/** Command-line words split into the command, plain flags and raw setting values. */
import { parseArgs } from "node:util";
import type { SettingFlags } from "../config/resolve.ts";
import { settingEntries, type SettingKey } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { closest } from "./did_you_mean.ts";

/** Flags that are not settings. */
const COMMAND_FLAGS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** The parsed command line. */
export interface ParsedArgs {
  positionals: string[];
  help: boolean;
  version: boolean;
  flags: SettingFlags;
}

type OptionSpec = { type: "string" | "boolean"; short?: string; multiple?: boolean };

/** Every flag parseArgs knows: the command flags and one per setting. */
function optionSpecs(): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = { ...COMMAND_FLAGS };
  for (const [, s] of settingEntries()) {
    options[s.flag] = s.kind === "bool"
      ? { type: "boolean" }
      : { type: "string", ...(s.kind === "list" ? { multiple: true } : {}) };
  }
  return options;
}

/**
 * Splits argv into flags and positionals. Every problem (an unknown flag, with the closest known
 * one; a missing value; a value given to a switch) is reported at once in one ConfigError.
 */
export function parseCommandLine(args: string[]): ParsedArgs {
  const options = optionSpecs();
  // Not strict: node's own messages ("argument is ambiguous", unbalanced quotes) give way to
  // ours below, and a value may start with a dash, so `--duration -1` reaches the range check.
  const { tokens } = parseArgs({
    args,
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const byFlag = new Map<string, SettingKey>(settingEntries().map(([key, s]) => [s.flag, key]));
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const positionals: string[] = [];
  const problems: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!spec) {
      problems.push(unknownFlag(token.rawName, Object.keys(options)));
    } else if (spec.type === "boolean") {
      if (token.value !== undefined) {
        problems.push(
          `${token.rawName}: expected no value (it is a switch), got ${
            JSON.stringify(token.value)
          }; give ${token.rawName} alone`,
        );
      }
      switches.add(token.name);
    } else if (token.value === undefined) {
      problems.push(`${token.rawName}: expected a value, got none; write ${token.rawName} VALUE`);
    } else if (!token.inlineValue && looksLikeFlag(token.value)) {
      problems.push(
        `${token.rawName}: expected a value, got the flag ${token.value}; write ` +
          `${token.rawName}=${token.value} if that is the value`,
      );
    } else {
      values.set(token.name, [...(values.get(token.name) ?? []), token.value]);
    }
  }
  if (problems.length === 1) throw new ConfigError(problems[0]);
  if (problems.length > 1) {
    throw new ConfigError(`invalid command line:\n  ${problems.join("\n  ")}`);
  }
  const flags: SettingFlags = {};
  for (const [flag, key] of byFlag) {
    const given = values.get(flag);
    // A repeatable flag: each use is one item, as a comma would separate them; else the last wins.
    if (given) flags[key] = options[flag].multiple ? given.join(",") : given.at(-1);
    if (switches.has(flag)) flags[key] = "true";
  }
  return {
    positionals,
    help: switches.has("help"),
    version: switches.has("version"),
    flags,
  };
}

/** `unknown flag --durration; did you mean --duration?`, or where to find the flags. */
function unknownFlag(rawName: string, known: string[]): string {
  const name = rawName.replace(/^-+/, "");
  // One letter (`-x`) is too little to guess from.
  const suggestion = name.length > 1 ? closest(name, known) : undefined;
  return suggestion
    ? `unknown flag ${rawName}; did you mean --${suggestion}? (--help lists every flag)`
    : `unknown flag ${rawName}: expected one of the flags --help lists`;
}

/** A word that reads as a flag, not a value: `--seed` or `-h`, but not `-1` or `-0.5`. */
function looksLikeFlag(value: string): boolean {
  return value.startsWith("-") && !Number.isFinite(Number(value));
}
