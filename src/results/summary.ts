/** summary.json: the typed result of a run, built from its outcome, with its verdict. */
import type { Config } from "../config/settings.ts";
import { EXIT, exitCodeOf } from "../verdict_policy.ts";
import type { CrashInfo } from "../hyperd/crash.ts";
import type { ResourcePoint, ResourceReport } from "../hyperd/monitor.ts";
import type { Integrity } from "../run/integrity.ts";
import type { ClientCpuReport } from "../run/client_cpu.ts";
import type { ServerFacts } from "../run/server.ts";
import type { HostInfo } from "../run/host_info.ts";
import type { WatchPoint } from "../run/resource_watch.ts";
import type { StopReason } from "../verdict_policy.ts";
import type { LoadOutcome } from "../run/load_driver.ts";
import type { LedgerOutcome, RunOutcome } from "../run/run_outcome.ts";
import type { LatencySummary } from "../stats/latency.ts";
import type { WarningStats } from "../hyperd/warnings.ts";
import type { OpFailure, SlowOp } from "../stats/op_records.ts";
import type { OracleTally } from "../stats/oracle_stats.ts";
import type {
  LatencyHistograms,
  LatencySpectrum,
  OpTotals,
  TimelinePoint,
} from "../stats/run_stats.ts";
import type { UserResult } from "../users/worker_protocol.ts";
import type { OpKind } from "../workload/op_table.ts";
import {
  evaluateThresholds,
  metricValues,
  type RunTotals,
  type ThresholdResult,
} from "./thresholds.ts";
import { round } from "./format.ts";
import { type ReadOnlyPhase, readOnlyPhase } from "./read_only.ts";
import { type Finding, findingsOf } from "./findings.ts";
import { type MessageGroup, messageGroups } from "./error_groups.ts";
import { VERSION } from "../version.ts";

/** Version of the summary layout. */
export const SUMMARY_SCHEMA_VERSION = 1;

