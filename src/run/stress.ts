/**
 * A stress run from start to end, in named steps: hyperd up (started, or attached to), databases
 * seeded, users running under the monitor's eye until a stop reason comes, then the outcome
 * gathered for the results.
 */
import { dirname, join } from "node:path";
import { EXIT } from "../exit_codes.ts";
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { memoryLimitMb } from "../config/limit_warnings.ts";
import { layoutDigest, parseSegment, type Segment, segmentUsers } from "../config/segment.ts";
import type { CrashInfo } from "../hyperd/crash.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { Monitor, type MonitorLog, type ResourceReport } from "../hyperd/monitor.ts";
import type { LatencySummary } from "../stats/latency.ts";
import type { InFlightOp, OpFailure, SlowOp } from "../stats/op_stats.ts";
import {
  type ErrorGroup,
  type LatencyHistograms,
  type LatencySpectrum,
  type OpTotals,
  RunStats,
  type TimelinePoint,
} from "../stats/run_stats.ts";
import { SharedFlags } from "../users/shared_flags.ts";
import type { WorkerPool } from "../users/worker_pool.ts";
import type { UserResult, WorkerDatabase } from "../users/worker_protocol.ts";
import type { UserSpec } from "../workload/layout.ts";
import type { OpKind } from "../workload/op_table.ts";
import { AttachedServer } from "./attached_server.ts";
import { runDatabases } from "./database_setup.ts";
import { databaseBytes } from "./disk_usage.ts";
import { totalMemoryBytes } from "./host_facts.ts";
import { checkIntegrity, type Integrity, integritySkipped } from "./integrity.ts";
import { type Load, type LoadOutcome, loadOutcome, startLoad } from "./load_driver.ts";
import { ClientCpu, type ClientCpuReport, processCpuSec } from "./client_cpu.ts";
import { type LiveView, ResourceWatch, type WatchPoint } from "./resource_watch.ts";
import { RunClock } from "./run_clock.ts";
import type { Server, ServerFacts, ServerLoss } from "./server.ts";
import { StartedServer } from "./started_server.ts";
import { StopControl, type StopReason } from "./stop_control.ts";
import { ConfigError } from "../errors.ts";
import { readSchedule, SCHEDULE_FILE, ScheduleWriter } from "./schedule_file.ts";

export type { LiveView } from "./resource_watch.ts";

/** How long users get to finish their last operation after the stop. */
const STOP_GRACE_MS = 30_000;
/** How long to wait for workers once hyperd is gone: their connections fail at once. */
const CRASH_GRACE_MS = 2_000;
/** Steps of stopping a hyperd that stalled: callback close, SIGTERM, then SIGKILL. */
const STALLED_STOP_STEP_MS = 2_000;

/** What a stress run needs. */
export interface StressOptions {
  config: Config;
  layout: RunLayout;
  /** The hyperd to start; null when the run attaches to `config.endpoint` instead. */
  binary: HyperdBinary | null;
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

/** The server gone (a crash, or an attached one unreachable), when, and what users were doing. */
type Lost = { loss: ServerLoss; atSec: number; inFlight: InFlightOp[] };

/** The parts of a run every step shares. */
interface Run {
  options: StressOptions;
  flags: SharedFlags;
  control: StopControl;
  clock: RunClock;
  stats: RunStats;
  monitor: Monitor;
  clientCpu: ClientCpu;
  /** This process's users: all of them, or its segment's. */
  users: UserSpec[];
  lost: Lost | null;
  /** What users were doing when the run stalled. */
  stalledInFlight: InFlightOp[] | null;
  /** schedule.jsonl.gz, written as operations finish; null when it could not be created. */
  schedule: ScheduleWriter | null;
  /** A timed replay: each user's recorded start offsets by seq. */
  startAtMs: Record<number, number[]> | null;
  /** The users' load once they run: their workers and its shape. */
  load: Load | null;
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
    stats: new RunStats({
      onSchedule: (entries) => schedule?.append(entries),
      warmupSec: options.config.warmupSec,
    }),
    // Off until the server says which log it has.
    monitor: newMonitor(options.config, flags, clock, null),
    clientCpu: new ClientCpu(processCpuSec()),
    users: segmentUsers(options.layout.users, parseSegment(options.config.segment)),
    lost: null,
    stalledInFlight: null,
    schedule,
    startAtMs,
    load: null,
  };
  const stopWatching = watchForStops(run);
  try {
    const started = await setUp(run);
    if (!started) return await gatherOutcome(run, { durationSec: 0 });
    return await runUsers(run, started.server, started.databases);
  } finally {
    stopWatching();
  }
}

