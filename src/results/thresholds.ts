/**
 * Threshold verdicts: a run's summary flattened into one map of metric values, and each parsed
 * threshold checked against it (as k6 evaluates thresholds over a map of sunk values).
 */
import type { Comparison, Metric, OpMetric, RunMetric, Threshold } from "../config/thresholds.ts";
import { OP_METRICS } from "../config/thresholds.ts";
import type { LatencySummary } from "../stats/latency.ts";
import { OP_KINDS } from "../workload/op_table.ts";

/** A threshold's verdict, as summary.json stores it; `value` is null when unavailable. */
export interface ThresholdResult {
  expr: string;
  value: number | null;
  ok: boolean;
}

/** Every metric a threshold can name, with its value; null where the run did not measure it. */
export type MetricValues = Record<Metric, number | null>;

/** A run's totals after the warm-up; rates are over the measured seconds. */
export interface RunTotals {
  ops: number;
  failures: number;
  insertedRows: number;
  opsPerSec: number;
  insertRowsPerSec: number;
}

/** What the metric map is built from: the summary's figures (not the summary, so no cycle). */
export interface MetricSource {
  totals: RunTotals;
  latencyMs: LatencySummary;
  byOp: Record<
    string,
    {
      count: number;
      failures: number;
      /** Absent in summaries written before aborts were counted. */
      aborted?: number;
      rows: number;
      latencyMs: LatencySummary;
    }
  >;
  peak: { memoryMb: number | null; overallLoad: number | null; processCpuPercent: number | null };
  backpressure: { seconds: number };
  /** How long the monitor was blind; null or absent when it was off (or the summary is older). */
  sight?: { blindSec: number } | null;
  disk: { usedMb: number };
  integrity: { checked: boolean; mismatches: number };
}

const LATENCY_KEYS = {
  p50_ms: "p50",
  p95_ms: "p95",
  p99_ms: "p99",
  max_ms: "max",
  mean_ms: "mean",
} as const satisfies Partial<Record<OpMetric, keyof LatencySummary>>;

/**
 * The value of every metric. Latencies of a run or kind without operations are null: HdrHistogram
 * reports zeros then, which would pass `<`.
 */
export function metricValues(s: MetricSource): MetricValues {
  const { totals, peak } = s;
  const latency = (l: LatencySummary, count: number) =>
    Object.fromEntries(
      Object.entries(LATENCY_KEYS).map(([metric, key]) => [metric, count > 0 ? l[key] : null]),
    ) as Record<keyof typeof LATENCY_KEYS, number | null>;
  const run: Record<RunMetric, number | null> = {
    ...latency(s.latencyMs, totals.ops),
    failures: totals.failures,
    failure_rate: totals.ops > 0 ? totals.failures / totals.ops : null,
    ops: totals.ops,
    ops_per_sec: totals.opsPerSec,
    insert_rows_per_sec: totals.insertRowsPerSec,
    inserted_rows: totals.insertedRows,
    peak_memory_mb: peak.memoryMb,
    peak_overall_load: peak.overallLoad,
    peak_cpu_percent: peak.processCpuPercent,
    backpressure_seconds: s.backpressure.seconds,
    // A monitor that was off saw nothing, which is not "never blind".
    monitor_blind_seconds: s.sight?.blindSec ?? null,
    disk_used_mb: s.disk.usedMb,
    // An unchecked run has 0 mismatches on record but proved nothing.
    integrity_mismatches: s.integrity.checked ? s.integrity.mismatches : null,
  };
  const values: Record<string, number | null> = { ...run };
  for (const kind of OP_KINDS) {
    // A summary written before a kind existed has none of it: its thresholds are unavailable.
    const op = s.byOp[kind];
    if (!op) continue;
    const perKind: Record<OpMetric, number | null> = {
      ...latency(op.latencyMs, op.count),
      count: op.count,
      failures: op.failures,
      rows: op.rows,
      aborted: op.aborted ?? 0,
      aborted_rate: op.count > 0 ? (op.aborted ?? 0) / op.count : null,
    };
    for (const metric of OP_METRICS) values[`${kind}.${metric}`] = perKind[metric];
  }
  return values as MetricValues;
}

/** Checks each threshold; an unavailable value fails, so a missing measurement never passes. */
export function evaluateThresholds(
  thresholds: Threshold[],
  values: MetricValues,
): ThresholdResult[] {
  return thresholds.map((t) => {
    const value = values[t.metric] ?? null;
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
