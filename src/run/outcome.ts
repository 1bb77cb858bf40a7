/** The last step of a stress run: integrity where it can be checked, then every figure. */
import { EXIT } from "../exit_codes.ts";
import type { Config } from "../config/settings.ts";
import { layoutDigest, parseSegment, type Segment } from "../config/segment.ts";
import type { CrashInfo } from "../hyperd/crash.ts";
import { type ResourceReport } from "../hyperd/monitor.ts";
import type { LatencySummary } from "../stats/latency.ts";
import type { InFlightOp, OpFailure, SlowOp } from "../stats/op_stats.ts";
import {
  type ErrorGroup,
  type LatencyHistograms,
  type LatencySpectrum,
  type OpTotals,
  type TimelinePoint,
} from "../stats/run_stats.ts";
import type { WorkerPool } from "../users/worker_pool.ts";
import type { UserResult, WorkerDatabase } from "../users/worker_protocol.ts";
import type { OpKind } from "../workload/op_table.ts";
import { databaseBytes } from "./disk_usage.ts";
import { checkIntegrity, type Integrity, integritySkipped } from "./integrity.ts";
import { type LoadOutcome, loadOutcome } from "./load_driver.ts";
import { type ClientCpuReport } from "./client_cpu.ts";
import { type WatchPoint } from "./resource_watch.ts";
import type { Server, ServerFacts } from "./server.ts";
import { type StopReason } from "./stop_control.ts";
import { SCHEDULE_FILE } from "./schedule_file.ts";
import type { Run } from "./run_state.ts";
import { checkLedger, type LedgerCheck, ledgerCheckSkipped } from "./ledger_check.ts";
import type { LedgerTotals } from "../stats/ledger_stats.ts";
import { invariantTotal } from "../workload/ledger.ts";

/** The ledger's part of a run's outcome (docs/ledger-and-faults.md). */
export interface LedgerOutcome extends LedgerTotals {
  /** Accounts per database. */
  accounts: number;
  /** What every read of all balances must sum to. */
  invariant: number;
  check: LedgerCheck;
}

/** Everything a finished run measured, from which the summary is built. */
export interface RunOutcome {
  hyperd: { path: string; version: string };
  outputDir: string;
  config: Config;
  startedAt: Date;
  durationSec: number;
  stopReason: StopReason;
  stopDetail: string | null;
  /** How the server was reached and what could be measured; null when it never answered. */
  server: ServerFacts | null;
  /** This process's part of a segmented run, and the digest of the whole run's layout. */
  segment: (Segment & { layoutDigest: string }) | null;
  byOp: Record<OpKind, OpTotals>;
  /** The response time: from the arrival in the open model, from the send in the closed one. */
  latencyMs: LatencySummary;
  /** From the send to the completion (the same as `latencyMs` in the closed model). */
  serviceTimeMs: LatencySummary;
  /** The load's model, the open model's arrivals and what the warm-up left out. */
  load: LoadOutcome;
  /** The latency histograms themselves, so segments' results merge exactly. */
  histograms: LatencyHistograms;
  /** Rows the server acknowledged per `database/table`. */
  acknowledged: Record<string, number>;
  /** The databases as the server sees them, with their base tables. */
  databases: { index: number; path: string; tables: string[] }[];
  /** Latency at fixed percentiles over the run, overall and per kind. */
  latencySpectrum: LatencySpectrum;
  resources: ResourceReport;
  diskBytes: number;
  writesRedirected: number;
  errors: OpFailure[];
  /** Every failure reported, by kind and message. */
  errorGroups: ErrorGroup[];
  /** The slowest operations, slowest first, with those a stall left in flight. */
  slowest: SlowOp[];
  crash: CrashInfo | null;
  /** A stall: each user's operation in flight when no operation had completed for too long. */
  stall: { inFlight: InFlightOp[] } | null;
  /** schedule.jsonl.gz: one line per executed operation; error when writing it stopped. */
  schedule: { file: string; lines: number; error: string | null } | null;
  integrity: Integrity;
  /** The ledger's transfers, reads and end check; null when no ledger operation ran. */
  ledger: LedgerOutcome | null;
  transport: { grpcReads: number; libpqReads: number };
  users: UserResult[];
  workers: number;
  timeline: TimelinePoint[];
  /** The resource watch's looks: disk use and hyperstress's own CPU, about once a second. */
  watch: WatchPoint[];
  /** hyperstress's own CPU over the run. */
  client: ClientCpuReport;
  /** Set when hyperstress itself failed: 1 for an internal error, 2 for a missing permission. */
  internalExitCode: number | null;
}

/** What the users' step leaves for the last one; absent when users never started. */
export interface Finished {
  durationSec: number;
  server?: Server;
  databases?: WorkerDatabase[];
  pool?: WorkerPool;
  allReported?: boolean;
  watch?: WatchPoint[];
}

