/**
 * Two runs side by side: ops/s, rows/s, p50, p95 and p99 per operation kind and overall, the
 * change in percent, a Mann–Whitney U test on the per-second samples so noise is not called a
 * regression, and the verdict (verdict_policy.ts: a significant regression beyond the limit fails).
 */
import { settingEntries } from "../config/settings.ts";
import { comparisonExitCode } from "../verdict_policy.ts";
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import { round } from "./format.ts";
import { mannWhitneyU } from "./mann_whitney.ts";
import type { Summary } from "./summary.ts";

/** Version of the comparison layout. */
export const COMPARISON_SCHEMA_VERSION = 1;

/** A difference is significant when the test's p-value is below this. */
export const ALPHA = 0.05;

/** The figures compared, in table order. */
export const METRICS = ["opsPerSec", "rowsPerSec", "p50", "p95", "p99"] as const;

/** One compared figure. */
export type Metric = typeof METRICS[number];

/** Each figure's label and which way is better. */
export const METRIC_INFO: Record<Metric, { label: string; higherIsBetter: boolean }> = {
  opsPerSec: { label: "ops/s", higherIsBetter: true },
  rowsPerSec: { label: "rows/s", higherIsBetter: true },
  p50: { label: "p50 ms", higherIsBetter: false },
  p95: { label: "p95 ms", higherIsBetter: false },
  p99: { label: "p99 ms", higherIsBetter: false },
};

/**
 * What a change amounts to. `regression`: significant, worse and beyond the limit (it fails the
 * comparison); `worse` and `better`: significant, within the limit or better; `noise`: beyond the
 * limit but not significant; `untested`: worse beyond the limit where no per-second samples exist
 * to test (a single operation kind); `same`: none of these.
 */
export type Status = "regression" | "worse" | "better" | "noise" | "untested" | "same";

/** One figure of both runs. */
export interface MetricChange {
  metric: Metric;
  base: number | null;
  new: number | null;
  /** (new - base) / base in percent; null when either is not measured or base is 0. */
  changePercent: number | null;
  /** The test's two-sided p-value; null where no per-second samples exist. */
  p: number | null;
  status: Status;
}

/** One operation kind, or `all`, with its figures. */
export interface ComparisonRow {
  name: OpKind | "all";
  metrics: MetricChange[];
}

/** What the comparison reads of a run's summary.json. */
export type ComparedSummary = Pick<
  Summary,
  | "hyperd"
  | "config"
  | "durationSec"
  | "stopReason"
  | "exitCode"
  | "totals"
  | "latencyMs"
  | "byOp"
  | "timeline"
>;

/** One run as the comparison describes it. */
export interface ComparedRunInfo {
  path: string;
  hyperd: { path: string; version: string };
  seed: number;
  durationSec: number;
  stopReason: string;
  exitCode: number;
  /** Whole seconds of the run: the samples of the test. */
  seconds: number;
}

/** The whole comparison, written as comparison data and rendered as text or HTML. */
export interface Comparison {
  schemaVersion: typeof COMPARISON_SCHEMA_VERSION;
  base: ComparedRunInfo;
  new: ComparedRunInfo;
  maxRegressionPercent: number;
  alpha: number;
  rows: ComparisonRow[];
  /** The regressions that fail the comparison, `all` first. */
  regressions: (MetricChange & { name: ComparisonRow["name"] })[];
  /** What to keep in mind: differing settings, runs that ended early or are too short. */
  notes: string[];
  /** Per-second samples of `all`, for charts. */
  samples: { base: Samples; new: Samples };
  exitCode: number;
}

/**
 * Per-second samples of one run: one value per whole second, but latency only for the seconds
 * with operations, which `latencyAtSec` lists.
 */
export type Samples = Record<Metric, number[]> & { latencyAtSec: number[] };

/**
 * The per-second samples of a run: ops and inserted rows of each whole second (a second without
 * a timeline point had none), latency percentiles of each second that had operations. The last,
 * partial second is left out: it would read as a dip.
 */
