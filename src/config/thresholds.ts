/** CI thresholds like k6's: `<metric><op><number>` expressions, parsed once when the config is resolved. */
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import { closest } from "./did_you_mean.ts";

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
  "monitor_blind_seconds",
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
  // Expected aborts (40001 conflicts) and their share of the kind's operations.
  "aborted",
  "aborted_rate",
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

const SHAPE = /^\s*([^<>=!\s]*)\s*([<>=!]+)\s*(.*?)\s*$/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const EXPECTED_SHAPE = 'expected <metric><op><number>, e.g. "p95_ms<200"';

/** A Threshold, or what is wrong with the expression. */
export function parseThreshold(expr: string): Threshold | string {
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

/** Null for a known metric, else what was expected instead, with the closest known name. */
function checkMetric(name: string): string | null {
  if ((RUN_METRICS as readonly string[]).includes(name)) return null;
  const dot = name.indexOf(".");
  if (dot < 0) {
    return `unknown metric "${name}";${guess(name, RUN_METRICS)} expected one of ` +
      `${RUN_METRICS.join(", ")}, or <OpKind>.<${OP_METRICS.join("|")}> with OpKind one of ` +
      OP_KINDS.join(", ");
  }
  const kind = name.slice(0, dot);
  const sub = name.slice(dot + 1);
  if (!(OP_KINDS as readonly string[]).includes(kind)) {
    const meant = closest(kind, OP_KINDS);
    const hint = meant ? ` did you mean "${meant}.${sub}"?` : "";
    return `unknown operation kind "${kind}" in "${name}";${hint} expected one of ${
      OP_KINDS.join(", ")
    }`;
  }
  if (!(OP_METRICS as readonly string[]).includes(sub)) {
    return `unknown metric "${name}";${guess(sub, OP_METRICS, `${kind}.`)} expected ${kind}.<${
      OP_METRICS.join("|")
    }>`;
  }
  return null;
}

/** ` did you mean "p99_ms"?` when a known name is close to `word`, else nothing. */
function guess(word: string, known: readonly string[], prefix = ""): string {
  const meant = closest(word, known);
  return meant ? ` did you mean "${prefix}${meant}"?` : "";
}