/** Step 3: integrity (where it can be checked), the crash report and every figure. */
export async function gatherOutcome(run: Run, finished: Finished): Promise<RunOutcome> {
  const { options, control, stats } = run;
  const { server, pool } = finished;
  const { config, binary, layout } = options;
  const integrity = await checkOrSkipIntegrity(run, finished);
  const ledger = await ledgerOutcome(run, finished);
  const schedule = await run.schedule?.close();
  // hyperd folds its transient files into the databases as it stops: measure them after that.
  await server?.release();
  const diskBytes = server?.diskDir ? await databaseBytes(server.diskDir).catch(() => 0) : 0;
  const segment = parseSegment(config.segment);
  // A worker that fails after another stop (hyperd gone) is a consequence, not our fault.
  const failures = pool?.failures ?? [];
  const ourFault = control.reason === "WorkerFailed";
  const reported = new Map((pool?.users ?? []).map((u) => [u.id, u]));
  const totals = stats.byOp();
  return {
    hyperd: server?.identity ??
      (binary
        ? { path: binary.path, version: binary.version }
        : { path: `${config.endpoint} (attached)`, version: "unknown" }),
    outputDir: options.outputDir,
    config: options.config,
    startedAt: run.clock.startedAt,
    durationSec: finished.durationSec,
    stopReason: control.reason,
    stopDetail: [control.detail, ...failures.map((f) => f.message)].filter(Boolean).join("; ") ||
      null,
    server: server?.facts ?? null,
    segment: segment && { ...segment, layoutDigest: layoutDigest(layout) },
    byOp: totals.byOp,
    latencyMs: totals.latencyMs,
    serviceTimeMs: totals.serviceTimeMs,
    load: loadOutcome(config, run.users.length, stats, run.load),
    histograms: stats.histograms(),
    acknowledged: { ...stats.acknowledged },
    databases: (finished.databases ?? []).map((d) => ({
      index: d.index,
      path: d.path,
      tables: d.tables.map((t) => t.name),
    })),
    latencySpectrum: totals.spectrum,
    resources: run.monitor.report(),
    diskBytes,
    writesRedirected: stats.writesRedirected,
    errors: stats.errors,
    errorGroups: stats.errorGroups(),
    slowest: stats.slowest(),
    crash: run.lost && server
      ? await server.crashInfo(run.lost.loss, run.lost.atSec, stats.inFlightAt(run.lost.atSec))
      : null,
    stall: run.stalledInFlight ? { inFlight: run.stalledInFlight } : null,
    schedule: schedule ? { file: SCHEDULE_FILE, ...schedule } : null,
    integrity,
    ledger,
    transport: { ...stats.transport },
    // Every user of this process: one whose worker never sent its final report has its ticks.
    users: run.users.map((spec) =>
      reported.get(spec.id) ?? {
        id: spec.id,
        class: spec.class,
        ...stats.userCounts(spec.id),
        sequenceDigest: null,
        unfinished: true,
      }
    ),
    workers: pool?.size ?? 0,
    timeline: stats.timeline(),
    watch: finished.watch ?? [],
    client: run.clientCpu.report(finished.durationSec),
    internalExitCode: !ourFault
      ? null
      : failures.some((f) => f.permission)
      ? EXIT.usage
      : EXIT.internal,
  };
}

/** Why the end checks cannot run (the run gives no ground for them), else null. */
function skipReason(run: Run, finished: Finished): string | null {
  const { server, databases } = finished;
  if (!server || !databases) return "the run stopped during set-up";
  if (run.lost?.loss.reason === "CrashDetected") return "hyperd crashed";
  if (run.lost) return "the server stopped answering";
  if (run.control.reason === "Stalled") return "hyperd stalled";
  if (!finished.allReported) return "some users did not finish their last operation";
  if (run.options.config.segment) {
    return "a segment does not check tables while other segments may still write: merge with " +
      "--endpoint counts them";
  }
  return null;
}

/** Counts every table, unless the run gives no ground for it. */
async function checkOrSkipIntegrity(run: Run, finished: Finished): Promise<Integrity> {
  const skipped = skipReason(run, finished);
  if (skipped !== null) return integritySkipped(skipped);
  return await checkIntegrity(
    finished.server!.endpoint,
    finished.databases!,
    run.stats.acknowledged,
  );
}

/** The ledger's totals and end check; null when no ledger operation ran. */
async function ledgerOutcome(run: Run, finished: Finished): Promise<LedgerOutcome | null> {
  const { stats } = run;
  if (!stats.ledger.active) return null;
  const accounts = run.options.config.accounts;
  const skipped = skipReason(run, finished);
  const check = skipped !== null
    ? ledgerCheckSkipped(skipped)
    : await checkLedger(finished.server!.endpoint, finished.databases!, accounts, stats.ledger);
  return { accounts, invariant: invariantTotal(accounts), ...stats.ledger.totals(), check };
}