/** The monitor of the server's log; off (no samples, no backpressure) without one. */
function newMonitor(
  config: Config,
  flags: SharedFlags,
  clock: RunClock,
  log: MonitorLog | null,
): Monitor {
  return new Monitor({
    log,
    onBackpressure: (engaged) => (flags.backpressure = engaged),
    maxMemoryMb: config.maxMemoryMb,
    maxCpuPercent: config.maxCpuPercent,
    memoryLimitMb: hyperdMemoryLimitMb(config.memoryLimit),
    elapsedSec: () => clock.elapsedSec(),
  });
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
  server: Server;
  databases: WorkerDatabase[];
}

/**
 * Step 1: the server up (started, or attached to and checked) and the databases created, within
 * STRESS_START_TIMEOUT_SEC together (a segment waiting for segment 0's databases has a deadline
 * of its own). Returns null when the run stopped first (a signal, or the deadline: Stalled);
 * whatever was started is stopped then.
 */
async function setUp(run: Run): Promise<Started | null> {
  const { options, control } = run;
  const { config } = options;
  const timeoutSec = config.startTimeoutSec;
  const deadline = setTimeout(
    () => control.stop("Stalled", `set-up did not finish within ${timeoutSec} s`),
    timeoutSec * 1000,
  );
  const stopped = new AbortController();
  control.stopped.then(() => stopped.abort());
  const opening = openServer(options);
  try {
    const server = await untilStopped(opening, control);
    if (!server) {
      opening.then((s) => s.release(STALLED_STOP_STEP_MS), () => {});
      return null;
    }
    run.monitor = newMonitor(config, run.flags, run.clock, server.monitorLog);
    const setting = runDatabases({
      endpoint: server.endpoint,
      databaseDir: server.databaseDir,
      layout: options.layout,
      segment: config.segment,
      waitSec: timeoutSec,
      onWait: () => clearTimeout(deadline),
      signal: stopped.signal,
    });
    const databases = await untilStopped(setting, control).catch(async (error) => {
      await server.release();
      throw error;
    });
    if (!databases) {
      setting.catch(() => {}); // it fails once hyperd is gone
      await server.release(STALLED_STOP_STEP_MS);
      return null;
    }
    return { server, databases };
  } finally {
    clearTimeout(deadline);
  }
}

/** The server of the run: attached to `--endpoint`, else a hyperd started for it. */
function openServer(options: StressOptions): Promise<Server> {
  const { config, binary, outputDir } = options;
  if (config.endpoint) return AttachedServer.attach({ config, outputDir });
  if (!binary) throw new Error("stress: a hyperd binary or --endpoint is needed");
  return StartedServer.start({ config, binary, outputDir });
}

/** The promise's value, or null when the run stops first. */
async function untilStopped<T>(promise: Promise<T>, control: StopControl): Promise<T | null> {
  return await Promise.race([promise, control.stopped.then(() => null)]);
}

