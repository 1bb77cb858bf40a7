/** The `--help` text: commands, every setting with its flag, env variable and default, exit codes. */
import { PRESET_DESCRIPTIONS, PRESET_NAMES } from "../config/presets.ts";
import { defaultText, type Setting, settingEntries } from "../config/settings.ts";
import { EXIT, exitCodeRows } from "../verdict_policy.ts";

/** The help fits this many columns, the width of a wide terminal and of the docs' code blocks. */
export const HELP_WIDTH = 100;

/** Widest flag kept beside its meaning; a longer one puts its meaning on the next line. */
const FLAG_COLUMN = 24;

/** Builds the help text; no line is longer than HELP_WIDTH. */
export function helpText(): string {
  const flagWidth = Math.min(
    FLAG_COLUMN,
    Math.max(...settingEntries().map(([, s]) => s.flag.length + 2)),
  );
  const settings = settingEntries().flatMap(([key, s]) => {
    const lines = [
      ...described(`--${s.flag}`, flagWidth, s.help),
      ...wrapped(details(s), flagWidth),
    ];
    if (key === "preset") {
      const nameWidth = Math.max(...PRESET_NAMES.map((name) => name.length));
      for (const name of PRESET_NAMES) {
        lines.push(
          ...hanging(
            `${name.padEnd(nameWidth)}  ${PRESET_DESCRIPTIONS[name]}`,
            flagWidth + 4,
            nameWidth + 2,
          ),
        );
      }
    }
    return lines;
  });
  return [
    "hyperstress: a Monte Carlo stress tester for Tableau's Hyper database",
    "",
    "Usage: hyperstress [COMMAND] [--flag value ...]   (the command defaults to stress)",
    "  stress  start hyperd, run the simulated users, write summary.json and replay.json",
    "  sweep   many stress runs, each with its own hyperd and seed, grouped by what went wrong",
    "  shrink  cut a replay.json down to the smallest one that still does what --until says",
    "  plan    print the operations each user will roll, without starting hyperd",
    `  compare BASE NEW  two runs side by side; exit ${EXIT.thresholdFailed} on a significant regression`,
    "  merge DIR...  the segments of one run (--segment i/n) as one summary",
    "  report  rebuild report.html from a saved summary.json: report <summary.json>",
    "  hyperd  find or install hyperd and print which one a run would use",
    "",
    "  -h, --help     print this help",
    "  -V, --version  print the versions of hyperstress, Deno and hyperd (never installs hyperd)",
    "",
    "Settings; flags beat env variables, which beat a preset, which beats the defaults:",
    ...settings,
    "",
    "Exit codes:",
    ...exitCodeRows().flatMap(({ code, meaning }) =>
      hanging(`${String(code).padEnd(3)}  ${meaning}`, 2, 5)
    ),
  ].join("\n");
}

/** The second line of a setting: its env variable, default and the values it takes. */
function details(s: Setting): string {
  const fallback = defaultText(s) ?? "none";
  return `Env ${s.env}. Default ${fallback}. Expects ${s.expects}.`;
}

/** `  --flag  meaning` with the meaning wrapped in its column, or on the next line if too long. */
function described(flag: string, flagWidth: number, text: string): string[] {
  const indent = 2 + flagWidth + 2;
  const lines = wrapped(text, flagWidth);
  if (flag.length > flagWidth) return [`  ${flag}`, ...lines];
  return [`  ${flag.padEnd(flagWidth)}  ${lines[0].slice(indent)}`, ...lines.slice(1)];
}

/** `text` wrapped into the meaning column, every line indented to it. */
function wrapped(text: string, flagWidth: number): string[] {
  return hanging(text, 2 + flagWidth + 2, 0);
}

/**
 * `text` wrapped at word boundaries to HELP_WIDTH, every line indented by `indent` and the lines
 * after the first by `hang` more. A word longer than a whole line is cut.
 */
function hanging(text: string, indent: number, hang: number): string[] {
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
