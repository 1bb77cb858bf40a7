/** CI thresholds like k6's: `<metric><op><number>` expressions checked against a run's Summary. */
import { ConfigError } from "../errors.ts";
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import type { Summary } from "./summary.ts";

/** Metrics of the whole run a threshold can name. */
export const RUN_METRICS = [
  "p50_ms",
  "p95_ms",
  "p99_ms",
  "max_ms",
  "mean_ms",
  "failures",
  "failure_rate",
  "ops",
  "ops_per_sec",
  "insert_rows_per_sec",
  "inserted_rows",
  "peak_memory_mb",
  "peak_overall_load",
  "peak_cpu_percent",
  "backpressure_seconds",
  "disk_used_mb",
  "integrity_mismatches",
] as const;
/** One metric of the whole run. */
export type RunMetric = typeof RUN_METRICS[number];

/** Metrics of one operation kind, named `<OpKind>.<metric>`. */
export const OP_METRICS = [
  "p50_ms",
  "p95_ms",
  "p99_ms",
  "max_ms",
  "mean_ms",
  "count",
  "failures",
  "rows",
] as const;
/** One metric of an operation kind. */
export type OpMetric = typeof OP_METRICS[number];

/** Anything a threshold can compare, e.g. `p99_ms` or `BulkInsert.p95_ms`. */
export type Metric = RunMetric | `${OpKind}.${OpMetric}`;

/** Comparison operators, longest first so `<=` is not read as `<`. */
export const COMPARISONS = ["<=", ">=", "==", "!=", "<", ">"] as const;
/** One comparison operator. */
export type Comparison = typeof COMPARISONS[number];

/** A parsed threshold: `metric op target`, and the expression as the user wrote it. */
export interface Threshold {
  expr: string;
  metric: Metric;
  op: Comparison;
  target: number;
}

/** A threshold's verdict, as summary.json stores it; `value` is null when unavailable. */
export type ThresholdResult = Summary["thresholds"][number];

const SHAPE = /^\s*([^<>=!\s]*)\s*([<>=!]+)\s*(.*?)\s*$/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const EXPECTED_SHAPE = 'expected <metric><op><number>, e.g. "p95_ms<200"';

/** Parses every expression; all bad ones are reported together in one ConfigError. */
export function parseThresholds(exprs: string[], origin: string): Threshold[] {
  const problems = thresholdProblems(exprs, origin);
  if (problems.length > 0) {
    throw new ConfigError(`invalid threshold:\n  ${problems.join("\n  ")}`);
  }
  return exprs.map((expr) => parseOne(expr) as Threshold);
}

/** What is wrong with each bad expression, one line each; empty when all parse. */
export function thresholdProblems(exprs: string[], origin: string): string[] {
  return exprs.flatMap((expr) => {
    const parsed = parseOne(expr);
    return typeof parsed === "string" ? [`${origin} ${JSON.stringify(expr)}: ${parsed}`] : [];
  });
}

/** A Threshold, or what is wrong with the expression. */
function parseOne(expr: string): Threshold | string {
  const match = SHAPE.exec(expr);
  if (!match) return EXPECTED_SHAPE;
  const [, name, op, number] = match;
  if (name === "") return `missing metric before "${op}"; ${EXPECTED_SHAPE}`;
  const metricProblem = checkMetric(name);
  if (metricProblem) return metricProblem;
  if (!(COMPARISONS as readonly string[]).includes(op)) {
    return `unknown operator "${op}"; expected one of ${COMPARISONS.join(", ")}`;
  }
  if (!NUMBER.test(number)) return `expected a number after "${op}", got "${number}"`;
  return {
    expr: expr.trim(),
    metric: name as Metric,
    op: op as Comparison,
    target: Number(number),
  };
}

/** Null for a known metric, else what was expected instead. */
function checkMetric(name: string): string | null {
  if ((RUN_METRICS as readonly string[]).includes(name)) return null;
  const dot = name.indexOf(".");
  if (dot < 0) {
    return `unknown metric "${name}"; expected one of ${RUN_METRICS.join(", ")}, ` +
      `or <OpKind>.<${OP_METRICS.join("|")}> with OpKind one of ${OP_KINDS.join(", ")}`;
  }
  const kind = name.slice(0, dot);
  const sub = name.slice(dot + 1);
  if (!(OP_KINDS as readonly string[]).includes(kind)) {
    return `unknown operation kind "${kind}" in "${name}"; expected one of ${OP_KINDS.join(", ")}`;
  }
  if (!(OP_METRICS as readonly string[]).includes(sub)) {
    return `unknown metric "${name}"; expected ${kind}.<${OP_METRICS.join("|")}>`;
  }
  return null;
}

/** Checks each threshold; an unavailable value fails, so a missing measurement never passes. */
export function evaluateThresholds(thresholds: Threshold[], summary: Summary): ThresholdResult[] {
  return thresholds.map((t) => {
    const value = metricValue(summary, t.metric);
    return { expr: t.expr, value, ok: value !== null && compare(value, t.op, t.target) };
  });
}

function compare(value: number, op: Comparison, target: number): boolean {
  switch (op) {
    case "<":
      return value < target;
    case "<=":
      return value <= target;
    case ">":
      return value > target;
    case ">=":
      return value >= target;
    case "==":
      return value === target;
    case "!=":
      return value !== target;
  }
}

/**
 * A metric's value in the summary, or null when the run did not measure it. Latencies of a run
 * or kind without operations are null: HdrHistogram reports zeros then, which would pass `<`.
 */
export function metricValue(summary: Summary, metric: Metric): number | null {
  const dot = metric.indexOf(".");
  if (dot >= 0) {
    const totals = summary.byOp[metric.slice(0, dot) as OpKind];
    const sub = metric.slice(dot + 1) as OpMetric;
    if (!totals) return null;
    if (sub === "count" || sub === "failures" || sub === "rows") return totals[sub];
    return totals.count > 0 ? latencyOf(totals.latencyMs, sub) : null;
  }
  const { totals, peak } = summary;
  switch (metric as RunMetric) {
    case "p50_ms":
    case "p95_ms":
    case "p99_ms":
    case "max_ms":
    case "mean_ms":
      return totals.ops > 0 ? latencyOf(summary.latencyMs, metric as OpMetric) : null;
    case "failures":
      return totals.failures;
    case "failure_rate":
      return totals.ops > 0 ? totals.failures / totals.ops : null;
    case "ops":
      return totals.ops;
    case "ops_per_sec":
      return totals.opsPerSec;
    case "insert_rows_per_sec":
      return totals.insertRowsPerSec;
    case "inserted_rows":
      return totals.insertedRows;
    case "peak_memory_mb":
      return peak.memoryMb;
    case "peak_overall_load":
      return peak.overallLoad;
    case "peak_cpu_percent":
      return peak.processCpuPercent;
    case "backpressure_seconds":
      return summary.backpressure.seconds;
    case "disk_used_mb":
      return summary.disk.usedMb;
    case "integrity_mismatches":
      // An unchecked run has 0 mismatches on record but proved nothing.
      return summary.integrity.checked ? summary.integrity.mismatches : null;
  }
  return null;
}

function latencyOf(latency: Summary["latencyMs"], metric: OpMetric): number | null {
  const key = { p50_ms: "p50", p95_ms: "p95", p99_ms: "p99", max_ms: "max", mean_ms: "mean" }[
    metric as string
  ] as keyof Summary["latencyMs"] | undefined;
  return key ? latency[key] : null;
}
