/** summary.json: the typed result of a run, built from its parts, written by report code. */
import type { Config } from "../config/settings.ts";
import type { Integrity } from "../run/integrity.ts";
import type { LatencySummary } from "../stats/latency.ts";
import type { OpKind } from "../workload/op_table.ts";
import type { OpTotals, TimelinePoint } from "../stats/run_stats.ts";
import type { Threshold } from "../config/thresholds.ts";
import { evaluateThresholds, metricValues, type ThresholdResult } from "./thresholds.ts";
import { round } from "./format.ts";
import type { OpFailure, UserResult } from "../users/worker_protocol.ts";

/** Version of the summary layout. */
export const SUMMARY_SCHEMA_VERSION = 1;

/** Why a run ended; WorkerFailed is a fault of hyperstress itself, not of Hyper. */
export type StopReason =
  | "DurationElapsed"
  | "CrashDetected"
  | "ResourceLimit"
  | "Interrupted"
  | "WorkerFailed";

/** hyperd's own view of the run, from its resource log. */
export interface ResourceReport {
  peak: {
    memoryMb: number | null;
    overallLoad: number | null;
    schedulerLoad: number | null;
    processCpuPercent: number | null;
  };
  backpressure: { events: number; seconds: number };
  /** Errors hyperd logged for queries (`query-end-user-error` / `-system-error`). */
  serverErrors: { user: number; system: number };
  /** Resource samples read and log lines that did not parse. */
  samples: number;
  malformedLogLines: number;
  /** One point per resource sample. */
  timeline: ResourcePoint[];
}

/** One resource sample of hyperd. */
export interface ResourcePoint {
  atSec: number;
  memoryMb: number | null;
  overallLoad: number | null;
  schedulerLoad: number | null;
  processCpuPercent: number | null;
  backpressure: boolean;
}

/** How hyperd died, when it did. */
export interface CrashInfo {
  exitCode: number;
  signal: string | null;
  atSec: number;
  logTail: string[];
}

/** The whole summary.json. */
export interface Summary {
  schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  hyperd: { path: string; version: string };
  outputDir: string;
  config: Config;
  startedAt: string;
  durationSec: number;
  stopReason: StopReason;
  /** Why the run stopped early, in words; null for DurationElapsed. */
  stopDetail: string | null;
  exitCode: number;
  totals: {
    ops: number;
    failures: number;
    insertedRows: number;
    opsPerSec: number;
    insertRowsPerSec: number;
  };
  latencyMs: LatencySummary;
  byOp: Record<OpKind, OpTotals>;
  peak: ResourceReport["peak"];
  disk: { usedMb: number; budgetMb: number; writesRedirected: number };
  backpressure: ResourceReport["backpressure"];
  errors: OpFailure[];
  errorCount: number;
  serverErrors: ResourceReport["serverErrors"];
  crash: CrashInfo | null;
  integrity: Integrity;
  transport: { grpcReads: number; libpqReads: number };
  users: UserResult[];
  workers: number;
  timeline: TimelinePoint[];
  resources: ResourcePoint[];
  thresholds: ThresholdResult[];
}

/** Rates per second, rounded; zero for a zero-length run. */
export function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? round(count / seconds, 1) : 0;
}

/** Megabytes from bytes, rounded to 0.1. */
export function megabytes(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}

/** Everything a summary is built from. */
export interface SummaryParts {
  hyperd: Summary["hyperd"];
  outputDir: string;
  config: Config;
  startedAt: Date;
  durationSec: number;
  stopReason: StopReason;
  stopDetail: string | null;
  byOp: Record<OpKind, OpTotals>;
  latencyMs: LatencySummary;
  resources: ResourceReport;
  diskBytes: number;
  writesRedirected: number;
  errors: OpFailure[];
  crash: CrashInfo | null;
  integrity: Integrity;
  transport: Summary["transport"];
  users: UserResult[];
  workers: number;
  timeline: TimelinePoint[];
  /** The parsed rules, evaluated against the finished summary. */
  thresholds: Threshold[];
  /** Set when hyperstress itself failed: 1 for an internal error, 2 for a missing permission. */
  internalExitCode: number | null;
}

/** Assembles summary.json from a run's parts and derives its exit code. */
export function buildSummary(parts: SummaryParts): Summary {
  const ops = Object.values(parts.byOp).reduce((n, op) => n + op.count, 0);
  const failures = Object.values(parts.byOp).reduce((n, op) => n + op.failures, 0);
  const insertedRows = parts.byOp.BulkInsert.rows + parts.byOp.SingleInsert.rows;
  const summary: Summary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    hyperd: parts.hyperd,
    outputDir: parts.outputDir,
    config: parts.config,
    startedAt: parts.startedAt.toISOString(),
    durationSec: round(parts.durationSec),
    stopReason: parts.stopReason,
    stopDetail: parts.stopDetail,
    exitCode: 0,
    totals: {
      ops,
      failures,
      insertedRows,
      opsPerSec: perSecond(ops, parts.durationSec),
      insertRowsPerSec: perSecond(insertedRows, parts.durationSec),
    },
    latencyMs: parts.latencyMs,
    byOp: parts.byOp,
    peak: parts.resources.peak,
    disk: {
      usedMb: megabytes(parts.diskBytes),
      budgetMb: parts.config.maxDiskMb,
      writesRedirected: parts.writesRedirected,
    },
    backpressure: parts.resources.backpressure,
    errors: parts.errors,
    // Every failure, though `errors` keeps only the first MAX_ERRORS.
    errorCount: failures,
    serverErrors: parts.resources.serverErrors,
    crash: parts.crash,
    integrity: parts.integrity,
    transport: parts.transport,
    users: [...parts.users].sort((a, b) => a.id - b.id),
    workers: parts.workers,
    timeline: parts.timeline,
    resources: parts.resources.timeline,
    thresholds: [],
  };
  summary.thresholds = evaluateThresholds(parts.thresholds, metricValues(summary));
  summary.exitCode = parts.internalExitCode ?? exitCodeOf(summary);
  return summary;
}

/** The exit code of a run: crash 4, interrupt 130, lost writes 5, failed threshold 3, else 0. */
export function exitCodeOf(
  summary: Pick<Summary, "stopReason" | "integrity" | "thresholds">,
): number {
  if (summary.stopReason === "CrashDetected") return 4;
  if (summary.stopReason === "Interrupted") return 130;
  if (summary.integrity.mismatches > 0) return 5;
  if (summary.thresholds.some((t) => !t.ok)) return 3;
  return 0;
}
