/** The `--help` text: commands, every setting with its flag, env variable and default, exit codes. */
import { SETTINGS } from "../config/settings.ts";
import { EXIT_MEANINGS } from "../exit_codes.ts";
import { textTable } from "../results/format.ts";

/** Builds the help text. */
export function helpText(): string {
  const rows = Object.values(SETTINGS).map((s) => {
    const fallback = "default" in s && s.default !== undefined
      ? typeof s.default === "function" ? "random" : String(s.default)
      : "-";
    return [`--${s.flag}`, s.env, fallback, s.help];
  });
  const table = textTable(
    ["flag", "env variable", "default", "meaning"],
    rows,
    Array(4).fill("left"),
  );
  return [
    "hyperstress: a Monte Carlo stress tester for Tableau's Hyper database",
    "",
    "Usage: hyperstress [stress|plan|report <summary.json>|hyperd] [--flag value ...]",
    "  stress  start hyperd, run the simulated users, write summary.json and replay.json",
    "  plan    print the operations each user will roll, without starting hyperd",
    "  report  rebuild report.html from a saved summary.json",
    "  hyperd  find or install hyperd and print which one a run would use",
    "",
    "Settings; flags beat env variables, which beat a preset, which beats the defaults:",
    ...table.split("\n").map((line) => "  " + line),
    "",
    "Exit codes:",
    ...EXIT_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(3)}  ${meaning}`),
  ].join("\n");
}
