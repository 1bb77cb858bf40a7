/**
 * A stress run from start to end, in named steps: hyperd up, databases seeded, users running
 * under the monitor's eye until a stop reason comes, then the outcome gathered for the results.
 */
import { dirname, join } from "node:path";
import { EXIT } from "../exit_codes.ts";
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { memoryLimitMb } from "../config/limit_warnings.ts";
import { type CrashInfo, crashInfo, describeExit } from "../hyperd/crash.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { Monitor, type ResourceReport } from "../hyperd/monitor.ts";
import { Hyperd, type HyperdExit } from "../hyperd/process.ts";
import type { LatencySummary } from "../stats/latency.ts";
import type { InFlightOp, OpFailure, SlowOp } from "../stats/op_stats.ts";
import { type OpTotals, RunStats, type TimelinePoint } from "../stats/run_stats.ts";
import { SharedFlags } from "../users/shared_flags.ts";
import { WorkerPool } from "../users/worker_pool.ts";
import type { UserResult, WorkerDatabase } from "../users/worker_protocol.ts";
import type { OpKind } from "../workload/op_table.ts";
import { setUpDatabases } from "./database_setup.ts";
import { databaseBytes } from "./disk_usage.ts";
import { totalMemoryBytes } from "./host_facts.ts";
import { checkIntegrity, type Integrity, integritySkipped } from "./integrity.ts";
import { ClientCpu, type ClientCpuReport, processCpuSec } from "./client_cpu.ts";
import { type LiveView, ResourceWatch } from "./resource_watch.ts";
import { RunClock } from "./run_clock.ts";
import { StopControl, type StopReason } from "./stop_control.ts";
import { ConfigError } from "../errors.ts";
import { readSchedule, SCHEDULE_FILE, ScheduleWriter } from "./schedule_file.ts";

export type { LiveView } from "./resource_watch.ts";

/** How long users get to finish their last operation after the stop. */
const STOP_GRACE_MS = 30_000;
/** How long to wait for workers once hyperd is gone: their connections fail at once. */
const CRASH_GRACE_MS = 2_000;
/** hyperd's log folder inside the output dir. */
const LOG_DIR = "log";
/** Steps of stopping a hyperd that stalled: callback close, SIGTERM, then SIGKILL. */
const STALLED_STOP_STEP_MS = 2_000;

/** What a stress run needs. */
export interface StressOptions {
  config: Config;
  layout: RunLayout;
  binary: HyperdBinary;
  outputDir: string;
  /** Aborting stops the run as Interrupted. */
  signal: AbortSignal;
  /** Called about once a second while users run. */
  onSecond?: (view: LiveView) => void;
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
  byOp: Record<OpKind, OpTotals>;
  latencyMs: LatencySummary;
  resources: ResourceReport;
  diskBytes: number;
  writesRedirected: number;
  errors: OpFailure[];
  /** The slowest operations, slowest first, with those a stall left in flight. */
  slowest: SlowOp[];
  crash: CrashInfo | null;
  /** A stall: each user's operation in flight when no operation had completed for too long. */
  stall: { inFlight: InFlightOp[] } | null;
  /** schedule.jsonl.gz: one line per executed operation; error when writing it stopped. */
  schedule: { file: string; lines: number; error: string | null } | null;
  integrity: Integrity;
  transport: { grpcReads: number; libpqReads: number };
  users: UserResult[];
  workers: number;
  timeline: TimelinePoint[];
  /** hyperstress's own CPU over the run. */
  client: ClientCpuReport;
  /** Set when hyperstress itself failed: 1 for an internal error, 2 for a missing permission. */
  internalExitCode: number | null;
}

/** An unexpected exit of hyperd, when it happened, and what users were doing then. */
type Crash = { exit: HyperdExit; atSec: number; inFlight: InFlightOp[] };

