/** summary.json: the typed result of a run, built from its parts, written by report code. */
import type { Config } from "./config.ts";
import type { Integrity } from "./integrity.ts";
import type { LatencySummary } from "./latency.ts";
import type { OpKind } from "./op_table.ts";
import type { OpTotals, TimelinePoint } from "./run_stats.ts";
import type { OpFailure, UserResult } from "./worker_protocol.ts";

/** Version of the summary layout. */
export const SUMMARY_SCHEMA_VERSION = 1;

/** Why a run ended. */
export type StopReason = "DurationElapsed" | "CrashDetected" | "ResourceLimit" | "Interrupted";

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
  thresholds: { expr: string; value: number | null; ok: boolean }[];
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Rates per second, rounded; zero for a zero-length run. */
export function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? round(count / seconds, 1) : 0;
}

/** Megabytes from bytes, rounded to 0.1. */
export function megabytes(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}