/** The whole summary.json. */
export interface Summary {
  schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  /** hyperstress's version and the Deno it ran on. */
  hyperstress: { version: string; deno: string };
  hyperd: { path: string; version: string };
  /** The arguments as given (`stress --seed 1 ...`); null when not started from the CLI. */
  commandLine: string[] | null;
  /** The machine the run ran on; null when not known. */
  host: HostInfo | null;
  outputDir: string;
  config: Config;
  startedAt: string;
  durationSec: number;
  stopReason: StopReason;
  /** Why the run stopped early, in words; null for DurationElapsed. */
  stopDetail: string | null;
  exitCode: number;
  /** Open: operations arrived at a rate (`arrivals`); closed: users looped. */
  model: LoadOutcome["model"];
  totals: RunTotals;
  /** The response time: from the arrival in the open model, from the send in the closed one. */
  latencyMs: LatencySummary;
  /** From the send to the completion; the same as `latencyMs` in the closed model. */
  serviceTimeMs: LatencySummary;
  /** Open model: the arrivals, drops and queue after the warm-up; null in the closed model. */
  arrivals: LoadOutcome["arrivals"];
  /** What the first --warmup-sec seconds held, left out of every other figure; null without. */
  warmup: LoadOutcome["warmup"];
  /** Latency at ten fixed percentiles, overall and per kind: the report's distribution. */
  latencySpectrum: LatencySpectrum;
  byOp: Record<OpKind, OpTotals>;
  /** Highest physical memory, file mappings and tracked memory, CPU and load of hyperd. */
  peak: ResourceReport["peak"];
  /** Which memory figure backpressure watched, and hyperd's memory_limit in MB. */
  memory: ResourceReport["memory"];
  /** `readOnlySec`: wall time users ran with writes turned into reads (absent in older ones). */
  disk: { usedMb: number; budgetMb: number; writesRedirected: number; readOnlySec?: number };
  /**
   * When the disk budget was first found spent, and the insert rate over the time inserts were
   * allowed (the whole run's rate counts the read-only time); null when the budget was never
   * spent. Absent in older summaries.
   */
  readOnly?: ReadOnlyPhase | null;
  /** Times the gate engaged, and the wall time users were held at it (their own clock). */
  backpressure: ResourceReport["backpressure"];
  /**
   * Whether the monitor saw hyperd: the stale bound, seconds without a fresh sample, and whether
   * load stood in for CPU. Absent in older summaries; null when the monitor was off.
   */
  sight?: ResourceReport["sight"] | null;
  errors: OpFailure[];
  errorCount: number;
  /** Failures by normalised message: count, kinds, first and last second. */
  errorGroups: MessageGroup[];
  serverErrors: ResourceReport["serverErrors"];
  /** hyperd's anomaly warnings by log entry kind: count, first and last run second, an example. */
  serverWarnings: Record<string, WarningStats>;
  /** The slowest operations, slowest first, with those a stall left in flight. */
  slowest: SlowOp[];
  /** What to look at even when the run passed: crash, stall, slow operations, starvation. */
  findings: Finding[];
  crash: CrashInfo | null;
  /** A stall: each user's operation in flight when it was called. */
  stall: RunOutcome["stall"];
  /** The timing history (schedule.jsonl.gz) beside the summary. */
  schedule: RunOutcome["schedule"];
  integrity: Integrity;
  /** The ledger's transfers, reads and end check; null (or absent) when none ran. */
  ledger?: LedgerOutcome | null;
  transport: { grpcReads: number; libpqReads: number };
  /** What generated queries (GeneratedQuery) found; absent in older summaries. */
  oracles?: OracleTally;
  users: UserResult[];
  workers: number;
  /** hyperstress's own CPU: whether the figures describe hyperd or the load generator. */
  client: ClientCpuReport;
  timeline: TimelinePoint[];
  resources: ResourcePoint[];
  /** Disk use and hyperstress's own CPU, about once a second. */
  watch: WatchPoint[];
  thresholds: ThresholdResult[];
  /**
   * How the server was reached (started or attached), and what could not be measured (the
   * monitor without a log, the disk budget of databases elsewhere). Absent in older summaries.
   */
  server?: ServerFacts | null;
  /** This process's part of a segmented run (`--segment i/n`); null for a whole run. */
  segment?: RunOutcome["segment"];
  /** The latency histograms (all operations and each kind), so summaries merge exactly. */
  histograms?: LatencyHistograms;
  /** Rows the server acknowledged per `database/table`, for counting after a merge. */
  acknowledged?: Record<string, number>;
  /** The acknowledged inserts per `database/table` and the in-doubt ones, for a merge's check. */
  writes?: RunOutcome["writes"];
  inDoubtWrites?: RunOutcome["inDoubtWrites"];
  /** The databases as the server sees them, with their base tables. */
  databases?: RunOutcome["databases"];
  /** Set by `merge`: the segments' summaries this one was made of. */
  merged?: MergedSegment[];
}

/** One segment in a merged summary: where its summary was and how it ended. */
export interface MergedSegment {
  index: number;
  dir: string;
  startedAt: string;
  durationSec: number;
  stopReason: StopReason;
  exitCode: number;
  ops: number;
}

/** Rates per second, rounded; zero for a zero-length run. */
export function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? round(count / seconds, 1) : 0;
}

/** Megabytes from bytes, rounded to 0.1. */
export function megabytes(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}

/**
 * A run's totals and rates from its per-kind totals: the warm-up's operations are in no total,
 * so its seconds are in no rate, nor are `pausedSec` the users were held on purpose. A merge
 * calls this on the segments' totals added up.
 */
export function runTotals(
  byOp: Record<OpKind, Pick<OpTotals, "count" | "failures" | "rows">>,
  durationSec: number,
  warmup: { sec: number } | null,
  pausedSec = 0,
): RunTotals {
  const ops = Object.values(byOp).reduce((n, op) => n + op.count, 0);
  const failures = Object.values(byOp).reduce((n, op) => n + op.failures, 0);
  const insertedRows = byOp.BulkInsert.rows + byOp.SingleInsert.rows;
  const measuredSec = Math.max(0, durationSec - (warmup?.sec ?? 0) - pausedSec);
  return {
    ops,
    failures,
    insertedRows,
    opsPerSec: perSecond(ops, measuredSec),
    insertRowsPerSec: perSecond(insertedRows, measuredSec),
  };
}

/** What the run's outcome does not know: how hyperstress was started, and where. */
export interface RunContext {
  commandLine?: string[] | null;
  host?: HostInfo | null;
}