/** The parts of a run every step shares. */
interface Run {
  options: StressOptions;
  flags: SharedFlags;
  control: StopControl;
  clock: RunClock;
  stats: RunStats;
  monitor: Monitor;
  clientCpu: ClientCpu;
  crash: Crash | null;
  /** What users were doing when the run stalled. */
  stalledInFlight: InFlightOp[] | null;
  /** schedule.jsonl.gz, written as operations finish; null when it could not be created. */
  schedule: ScheduleWriter | null;
  /** A timed replay: each user's recorded start offsets by seq. */
  startAtMs: Record<number, number[]> | null;
}

/** Runs the stress test and returns what it measured; hyperd is stopped however it ends. */
export async function stress(options: StressOptions): Promise<RunOutcome> {
  const flags = new SharedFlags();
  const clock = new RunClock();
  const startAtMs = await recordedStarts(options.config);
  const schedule = await ScheduleWriter.open(options.outputDir).catch(() => null);
  const run: Run = {
    options,
    flags,
    control: new StopControl(flags),
    clock,
    stats: new RunStats({ onSchedule: (entries) => schedule?.append(entries) }),
    monitor: new Monitor({
      logDir: join(options.outputDir, LOG_DIR),
      onBackpressure: (engaged) => (flags.backpressure = engaged),
      maxMemoryMb: options.config.maxMemoryMb,
      maxCpuPercent: options.config.maxCpuPercent,
      memoryLimitMb: hyperdMemoryLimitMb(options.config.memoryLimit),
      elapsedSec: () => clock.elapsedSec(),
    }),
    clientCpu: new ClientCpu(processCpuSec()),
    crash: null,
    stalledInFlight: null,
    schedule,
    startAtMs,
  };
  const stopWatching = watchForStops(run);
  try {
    const started = await setUp(run);
    if (!started) return await gatherOutcome(run, { durationSec: 0 });
    return await runUsers(run, started.hyperd, started.databases);
  } finally {
    stopWatching();
  }
}

/** hyperd's memory_limit in MB, a percentage taken of this machine's memory; null if unknown. */
function hyperdMemoryLimitMb(memoryLimit: string): number | null {
  const total = totalMemoryBytes();
  const mb = memoryLimitMb(memoryLimit, total instanceof Error ? null : total);
  return mb === null ? null : Math.round(mb * 10) / 10;
}

/** Stop reasons from outside the run: the signal, and the set-up deadline until users start. */
function watchForStops(run: Run): () => void {
  const { options, control } = run;
  const interrupt = () => control.stop("Interrupted", "signal");
  if (options.signal.aborted) interrupt();
  options.signal.addEventListener("abort", interrupt, { once: true });
  return () => options.signal.removeEventListener("abort", interrupt);
}

/** What set-up hands the users. */
interface Started {
  hyperd: Hyperd;
  databases: WorkerDatabase[];
}

/**
 * Step 1: hyperd started and the databases created, within STRESS_START_TIMEOUT_SEC together.
 * Returns null when the run stopped first (a signal, or the deadline: Stalled); whatever was
 * started is stopped then.
 */
async function setUp(run: Run): Promise<Started | null> {
  const { options, control } = run;
  const timeoutSec = options.config.startTimeoutSec;
  const deadline = setTimeout(
    () => control.stop("Stalled", `set-up did not finish within ${timeoutSec} s`),
    timeoutSec * 1000,
  );
  const starting = startHyperd(options.config, options.binary.path, options.outputDir);
  try {
    const hyperd = await untilStopped(starting, control);
    if (!hyperd) {
      starting.then((h) => h.stop(STALLED_STOP_STEP_MS), () => {});
      return null;
    }
    const setting = setUpDatabases(hyperd, options.outputDir, options.layout.databases);
    const databases = await untilStopped(setting, control).catch(async (error) => {
      await hyperd.stop();
      throw error;
    });
    if (!databases) {
      setting.catch(() => {}); // it fails once hyperd is gone
      await hyperd.stop(STALLED_STOP_STEP_MS);
      return null;
    }
    return { hyperd, databases };
  } finally {
    clearTimeout(deadline);
  }
}