export function perSecondSamples(summary: Pick<Summary, "durationSec" | "timeline">): Samples {
  const seconds = Math.floor(summary.durationSec);
  const byAt = new Map(summary.timeline.map((point) => [point.atSec, point]));
  const samples: Samples = {
    opsPerSec: [],
    rowsPerSec: [],
    p50: [],
    p95: [],
    p99: [],
    latencyAtSec: [],
  };
  for (let sec = 1; sec <= seconds; sec++) {
    const point = byAt.get(sec);
    samples.opsPerSec.push(point?.ops ?? 0);
    samples.rowsPerSec.push(point?.insertedRows ?? 0);
    if (!point || point.ops === 0) continue;
    samples.latencyAtSec.push(sec);
    samples.p50.push(point.latencyMs.p50);
    samples.p95.push(point.latencyMs.p95);
    samples.p99.push(point.latencyMs.p99);
  }
  return samples;
}

/** The figures of a row: `all` from the totals, a kind from its byOp entry. */
function figures(
  summary: ComparedSummary,
  name: ComparisonRow["name"],
): Record<Metric, number | null> {
  const seconds = summary.durationSec;
  const rate = (count: number) => (seconds > 0 ? count / seconds : null);
  if (name === "all") {
    const measured = summary.totals.ops > 0;
    return {
      opsPerSec: rate(summary.totals.ops),
      rowsPerSec: rate(summary.totals.insertedRows),
      p50: measured ? summary.latencyMs.p50 : null,
      p95: measured ? summary.latencyMs.p95 : null,
      p99: measured ? summary.latencyMs.p99 : null,
    };
  }
  // A summary written before a kind existed has none of it.
  const op = summary.byOp[name] ?? { count: 0, rows: 0, latencyMs: summary.latencyMs };
  const measured = op.count > 0;
  return {
    opsPerSec: rate(op.count),
    rowsPerSec: rate(op.rows),
    p50: measured ? op.latencyMs.p50 : null,
    p95: measured ? op.latencyMs.p95 : null,
    p99: measured ? op.latencyMs.p99 : null,
  };
}

/** (next - base) / base in percent, or null when it has no meaning. */
export function changePercent(base: number | null, next: number | null): number | null {
  if (base === null || next === null) return null;
  if (base === 0) return next === 0 ? 0 : null;
  return ((next - base) / base) * 100;
}

/** How a change reads, given its test (null: untested) and the limit in percent. */
export function statusOf(
  metric: Metric,
  change: number | null,
  test: { u1: number; u2: number; p: number } | null,
  limitPercent: number,
): Status {
  const { higherIsBetter } = METRIC_INFO[metric];
  const worse = change !== null && (higherIsBetter ? change < 0 : change > 0);
  const beyond = worse && Math.abs(change) > limitPercent;
  if (!test) return beyond ? "untested" : "same";
  if (test.p >= ALPHA) return beyond ? "noise" : "same";
  // u1 counts the pairs where base beats new: above half of them, base holds the larger values.
  const newLarger = test.u2 > test.u1;
  const testSaysWorse = higherIsBetter ? !newLarger : newLarger;
  if (testSaysWorse !== worse) return "same";
  if (beyond) return "regression";
  return worse ? "worse" : "better";
}

/** One row: each figure of both runs, tested where per-second samples exist (`all`). */
function compareRow(
  name: ComparisonRow["name"],
  base: ComparedSummary,
  next: ComparedSummary,
  samples: { base: Samples; new: Samples } | null,
  limitPercent: number,
): ComparisonRow {
  const [a, b] = [figures(base, name), figures(next, name)];
  return {
    name,
    metrics: METRICS.map((metric) => {
      const change = changePercent(a[metric], b[metric]);
      const test = samples ? mannWhitneyU(samples.base[metric], samples.new[metric]) : null;
      return {
        metric,
        base: a[metric] === null ? null : round(a[metric]),
        new: b[metric] === null ? null : round(b[metric]),
        changePercent: change === null ? null : round(change, 1),
        p: test ? round(test.p, 6) : null,
        status: statusOf(metric, change, test, limitPercent),
      };
    }),
  };
}

