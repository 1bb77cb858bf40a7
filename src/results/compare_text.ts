/** The comparison a person reads on stdout: both runs, the side-by-side table, notes, verdict. */
import {
  type ComparedRunInfo,
  type Comparison,
  METRIC_INFO,
  type MetricChange,
} from "./compare.ts";
import { DASH, formatFixed, formatNumber, formatSeconds, plural, textTable } from "./format.ts";

/** Notes are wrapped to the width of --help. */
const TEXT_WIDTH = 100;

/** A figure as the tables print it: ops/s with one decimal, rows/s whole, latency in ms. */
export function formatFigure(change: Pick<MetricChange, "metric">, value: number | null): string {
  if (change.metric === "opsPerSec") return formatFixed(value, 1);
  if (change.metric === "rowsPerSec") return formatNumber(value);
  return formatFixed(value, 2);
}

/** `+4.0%`, `-61.3%`, `0.0%`; DASH when the change has no meaning. */
export function formatChange(percent: number | null): string {
  if (percent === null) return DASH;
  const text = `${formatFixed(Math.abs(percent), 1)}%`;
  if (text === "0.0%") return text;
  return `${percent > 0 ? "+" : "-"}${text}`;
}

/** `0.412`, `<0.001`; DASH where nothing was tested. */
export function formatP(p: number | null): string {
  if (p === null) return DASH;
  return p < 0.001 ? "<0.001" : formatFixed(p, 3);
}

/** The status column: loud for a regression, quiet for nothing to report. */
export function statusWord(change: MetricChange): string {
  return change.status === "regression"
    ? "REGRESSION"
    : change.status === "same"
    ? ""
    : change.status;
}

/** `base  <path>: seed 42, 8.0 s (DurationElapsed)`, then hyperd's version and path. */
function runLines(label: string, run: ComparedRunInfo): string[] {
  return [
    `  ${label.padEnd(4)}  ${run.path}: seed ${run.seed}, ${formatSeconds(run.durationSec)} ` +
    `(${run.stopReason})`,
    `        hyperd ${run.hyperd.version}, ${run.hyperd.path}`,
  ];
}

/**
 * `PASSED: no significant regression beyond 10%`, or `FAILED: 2 significant regressions beyond
 * 10% (exit N): all ops/s -61.3% (p <0.001); ...`.
 */
export function compareVerdictLine(comparison: Comparison): string {
  const limit = `${formatNumber(comparison.maxRegressionPercent, 2)}%`;
  if (comparison.regressions.length === 0) {
    return `PASSED: no significant regression beyond ${limit} (p < ${comparison.alpha})`;
  }
  const named = comparison.regressions.map((r) =>
    `${r.name} ${METRIC_INFO[r.metric].label} ${formatChange(r.changePercent)} (p ${formatP(r.p)})`
  );
  return `FAILED: ${plural(comparison.regressions.length, "significant regression")} beyond ` +
    `${limit} (exit ${comparison.exitCode}): ${named.join("; ")}`;
}

/** Lines of at most TEXT_WIDTH columns, broken between words, the later ones indented. */
function wrapped(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > TEXT_WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

/** The whole comparison as text; the verdict is the last line. */
export function compareText(comparison: Comparison): string {
  const rows = comparison.rows.flatMap((row) =>
    row.metrics.map((m, i) => [
      i === 0 ? row.name : "",
      METRIC_INFO[m.metric].label,
      formatFigure(m, m.base),
      formatFigure(m, m.new),
      formatChange(m.changePercent),
      formatP(m.p),
      statusWord(m),
    ])
  );
  const table = textTable(
    ["Operation", "Figure", "Base", "New", "Change", "p", ""],
    rows,
    ["left", "left", "right", "right", "right", "right", "left"],
  );
  return [
    "hyperstress compare",
    ...runLines("base", comparison.base),
    ...runLines("new", comparison.new),
    "",
    table,
    "",
    `p: Mann–Whitney U test over the ${comparison.base.seconds} and ${comparison.new.seconds} ` +
    "whole seconds of the runs;",
    "   for all only, as per-second figures by operation kind are not kept.",
    "rows/s: rows inserted for all, BulkInsert and SingleInsert; rows read for the reads.",
    ...comparison.notes.flatMap((note) => wrapped(`Note: ${note}.`, "      ")),
    "",
    compareVerdictLine(comparison),
  ].join("\n");
}