/** The promise's value, or null when the run stops first. */
async function untilStopped<T>(promise: Promise<T>, control: StopControl): Promise<T | null> {
  return await Promise.race([promise, control.stopped.then(() => null)]);
}

/** Starts hyperd with the run's log settings, its log in `<outputDir>/log`. */
async function startHyperd(config: Config, binary: string, outputDir: string): Promise<Hyperd> {
  const hyperd = await Hyperd.start({
    binary,
    logDir: join(outputDir, LOG_DIR),
    grpc: config.transport === "grpc",
    startTimeoutMs: config.startTimeoutSec * 1000,
    settings: {
      log_resource_usage_interval: `${config.logInterval}s`,
      log_resource_usage_mode: config.logMode,
      log_resource_usage_always: 1,
      memory_limit: config.memoryLimit,
    },
  });
  console.error(`hyperstress: hyperd pid ${hyperd.pid} listening on ${hyperd.host}:${hyperd.port}`);
  return hyperd;
}

/** Step 2: users run under the monitor's and the watch's eyes until a stop reason comes. */
async function runUsers(
  run: Run,
  hyperd: Hyperd,
  databases: WorkerDatabase[],
): Promise<RunOutcome> {
  const { options, flags, control, clock, stats, monitor } = run;
  const { config, outputDir } = options;
  clock.start();
  run.clientCpu = new ClientCpu(processCpuSec());
  const watch = new ResourceWatch({
    ...config,
    outputDir,
    clock,
    clientCpu: run.clientCpu,
    control,
    flags,
    monitor,
    stats,
    hyperdPid: hyperd.pid,
    onSecond: options.onSecond,
  });
  const duration = setTimeout(() => control.stop("DurationElapsed"), config.duration * 1000);
  hyperd.onUnexpectedExit((exit) => {
    run.crash = { exit, atSec: clock.elapsedSec(), inFlight: stats.inFlight() };
    control.stop("CrashDetected", describeExit(exit));
  });
  let pool: WorkerPool | undefined;
  try {
    monitor.start();
    watch.start();
    pool = startUsers(run.startAtMs, options, hyperd, databases, flags, stats, clock, control);
    // Users with maxOps (a shrunk replay) end on their own; the run ends with the last of them.
    pool.allDone.then(() => control.stop("UsersFinished", "every user ran its operations"));

    await control.stopped;
    const durationSec = clock.elapsedSec();
    let allReported: boolean;
    if (control.reason === "Stalled") {
      // Nothing will finish: what is in flight failed, and hyperd is ended without waiting.
      pool.terminate();
      run.stalledInFlight = stats.inFlight();
      stats.failInFlight(
        (op) => `stalled after ${Math.round(durationSec - op.startedAtSec)} s: ${op.sql}`,
        durationSec,
      );
      await hyperd.stop(STALLED_STOP_STEP_MS);
      allReported = false;
    } else {
      allReported = await pool.finish(run.crash ? CRASH_GRACE_MS : STOP_GRACE_MS);
    }
    watch.stop();
    await monitor.close();
    return await gatherOutcome(run, {
      durationSec,
      hyperd,
      databases,
      pool,
      allReported,
    });
  } finally {
    clearTimeout(duration);
    watch.stop();
    pool?.terminate();
    await monitor.close();
    await hyperd.stop();
  }
}

/** Starts the users in workers; a worker that fails as a whole stops the run. */
function startUsers(
  startAtMs: Record<number, number[]> | null,
  options: StressOptions,
  hyperd: Hyperd,
  databases: WorkerDatabase[],
  flags: SharedFlags,
  stats: RunStats,
  clock: RunClock,
  control: StopControl,
): WorkerPool {
  return new WorkerPool(
    options.layout.users,
    options.config.workers,
    {
      databases,
      endpoint: { host: hyperd.host, port: hyperd.port },
      grpcPort: hyperd.grpcPort,
      settings: options.config,
      flags: flags.buffer,
      runStartMs: clock.startMs,
      startAtMs,
    },
    stats,
    (failure) => control.stop("WorkerFailed", failure.message),
  );
}

