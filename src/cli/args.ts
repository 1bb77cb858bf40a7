/** Command-line words split into the command, plain flags and raw setting values. */
import { parseArgs } from "node:util";
import type { SettingFlags } from "../config/resolve.ts";
import { settingEntries, type SettingKey } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { closest } from "../config/did_you_mean.ts";

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
  const switches = new Map<string, string>();
  const positionals: string[] = [];
  const problems: string[] = [];
  let lastSwitch: { rawName: string; index: number } | null = null;
  for (const token of tokens) {
    const afterSwitch = lastSwitch;
    lastSwitch = null;
    if (token.kind === "positional") {
      // `--fail-on-findings false` would turn the switch on and drop the "false": refuse it.
      if (afterSwitch && afterSwitch.index === token.index - 1 && isBoolWord(token.value)) {
        const { rawName } = afterSwitch;
        problems.push(
          `${rawName} ${token.value}: a switch takes no separate value; write ` +
            `${rawName}=${token.value.toLowerCase()} (or ${rawName} alone for true)`,
        );
      } else {
        positionals.push(token.value);
      }
    }
    if (token.kind !== "option") continue;
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!spec) {
      problems.push(unknownFlag(token.rawName, Object.keys(options)));
    } else if (spec.type === "boolean") {
      if (token.value === undefined) {
        switches.set(token.name, "true");
        lastSwitch = { rawName: token.rawName, index: token.index };
      } else if (isBoolWord(token.value) && !Object.hasOwn(COMMAND_FLAGS, token.name)) {
        switches.set(token.name, String(BOOL_WORDS[token.value.toLowerCase()]));
      } else {
        problems.push(
          `${token.rawName}: expected ${
            Object.hasOwn(COMMAND_FLAGS, token.name) ? "no value" : "=true or =false"
          } (it is a switch), got ${JSON.stringify(token.value)}; give ${token.rawName} alone`,
        );
      }
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
    const switched = switches.get(flag);
    if (switched !== undefined) flags[key] = switched;
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

/** The words a switch takes after `=`, as its env variable takes them. */
const BOOL_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  "1": true,
  "0": false,
  yes: true,
  no: false,
  on: true,
  off: false,
};

/** True for `true`, `false`, `yes`, `no`, `on`, `off`, `1` or `0`, in any case. */
function isBoolWord(word: string): boolean {
  return Object.hasOwn(BOOL_WORDS, word.toLowerCase());
}

/** A word that reads as a flag, not a value: `--seed` or `-h`, but not `-1` or `-0.5`. */
function looksLikeFlag(value: string): boolean {
  return value.startsWith("-") && !Number.isFinite(Number(value));
}
