/** The `--help` text: commands, every setting with its flag, env variable and default, exit codes. */
import { SETTINGS } from "../config/settings.ts";
import { EXIT_MEANINGS } from "../exit_codes.ts";

/** Builds the help text. */
export function helpText(): string {
  const rows = Object.values(SETTINGS).map((s) => {
    const fallback = "default" in s && s.default !== undefined
      ? typeof s.default === "function" ? "random" : String(s.default)
      : "-";
    return [`--${s.flag}`, s.env, fallback, s.help];
  });
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) =>
    r.map((cell, i) => i < 3 ? cell.padEnd(widths[i]) : cell).join("  ")
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
    "Settings (flag, env variable, default, meaning); flags beat env variables:",
    ...table.map((line) => "  " + line),
    "",
    "Exit codes:",
    ...EXIT_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(3)}  ${meaning}`),
  ].join("\n");
}