/** What the users' step leaves for the last one; absent when users never started. */
interface Finished {
  durationSec: number;
  hyperd?: Hyperd;
  databases?: WorkerDatabase[];
  pool?: WorkerPool;
  allReported?: boolean;
}

/** Step 3: integrity (where it can be checked), the crash report and every figure. */
async function gatherOutcome(run: Run, finished: Finished): Promise<RunOutcome> {
  const { options, control, stats } = run;
  const { hyperd, pool } = finished;
  const integrity = await checkOrSkipIntegrity(run, finished);
  const schedule = await run.schedule?.close();
  // hyperd folds its transient files into the databases as it stops: measure them after that.
  await hyperd?.stop();
  const diskBytes = await databaseBytes(options.outputDir).catch(() => 0);
  // A worker that fails after another stop (hyperd gone) is a consequence, not our fault.
  const failures = pool?.failures ?? [];
  const ourFault = control.reason === "WorkerFailed";
  const reported = new Map((pool?.users ?? []).map((u) => [u.id, u]));
  const totals = stats.byOp();
  return {
    hyperd: { path: options.binary.path, version: options.binary.version },
    outputDir: options.outputDir,
    config: options.config,
    startedAt: run.clock.startedAt,
    durationSec: finished.durationSec,
    stopReason: control.reason,
    stopDetail: [control.detail, ...failures.map((f) => f.message)].filter(Boolean).join("; ") ||
      null,
    byOp: totals.byOp,
    latencyMs: totals.latencyMs,
    resources: run.monitor.report(),
    diskBytes,
    writesRedirected: stats.writesRedirected,
    errors: stats.errors,
    slowest: stats.slowest(),
    crash: run.crash && hyperd
      ? await crashInfo(run.crash.exit, run.crash.atSec, hyperd.logDir, run.crash.inFlight)
      : null,
    stall: run.stalledInFlight ? { inFlight: run.stalledInFlight } : null,
    schedule: schedule ? { file: SCHEDULE_FILE, ...schedule } : null,
    integrity,
    transport: { ...stats.transport },
    // Every user: a worker that never sent its final report leaves its users' ticks.
    users: options.layout.users.map((spec) =>
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
    client: run.clientCpu.report(finished.durationSec),
    internalExitCode: !ourFault
      ? null
      : failures.some((f) => f.permission)
      ? EXIT.usage
      : EXIT.internal,
  };
}

/** A timed replay's recorded starts, from the schedule beside its replay file; else null. */
async function recordedStarts(config: Config): Promise<Record<number, number[]> | null> {
  if (config.replayTiming !== "recorded" || !config.replayFile) return null;
  const dir = dirname(config.replayFile);
  try {
    return Object.fromEntries(await readSchedule(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(
      `--replay-timing recorded: expected ${join(dir, SCHEDULE_FILE)} written by the run that ` +
        `wrote the replay file, got ${(error as Error).message}`,
    );
  }
}

/** Counts every table, unless the run gives no ground for it. */
async function checkOrSkipIntegrity(run: Run, finished: Finished): Promise<Integrity> {
  const { hyperd, databases } = finished;
  if (!hyperd || !databases) return integritySkipped("the run stopped during set-up");
  if (run.crash) return integritySkipped("hyperd crashed");
  if (run.control.reason === "Stalled") return integritySkipped("hyperd stalled");
  if (!finished.allReported) {
    return integritySkipped("some users did not finish their last operation");
  }
  return await checkIntegrity(hyperd, databases, run.stats.acknowledged);
}