function runInfo(path: string, summary: ComparedSummary): ComparedRunInfo {
  return {
    path,
    hyperd: summary.hyperd,
    seed: summary.config.seed,
    durationSec: summary.durationSec,
    stopReason: summary.stopReason,
    exitCode: summary.exitCode,
    seconds: Math.floor(summary.durationSec),
  };
}

/** Settings that shape the workload (every non-operator setting, and the duration), by flag. */
function settingDifferences(base: ComparedSummary, next: ComparedSummary): string[] {
  const differences: string[] = [];
  for (const [key, s] of settingEntries()) {
    if (s.operator && key !== "duration") continue;
    const [a, b] = [base.config[key], next.config[key]].map((v) => JSON.stringify(v ?? null));
    if (a !== b) differences.push(`--${s.flag} ${a} vs ${b}`);
  }
  return differences;
}

/** What a reader should know before trusting the table. */
function notesOf(
  base: ComparedRunInfo & { summary: ComparedSummary },
  next: typeof base,
): string[] {
  const notes: string[] = [];
  const differences = settingDifferences(base.summary, next.summary);
  if (differences.length > 0) {
    notes.push(
      `the runs differ in their workload (${differences.join(", ")}): the comparison measures ` +
        "the settings as much as hyperd",
    );
  }
  for (const [label, run] of [["base", base], ["new", next]] as const) {
    if (run.stopReason !== "DurationElapsed") {
      notes.push(
        `${label} stopped with ${run.stopReason} (exit ${run.exitCode}) after ${run.durationSec} s`,
      );
    }
  }
  // The smallest p these sample sizes allow: every second of one run beating every one of the other.
  const [n1, n2] = [base.seconds, next.seconds];
  const best = mannWhitneyU(
    Array.from({ length: n1 }, (_, i) => i),
    Array.from({ length: n2 }, (_, i) => n1 + i),
  );
  if (!best || best.p >= ALPHA) {
    notes.push(
      `runs of ${n1} and ${n2} whole seconds are too short for any difference to be significant ` +
        `(p >= ${ALPHA}); run each for 10 s or more`,
    );
  }
  return notes;
}

/**
 * Compares `next` with `base`: every operation kind that either ran, and `all`. Only `all` has
 * per-second samples, so only its figures are tested and can fail the comparison; a kind's change
 * beyond the limit is marked `untested`.
 */
export function compareRuns(
  base: { path: string; summary: ComparedSummary },
  next: { path: string; summary: ComparedSummary },
  maxRegressionPercent: number,
): Comparison {
  const samples = { base: perSecondSamples(base.summary), new: perSecondSamples(next.summary) };
  const kinds = OP_KINDS.filter((k) =>
    (base.summary.byOp[k]?.count ?? 0) > 0 || (next.summary.byOp[k]?.count ?? 0) > 0
  );
  const rows = [
    compareRow("all", base.summary, next.summary, samples, maxRegressionPercent),
    ...kinds.map((k) => compareRow(k, base.summary, next.summary, null, maxRegressionPercent)),
  ];
  const regressions = rows.flatMap((row) =>
    row.metrics.filter((m) => m.status === "regression").map((m) => ({ ...m, name: row.name }))
  );
  const baseInfo = runInfo(base.path, base.summary);
  const nextInfo = runInfo(next.path, next.summary);
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    base: baseInfo,
    new: nextInfo,
    maxRegressionPercent,
    alpha: ALPHA,
    rows,
    regressions,
    notes: notesOf({ ...baseInfo, summary: base.summary }, { ...nextInfo, summary: next.summary }),
    samples,
    exitCode: comparisonExitCode(regressions.length),
  };
}