/** Assembles summary.json from a run's parts and derives its exit code. */
export function buildSummary(parts: RunOutcome, context: RunContext = {}): Summary {
  // Nor are a checkpoint's pauses (--verify-every) in a rate: users held still on purpose.
  const pausedSec = (parts.integrity.checkpoints ?? []).reduce((n, c) => n + c.pauseSec, 0);
  const totals = runTotals(parts.byOp, parts.durationSec, parts.load.warmup, pausedSec);
  const summary: Summary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    hyperstress: { version: VERSION, deno: Deno.version.deno },
    hyperd: parts.hyperd,
    commandLine: context.commandLine ?? null,
    host: context.host ?? null,
    outputDir: parts.outputDir,
    config: parts.config,
    startedAt: parts.startedAt.toISOString(),
    durationSec: round(parts.durationSec),
    stopReason: parts.stopReason,
    stopDetail: parts.stopDetail,
    exitCode: EXIT.ok,
    model: parts.load.model,
    totals,
    latencyMs: parts.latencyMs,
    serviceTimeMs: parts.serviceTimeMs,
    arrivals: parts.load.arrivals,
    warmup: parts.load.warmup,
    latencySpectrum: parts.latencySpectrum,
    byOp: parts.byOp,
    peak: peakAfter(parts.resources, parts.load.warmup?.sec ?? 0),
    memory: parts.resources.memory,
    disk: {
      usedMb: megabytes(parts.diskBytes),
      budgetMb: parts.config.maxDiskMb,
      writesRedirected: parts.writesRedirected,
      readOnlySec: parts.readOnlySec,
    },
    readOnly: readOnlyPhase(
      parts.watch,
      parts.durationSec,
      parts.load.warmup?.sec ?? 0,
      totals.insertedRows,
    ),
    backpressure: parts.resources.backpressure,
    sight: parts.server?.log ? parts.resources.sight : null,
    errors: parts.errors,
    // Every failure, though `errors` keeps only the first MAX_ERRORS.
    errorCount: totals.failures,
    errorGroups: messageGroups(parts.errorGroups),
    serverErrors: parts.resources.serverErrors,
    serverWarnings: parts.resources.serverWarnings,
    slowest: parts.slowest.map((op) => ({
      ...op,
      startedAtSec: round(op.startedAtSec),
      durationMs: round(op.durationMs),
    })),
    findings: [],
    crash: parts.crash,
    stall: parts.stall,
    schedule: parts.schedule,
    integrity: parts.integrity,
    ledger: parts.ledger,
    transport: parts.transport,
    oracles: parts.oracles,
    users: [...parts.users].sort((a, b) => a.id - b.id),
    workers: parts.workers,
    client: parts.client,
    timeline: parts.timeline,
    resources: parts.resources.timeline,
    watch: parts.watch,
    thresholds: [],
    server: parts.server,
    segment: parts.segment,
    histograms: parts.histograms,
    acknowledged: parts.acknowledged,
    writes: parts.writes,
    inDoubtWrites: parts.inDoubtWrites,
    databases: parts.databases,
  };
  summary.thresholds = evaluateThresholds(parts.config.thresholds, metricValues(summary));
  summary.findings = findingsOf({ ...summary, slowOpSec: parts.config.slowOpSec });
  summary.exitCode = exitCodeOf(
    { ...summary, ownFault: parts.ownFault },
    parts.config.failOnFindings,
  );
  return summary;
}

/**
 * hyperd's peaks over the resource samples after `warmupSec` (its thresholds leave the warm-up
 * out too); the run's peaks without a warm-up, or when no sample came after it.
 */
export function peakAfter(resources: ResourceReport, warmupSec: number): ResourceReport["peak"] {
  const after = resources.timeline.filter((point) => point.atSec > warmupSec);
  if (warmupSec <= 0 || after.length === 0) return resources.peak;
  const top = (pick: (point: ResourcePoint) => number | null) =>
    after.reduce<number | null>((max, point) => {
      const value = pick(point);
      return value === null ? max : Math.max(max ?? value, value);
    }, null);
  return {
    ...resources.peak,
    memoryMb: top((p) => p.memoryMb),
    fileMappingsMb: top((p) => p.fileMappingsMb),
    trackedMemoryMb: top((p) => p.trackedMemoryMb),
    overallLoad: top((p) => p.overallLoad),
    schedulerLoad: top((p) => p.schedulerLoad),
    processCpuPercent: top((p) => p.processCpuPercent),
  };
}
