/**
 * The help a person reads in a terminal: `--help` gives the commands and the common flags;
 * `help COMMAND` (or `COMMAND --help`) gives that command's flags, grouped, one line each with a
 * value placeholder and default, and a few examples. Every line fits 80 columns. The flags come
 * from SETTINGS; the full reference (env variables, ranges) is the generated configuration page.
 */
import { closest } from "../config/did_you_mean.ts";
import { defaultText, settingEntries, type SettingKey, SETTINGS } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { exitCodeRows } from "../verdict_policy.ts";
import { COMMAND_TABLE, type CommandInfo, commandInfo, COMMANDS } from "./command_table.ts";
import { HELP_GROUPS, HELP_LINES, ONLY_SETTINGS } from "./help_table.ts";

/** The help fits this many columns: a terminal's default width. */
export const HELP_WIDTH = 80;

/** Widest `--flag VALUE` kept in the flag column; a longer one pushes its brief right. */
const FLAG_COLUMN = 30;

/** Where the full settings reference is. */
const REFERENCE = "docs/configuration.md";

/** The flags `--help` shows without a command: the ones a first run needs. */
const COMMON: readonly SettingKey[] = [
  "duration",
  "inserterUsers",
  "queryUsers",
  "mixedUsers",
  "seed",
  "preset",
  "maxDiskMb",
  "outputDir",
  "replayFile",
  "thresholds",
];

/** `hyperstress --help`: the commands, the common flags, where the rest is, the exit codes. */
export function helpText(): string {
  const wordsWidth = Math.max(...COMMAND_TABLE.map((c) => usageOf(c).length));
  return [
    "hyperstress: a Monte Carlo stress tester for Tableau's Hyper database",
    "",
    "Usage: hyperstress [COMMAND] [FLAGS]     (the command defaults to stress)",
    "       hyperstress help COMMAND          that command's flags and examples",
    "       deno task stress [FLAGS]          the same, from a checkout",
    "",
    "Commands:",
    ...COMMAND_TABLE.map((c) => `  ${usageOf(c).padEnd(wordsWidth)}  ${c.summary}`),
    "",
    "Common flags:",
    ...flagLines(COMMON),
    ...commandFlagLines(),
    "",
    "Flags beat env variables, which beat a preset, which beats the defaults.",
    `Every setting with its env variable and range: ${REFERENCE}`,
    "",
    "Exit codes:",
    ...exitCodeRows().flatMap(({ code, meaning }) =>
      wrap(`${String(code).padEnd(3)}  ${meaning}`, 2, 5)
    ),
  ].join("\n");
}

/**
 * `hyperstress help COMMAND`: what it does, how to call it, its flags by group, and examples.
 * An unknown command is a usage error with the closest name.
 */
export function commandHelpText(name: string): string {
  const command = commandInfo(name);
  if (!command) {
    const guess = closest(name, COMMANDS);
    throw new ConfigError(
      `help: unknown command ${JSON.stringify(name)}; ${
        guess ? `did you mean ${JSON.stringify(guess)}?` : `expected one of ${COMMANDS.join(", ")}`
      }`,
    );
  }
  const keys = commandSettings(command);
  const lines = [
    `hyperstress ${command.name}: ${command.summary}`,
    "",
    `Usage: hyperstress ${usageOf(command)}${keys.length > 0 ? " [FLAGS]" : ""}`,
  ];
  const width = columnWidth(keys);
  for (const group of HELP_GROUPS) {
    const inGroup = keys.filter((key) => HELP_LINES[key][0] === group);
    if (inGroup.length === 0) continue;
    lines.push("", `${group[0].toUpperCase()}${group.slice(1)}:`, ...flagLines(inGroup, width));
  }
  lines.push("", "Examples:");
  for (const [example, meaning] of command.examples) {
    lines.push(...wrap(example, 2, 4), ...wrap(meaning, 6, 0));
  }
  if (keys.length > 0) {
    lines.push(
      "",
      "A switch takes --x or --x=false. A duration takes 90, 90s, 5m or 1h.",
      `Every flag has an env variable (STRESS_...): ${REFERENCE}`,
    );
  }
  return lines.join("\n");
}

/** `merge DIR...`: the name and the words it takes. */
function usageOf(command: CommandInfo): string {
  return command.words ? `${command.name} ${command.words}` : command.name;
}

/** The settings `command` reads, in table order. */
export function commandSettings(command: CommandInfo): SettingKey[] {
  const only = ONLY_SETTINGS[command.name];
  return settingEntries().map(([key]) => key).filter((key) =>
    only ? only.includes(key) : command.groups.includes(HELP_LINES[key][0])
  );
}

/** `-h` and `-V`, in the flag column. */
function commandFlagLines(): string[] {
  const width = columnWidth(COMMON);
  return [
    `  ${"-h, --help".padEnd(width)}  this help; after a command, that command's`,
    `  ${"-V, --version".padEnd(width)}  versions of hyperstress, Deno and hyperd`,
  ];
}

/** The flag column's width for `keys`: their widest `--flag VALUE`, at most FLAG_COLUMN. */
function columnWidth(keys: readonly SettingKey[]): number {
  return Math.min(FLAG_COLUMN, Math.max(...keys.map((key) => flagWithValue(key).length)));
}

/** `--duration DURATION`, or `--swarm` for a switch. */
function flagWithValue(key: SettingKey): string {
  const value = HELP_LINES[key][1];
  return value ? `--${SETTINGS[key].flag} ${value}` : `--${SETTINGS[key].flag}`;
}

/** One line per setting: flag and placeholder, the brief, and the default where it fits. */
function flagLines(keys: readonly SettingKey[], width = columnWidth(keys)): string[] {
  return keys.map((key) => {
    const line = `  ${flagWithValue(key).padEnd(width)}  ${HELP_LINES[key][2]}`;
    const s = SETTINGS[key];
    const fallback = defaultText(s);
    const unit = s.kind === "seconds" ? "s" : s.kind === "minutes" ? "m" : "";
    const withDefault = `${line} [${fallback}${unit}]`;
    // A switch's default is off, and a long default (every op kind) says nothing at a glance.
    const shown = fallback !== null && fallback !== "false" && withDefault.length <= HELP_WIDTH;
    return shown ? withDefault : line;
  });
}

/**
 * `text` wrapped at word boundaries to HELP_WIDTH, every line indented by `indent` and the lines
 * after the first by `hang` more. A word longer than a whole line is cut.
 */
function wrap(text: string, indent: number, hang: number): string[] {
  const lines: string[] = [];
  let line = "";
  const room = () => HELP_WIDTH - indent - (lines.length > 0 ? hang : 0);
  for (let word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > room()) {
      lines.push(line);
      line = "";
    }
    while (line === "" && word.length > room()) {
      lines.push(word.slice(0, room()));
      word = word.slice(room());
    }
    line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines.map((l, i) => " ".repeat(indent + (i > 0 ? hang : 0)) + l);
}
