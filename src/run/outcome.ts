/** The last step of a stress run: integrity where it can be checked, then every figure. */
import { layoutDigest, parseSegment } from "../config/segment.ts";
import type { CrashInfo } from "../hyperd/crash.ts";
import type { RunStats } from "../stats/run_stats.ts";
import type { WorkerPool } from "../users/worker_pool.ts";
import type { WorkerDatabase } from "../users/worker_protocol.ts";
import { databaseBytes } from "./disk_usage.ts";
import { afterCrashSkipped, checkAfterCrash } from "./after_crash.ts";
import {
  type CheckedTable,
  checkIntegrity,
  type Integrity,
  integritySkipped,
  tablesToCheck,
  withCheckpoints,
} from "./integrity.ts";
import { loadOutcome } from "./load_driver.ts";
import { TIMED_OUT, within } from "../time.ts";
import { type WatchPoint } from "./resource_watch.ts";
import type { Server } from "./server.ts";
import { SCHEDULE_FILE } from "./schedule_file.ts";
import type { LedgerOutcome, RunOutcome } from "./run_outcome.ts";
import type { Run } from "./run_state.ts";
import { checkLedger, ledgerCheckSkipped } from "./ledger_check.ts";
import { invariantTotal } from "../workload/ledger.ts";
import { nowMs } from "../time.ts";

/** Why nothing can be checked when a worker could not tell what its users had written. */
const UNREPORTED = "a user worker died or did not answer at the stop: its users' last " +
  "acknowledged writes are unknown";

/** What the users' step leaves for the last one; absent when users never started. */
export interface Finished {
  durationSec: number;
  server?: Server;
  databases?: WorkerDatabase[];
  pool?: WorkerPool;
  /**
   * Every worker told its whole tally: a final report, or its writes still in flight once the
   * stop grace ran out (those are in doubt). False when one died or stayed silent.
   */
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
  return {
    ...statsOutcome(stats),
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
    load: loadOutcome(config, run.users.length, stats, run.load),
    databases: (finished.databases ?? []).map((d) => ({
      index: d.index,
      path: d.path,
      tables: d.tables.map((t) => t.name),
    })),
    resources: run.monitor.report(),
    diskBytes,
    readOnlySec: Math.round(run.flags.heldReadOnly.seconds(run.stoppedAtMs ?? nowMs()) * 10) / 10,
    crash,
    stall: run.stalledInFlight ? { inFlight: run.stalledInFlight } : null,
    schedule: schedule ? { file: SCHEDULE_FILE, ...schedule } : null,
    integrity,
    ledger,
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
    watch: finished.watch ?? [],
    client: run.clientCpu.report(finished.durationSec),
    ownFault: !ourFault ? null : failures.some((f) => f.permission) ? "usage" : "internal",
  };
}

/** What a run's tally gives its outcome: totals, latency, failures, the timeline. */
export function statsOutcome(stats: RunStats): Pick<
  RunOutcome,
  | "byOp"
  | "latencyMs"
  | "serviceTimeMs"
  | "histograms"
  | "acknowledged"
  | "latencySpectrum"
  | "writesRedirected"
  | "errors"
  | "errorGroups"
  | "slowest"
  | "transport"
  | "timeline"
  | "oracles"
  | "writes"
  | "inDoubtWrites"
> {
  const totals = stats.byOp();
  return {
    byOp: totals.byOp,
    latencyMs: totals.latencyMs,
    serviceTimeMs: totals.serviceTimeMs,
    histograms: stats.histograms(),
    acknowledged: { ...stats.acknowledged },
    latencySpectrum: totals.spectrum,
    writesRedirected: stats.writesRedirected,
    errors: stats.errors,
    errorGroups: stats.errorGroups(),
    slowest: stats.slowest(),
    transport: { ...stats.transport },
    timeline: stats.timeline(),
    oracles: stats.oracle,
    writes: stats.writes,
    inDoubtWrites: stats.inDoubt,
  };
}

/** Why the ledger's end check cannot run (the run gives no ground for it), else null. */
function skipReason(run: Run, finished: Finished): string | null {
  const { server, databases } = finished;
  if (!server || !databases) return "the run stopped during set-up";
  if (run.lost?.loss.reason === "CrashDetected") return "hyperd crashed";
  if (run.lost) return "the server stopped answering";
  if (run.control.reason === "Stalled") return "hyperd stalled";
  if (!finished.allReported) return UNREPORTED;
  if (run.options.config.segment) {
    return "a segment does not count tables while other segments may still write: merge with " +
      "--endpoint counts them";
  }
  return null;
}

/** Counts every table, unless the run gives no ground for it. */
async function checkOrSkipIntegrity(run: Run, finished: Finished): Promise<Integrity> {
  return withCheckpoints(await endOfRunCheck(run, finished), run.checkpoints?.all ?? []);
}

/** Checks every table, unless the run gives no ground for it. */
async function endOfRunCheck(run: Run, finished: Finished): Promise<Integrity> {
  const { server, databases } = finished;
  if (!server || !databases) return integritySkipped("the run stopped during set-up");
  if (run.lost?.loss.reason === "CrashDetected") {
    const skipped = integritySkipped("hyperd crashed");
    if (!run.options.config.verifyAfterCrash) return skipped;
    const { binary, outputDir } = run.options;
    const afterCrash = !binary || server.facts.mode !== "started"
      ? afterCrashSkipped("an attached hyperd is not hyperstress's to restart")
      : await checkAfterCrash(binary.path, outputDir, tablesOf(run, databases));
    return { ...skipped, afterCrash };
  }
  if (run.lost) return integritySkipped("the server stopped answering");
  if (run.control.reason === "Stalled") return integritySkipped("hyperd stalled");
  if (run.options.endCheck === false) {
    return integritySkipped("a shrink's search try (it looks for a crash or a failure)");
  }
  if (!finished.allReported) {
    return integritySkipped(UNREPORTED);
  }
  if (run.options.config.segment) {
    return integritySkipped(
      "a segment does not count tables while other segments may still write: merge with " +
        "--endpoint counts them",
    );
  }
  const tables = tablesOf(run, databases);
  const { checkBoundSec } = run.options.config;
  const boundMs = checkBoundSec === undefined ? checkBoundMs(tables) : checkBoundSec * 1000;
  const checking = checkIntegrity(server.endpoint, tables, run.model);
  checking.catch(() => {}); // past the bound it fails once hyperd is stopped: nobody waits then
  const integrity = await within(checking, boundMs);
  if (integrity !== TIMED_OUT) return integrity;
  return integritySkipped(
    `the check had no answer within ${Math.round(boundMs / 1000)} s: a table may be held by a ` +
      "COPY that never ended (docs/hyper-bugs.md)",
  );
}

/**
 * How long the end check may take before it counts as hung: a minute plus 20 s per million rows,
 * several times what it measured on the loaded 2-core machine (at most 3.3 s per million).
 */
function checkBoundMs(tables: readonly CheckedTable[]): number {
  const rows = tables.reduce((n, t) => n + t.writes.reduce((m, w) => m + w.rows, 0), 0);
  return 60_000 + (20_000 * rows) / 1_000_000;
}

/** Every base table of the run with the inserts acknowledged into it and those in doubt. */
function tablesOf(run: Run, databases: WorkerDatabase[]): CheckedTable[] {
  const seeds = new Map(run.options.layout.databases.map((d) => [d.index, d.schemaSeed]));
  return tablesToCheck(
    databases.map((d) => ({ ...d, schemaSeed: seeds.get(d.index)! })),
    run.stats.writes,
    run.stats.inDoubt,
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
