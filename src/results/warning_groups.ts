/**
 * hyperd's warnings grouped by what they mean on the run's machine: those that point at trouble,
 * and those expected there (too few network threads on a 2-core machine). The text summary and
 * the report both read them from here.
 */
import { warningMeaning } from "../hyperd/warnings.ts";
import { formatNumber } from "./format.ts";
import type { Summary } from "./summary.ts";

export { warningMeaning } from "../hyperd/warnings.ts";

/** The cores of hyperd's machine: this host's, unless the run attached to another hyperd. */
export function warningCores(summary: Pick<Summary, "host" | "config">): number | null {
  return summary.config.endpoint ? null : summary.host?.cores ?? null;
}

/**
 * The text summary's lines on hyperd's warnings: one per kind with its label, count and meaning,
 * trouble first; an expected kind says why. Nothing when hyperd logged none.
 */
export function warningLines(
  summary: Pick<Summary, "host" | "config" | "serverWarnings">,
): string[] {
  const cores = warningCores(summary);
  const rows = Object.entries(summary.serverWarnings ?? {})
    .map(([kind, w]) => ({ count: w.count, m: warningMeaning(kind, cores) }))
    .sort((a, b) => Number(b.m.trouble) - Number(a.m.trouble));
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((r) => r.m.label.length));
  const countWidth = Math.max(...rows.map((r) => formatNumber(r.count).length));
  return [
    "hyperd warnings:",
    ...rows.map(({ count, m }) =>
      `  ${m.label.padEnd(width)}  ${formatNumber(count).padStart(countWidth)}x  ` +
      (m.trouble ? m.meaning : m.why)
    ),
  ];
}
