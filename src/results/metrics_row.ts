/**
 * One row of the per-second metrics stream (`--out`): the second's timeline entry, the watch's
 * disk and client CPU, and hyperd's last resource sample. The same fields as one JSON object a
 * line (jsonl) or as CSV with a fixed header, so either can be tailed by other tools.
 */
import type { ResourceSample } from "../hyperd/log_entries.ts";
import type { TimelinePoint } from "../stats/run_stats.ts";
import { OP_KINDS } from "../workload/op_table.ts";
import { round } from "./format.ts";

/** hyperd's figures a row carries, in column order. */
const HYPERD_FIELDS = [
  "memoryMb",
  "fileMappingsMb",
  "trackedMemoryMb",
  "overallLoad",
  "schedulerLoad",
  "memoryLoad",
  "activeThreads",
  "inactiveThreads",
  "waitingJobs",
  "processCpuPercent",
  "systemCpuPercent",
] as const satisfies readonly (keyof ResourceSample)[];

type HyperdFigures = { [K in typeof HYPERD_FIELDS[number]]: ResourceSample[K] };

/** One second of the run as the stream writes it. */
export interface MetricsRow extends Omit<TimelinePoint, "readRows" | "byOp"> {
  /** When the row was written (ISO 8601, UTC). */
  time: string;
  readRows: number;
  byOp: NonNullable<TimelinePoint["byOp"]>;
  /** The run's .hyper files, as the watch last measured them. */
  diskMb: number;
  /** hyperstress's own CPU over the last second, in percent of all cores. */
  clientCpuPercent: number;
  /** Whether users were paused when the row was written. */
  backpressure: boolean;
  /** hyperd's last resource sample (it logs one every --log-interval), or null before the first. */
  hyperd: (HyperdFigures & { sampledAt: string }) | null;
}

/** What a row is made of: the second, and the live figures when it is written. */
export interface RowParts {
  point: TimelinePoint;
  diskBytes: number;
  clientCpuPercent: number;
  backpressure: boolean;
  sample: ResourceSample | null;
  nowMs: number;
}

/** The row of one second. */
export function metricsRow(parts: RowParts): MetricsRow {
  const { point, sample } = parts;
  return {
    time: new Date(parts.nowMs).toISOString(),
    atSec: point.atSec,
    ops: point.ops,
    failures: point.failures,
    insertedRows: point.insertedRows,
    readRows: point.readRows ?? 0,
    latencyMs: point.latencyMs,
    byOp: point.byOp ?? {},
    diskMb: round(parts.diskBytes / (1024 * 1024), 1),
    clientCpuPercent: round(parts.clientCpuPercent, 1),
    backpressure: parts.backpressure,
    hyperd: sample === null ? null : {
      sampledAt: new Date(sample.atMs).toISOString(),
      ...Object.fromEntries(HYPERD_FIELDS.map((f) => [f, sample[f]])) as HyperdFigures,
    },
  };
}

/** One JSON object and a newline. */
export function jsonLine(row: MetricsRow): string {
  return `${JSON.stringify(row)}\n`;
}

/** The CSV columns: a row's fields flattened with dots (`latencyMs.p95`, `hyperd.memoryMb`). */
export const CSV_COLUMNS: readonly string[] = [
  "time",
  "atSec",
  "ops",
  "failures",
  "insertedRows",
  "readRows",
  ...["p50", "p95", "p99", "max", "mean"].map((p) => `latencyMs.${p}`),
  ...OP_KINDS.flatMap((k) => ["ops", "aborted", "p50", "p95", "p99"].map((f) => `byOp.${k}.${f}`)),
  "diskMb",
  "clientCpuPercent",
  "backpressure",
  "hyperd.sampledAt",
  ...HYPERD_FIELDS.map((f) => `hyperd.${f}`),
];

/** The CSV header line. */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(",")}\n`;
}

/** A row as a CSV line in CSV_COLUMNS order; what is absent (a kind that did not run) is empty. */
export function csvLine(row: MetricsRow): string {
  const cell = (column: string): string => {
    let value: unknown = row;
    for (const key of column.split(".")) {
      value = value === null || value === undefined
        ? undefined
        : (value as Record<string, unknown>)[key];
    }
    if (value === null || value === undefined) return "";
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${CSV_COLUMNS.map(cell).join(",")}\n`;
}
