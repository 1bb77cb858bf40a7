/** The last step of a stress run: integrity where it can be checked, then every figure. */
import { layoutDigest, parseSegment } from "../config/segment.ts";
import type { CrashInfo } from "../hyperd/crash.ts";
import type { WorkerPool } from "../users/worker_pool.ts";
import type { WorkerDatabase } from "../users/worker_protocol.ts";
import { databaseBytes } from "./disk_usage.ts";
import { checkIntegrity, type Integrity, integritySkipped } from "./integrity.ts";
import { loadOutcome } from "./load_driver.ts";
import { type WatchPoint } from "./resource_watch.ts";
import type { Server } from "./server.ts";
import { SCHEDULE_FILE } from "./schedule_file.ts";
import type { LedgerOutcome, RunOutcome } from "./run_outcome.ts";
import type { Run } from "./run_state.ts";
import { checkLedger, ledgerCheckSkipped } from "./ledger_check.ts";
import { invariantTotal } from "../workload/ledger.ts";
import { nowMs } from "../time.ts";

/** What the users' step leaves for the last one; absent when users never started. */
export interface Finished {
  durationSec: number;
  server?: Server;
  databases?: WorkerDatabase[];
  pool?: WorkerPool;
  allReported?: boolean;
  watch?: WatchPoint[];
}

/** What the last step measures of the server once users stopped; a quit run has none of it. */
interface Closing {
  integrity: Integrity;
  ledger: LedgerOutcome | null;
  schedule: { lines: number; error: string | null } | undefined;
  diskBytes: number;
  crash: CrashInfo | null;
}

/** Step 3: integrity (where it can be checked), the crash report and every figure. */
export async function gatherOutcome(run: Run, finished: Finished): Promise<RunOutcome> {
  const { server } = finished;
  const { stats } = run;
  const integrity = await checkOrSkipIntegrity(run, finished);
  const ledger = await ledgerOutcome(run, finished);
  const schedule = await run.schedule?.close();
  // hyperd folds its transient files into the databases as it stops: measure them after that.
  await server?.release();
  const diskBytes = server?.diskDir ? await databaseBytes(server.diskDir).catch(() => 0) : 0;
  const crash = run.lost && server
    ? await server.crashInfo(run.lost.loss, run.lost.atSec, stats.inFlightAt(run.lost.atSec))
    : null;
  return outcomeOf(run, finished, { integrity, ledger, schedule, diskBytes, crash });
}

/**
 * The outcome as it stands while users still run, at once and without the server: for a run
 * quit by a second Ctrl-C, whose server is about to be killed.
 */
export function outcomeSoFar(run: Run, finished: Finished): RunOutcome {
  return outcomeOf(run, finished, {
    integrity: integritySkipped("the run was quit before its end"),
    ledger: ledgerSoFar(run, "the run was quit before its end"),
    schedule: undefined,
    diskBytes: (finished.watch?.at(-1)?.diskMb ?? 0) * 1024 * 1024,
    crash: null,
  });
}

/** Every figure of the run from its stats and what the last step measured. */
function outcomeOf(run: Run, finished: Finished, closing: Closing): RunOutcome {
  const { options, control, stats } = run;
  const { server, pool } = finished;
  const { config, binary, layout } = options;
  const { integrity, ledger, schedule, diskBytes, crash } = closing;
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
    readOnlySec: Math.round(run.flags.heldReadOnly.seconds(run.stoppedAtMs ?? nowMs()) * 10) / 10,
    errors: stats.errors,
    errorGroups: stats.errorGroups(),
    slowest: stats.slowest(),
    crash,
    stall: run.stalledInFlight ? { inFlight: run.stalledInFlight } : null,
    schedule: schedule ? { file: SCHEDULE_FILE, ...schedule } : null,
    integrity,
    ledger,
    transport: { ...stats.transport },
    oracles: stats.oracle,
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
    ownFault: !ourFault ? null : failures.some((f) => f.permission) ? "usage" : "internal",
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
    return "a segment does not count tables while other segments may still write: merge with " +
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
  const skipped = skipReason(run, finished);
  if (skipped !== null || !run.stats.ledger.active) return ledgerSoFar(run, skipped ?? "");
  const { accounts } = run.options.config;
  const check = await checkLedger(
    finished.server!.endpoint,
    finished.databases!,
    accounts,
    run.stats.ledger,
  );
  return { accounts, invariant: invariantTotal(accounts), ...run.stats.ledger.totals(), check };
}

/** The ledger's totals with its end check skipped for `reason`; null when none ran. */
function ledgerSoFar(run: Run, reason: string): LedgerOutcome | null {
  if (!run.stats.ledger.active) return null;
  const { accounts } = run.options.config;
  return {
    accounts,
    invariant: invariantTotal(accounts),
    ...run.stats.ledger.totals(),
    check: ledgerCheckSkipped(reason),
  };
}