/** Step 2: users run under the monitor's and the watch's eyes until a stop reason comes. */
async function runUsers(
  run: Run,
  server: Server,
  databases: WorkerDatabase[],
): Promise<RunOutcome> {
  const { options, flags, control, clock, stats, monitor } = run;
  const { config, outputDir } = options;
  clock.start();
  run.clientCpu = new ClientCpu(processCpuSec());
  const watch = new ResourceWatch({
    ...config,
    // Databases that are not on this machine are not measured: no disk budget then.
    outputDir: server.diskDir ?? outputDir,
    maxDiskMb: server.diskDir ? config.maxDiskMb : Infinity,
    clock,
    clientCpu: run.clientCpu,
    control,
    flags,
    monitor,
    stats,
    hyperdPid: server.pid ?? 0,
    load: () => run.load?.view ?? null,
    onSecond: options.onSecond,
  });
  const duration = setTimeout(() => control.stop("DurationElapsed"), config.duration * 1000);
  server.watch((loss) => {
    run.lost = { loss, atSec: clock.elapsedSec(), inFlight: stats.inFlight() };
    control.stop(loss.reason, loss.detail);
  });
  let pool: WorkerPool | undefined;
  try {
    monitor.start();
    watch.start();
    pool = startUsers(run, server, databases);
    // Users with maxOps (a shrunk replay) end on their own; the run ends with the last of them.
    pool.allDone.then(() => control.stop("UsersFinished", "every user ran its operations"));

    await control.stopped;
    run.load?.stop();
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
      await server.release(STALLED_STOP_STEP_MS);
      allReported = false;
    } else {
      allReported = await pool.finish(run.lost ? CRASH_GRACE_MS : STOP_GRACE_MS);
    }
    watch.stop();
    await monitor.close();
    return await gatherOutcome(run, {
      durationSec,
      server,
      databases,
      pool,
      allReported,
      watch: watch.points(),
    });
  } finally {
    clearTimeout(duration);
    watch.stop();
    run.load?.stop();
    pool?.terminate();
    await monitor.close();
    await server.release();
  }
}

/**
 * Starts this process's users in workers with the config's load (closed loops, or arrivals);
 * a worker that fails as a whole stops the run.
 */
function startUsers(run: Run, server: Server, databases: WorkerDatabase[]): WorkerPool {
  const { options, flags, stats, clock, control } = run;
  run.load = startLoad({
    config: options.config,
    users: run.users,
    base: {
      databases,
      endpoint: server.endpoint,
      grpcPort: server.grpcPort,
      settings: options.config,
      flags: flags.buffer,
      runStartMs: clock.startMs,
      startAtMs: run.startAtMs,
    },
    stats,
    clock,
    onFatal: (failure) => control.stop("WorkerFailed", failure.message),
  });
  return run.load.pool;
}

/** What the users' step leaves for the last one; absent when users never started. */
interface Finished {
  durationSec: number;
  server?: Server;
  databases?: WorkerDatabase[];
  pool?: WorkerPool;
  allReported?: boolean;
  watch?: WatchPoint[];
}

/** Step 3: integrity (where it can be checked), the crash report and every figure. */
async function gatherOutcome(run: Run, finished: Finished): Promise<RunOutcome> {
  const { options, control, stats } = run;
  const { server, pool } = finished;
  const { config, binary, layout } = options;
  const integrity = await checkOrSkipIntegrity(run, finished);
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
      ? await server.crashInfo(run.lost.loss, run.lost.atSec, run.lost.inFlight)
      : null,
    stall: run.stalledInFlight ? { inFlight: run.stalledInFlight } : null,
    schedule: schedule ? { file: SCHEDULE_FILE, ...schedule } : null,
    integrity,
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
  const { server, databases } = finished;
  if (!server || !databases) return integritySkipped("the run stopped during set-up");
  if (run.lost?.loss.reason === "CrashDetected") return integritySkipped("hyperd crashed");
  if (run.lost) return integritySkipped("the server stopped answering");
  if (run.control.reason === "Stalled") return integritySkipped("hyperd stalled");
  if (!finished.allReported) {
    return integritySkipped("some users did not finish their last operation");
  }
  if (run.options.config.segment) {
    return integritySkipped(
      "a segment does not count tables while other segments may still write: merge with " +
        "--endpoint counts them",
    );
  }
  return await checkIntegrity(server.endpoint, databases, run.stats.acknowledged);
}
