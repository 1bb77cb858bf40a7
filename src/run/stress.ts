/**
 * A stress run from start to end, in named steps: hyperd up (started, or attached to), databases
 * seeded, users running under the monitor's eye until a stop reason comes, then the outcome
 * gathered for the results.
 */
import { dirname, join } from "node:path";
import type { Config } from "../config/settings.ts";
import type { Say } from "../output.ts";
import { memoryLimitMb } from "../config/limit_warnings.ts";
import { parseSegment, segmentUsers } from "../config/segment.ts";
import { LOAD_ONLY_TEXT } from "../hyperd/backpressure.ts";
import { Monitor, type MonitorLog } from "../hyperd/monitor.ts";
import { RunStats } from "../stats/run_stats.ts";
import { SharedFlags } from "../users/shared_flags.ts";
import type { WorkerPool } from "../users/worker_pool.ts";
import type { WorkerDatabase } from "../users/worker_protocol.ts";
import { AttachedServer } from "./attached_server.ts";
import { runDatabases } from "./database_setup.ts";
import { totalMemoryBytes } from "./host_facts.ts";
import { startLoad } from "./load_driver.ts";
import { Checkpoints } from "./checkpoints.ts";
import { ModelThread } from "./model_thread.ts";
import { ClientCpu, processCpuSec } from "./client_cpu.ts";
import { ResourceWatch } from "./resource_watch.ts";
import { RunClock } from "./run_clock.ts";
import type { Server } from "./server.ts";
import { StartedServer } from "./started_server.ts";
import { StopControl } from "./stop_control.ts";
import { ConfigError } from "../errors.ts";
import { nowMs } from "../time.ts";
import { readSchedule, SCHEDULE_FILE, ScheduleWriter } from "./schedule_file.ts";
import { gatherOutcome, outcomeSoFar } from "./outcome.ts";
import type { RunOutcome } from "./run_outcome.ts";
import type { Run, StressOptions } from "./run_state.ts";

export type { RunOutcome } from "./run_outcome.ts";
export type { LiveView } from "./resource_watch.ts";
export type { StressOptions } from "./run_state.ts";

/** Why a write still in flight when the workers were ended is in doubt. */
const IN_FLIGHT_AT_STOP = "in flight at the stop";
/** The same, once the server is gone (a crash, or an attached one unreachable). */
const IN_FLIGHT_AT_LOSS = "in flight when the server was lost";
/** How long to wait for workers once hyperd is gone: their connections fail at once. */
const CRASH_GRACE_MS = 2_000;
/** Steps of stopping a hyperd that stalled: callback close, SIGTERM, then SIGKILL. */
const STALLED_STOP_STEP_MS = 2_000;

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
    monitor: newMonitor(
      options.config,
      options.say,
      flags,
      clock,
      null,
      options.config.logInterval,
    ),
    clientCpu: new ClientCpu(processCpuSec()),
    model: new ModelThread(),
    users: segmentUsers(options.layout.users, parseSegment(options.config.segment)),
    lost: null,
    stalledInFlight: null,
    schedule,
    startAtMs,
    load: null,
    stoppedAtMs: null,
  };
  // Only a run that checks content loads the model (a shrink's tries skip the end check).
  if (options.endCheck !== false || options.config.verifyEverySec !== undefined) run.model.start();
  const stopWatching = watchForStops(run);
  try {
    const started = await setUp(run);
    if (!started) return await gatherOutcome(run, { durationSec: 0 });
    return await runUsers(run, started.server, started.databases);
  } finally {
    stopWatching();
    run.model.close();
  }
}

/** The monitor of the server's log; off (no samples, no backpressure) without one. */
function newMonitor(
  config: Config,
  say: Say,
  flags: SharedFlags,
  clock: RunClock,
  log: MonitorLog | null,
  logIntervalSec: number,
  stoppedAtMs: () => number | null = () => null,
  loadOnlySaid = false,
): Monitor {
  return new Monitor({
    log,
    onBackpressure: (engaged) => (flags.backpressure = engaged),
    // Where the start could not know (hyperd on macOS logs `cpu: {}`), the first sample tells.
    onLoadOnly: loadOnlySaid ? undefined : () => say(LOAD_ONLY_TEXT),
    maxMemoryMb: config.maxMemoryMb,
    maxCpuPercent: config.maxCpuPercent,
    memoryLimitMb: hyperdMemoryLimitMb(config.memoryLimit),
    elapsedSec: () => clock.elapsedSec(),
    // An attached hyperd may run on another machine, whose cores are not known here.
    cores: config.endpoint ? null : navigator.hardwareConcurrency,
    // The users' own clock of the gate, up to the stop: a worker ended while held never leaves.
    heldSec: () => flags.heldByBackpressure.seconds(stoppedAtMs() ?? nowMs()),
    logIntervalSec,
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
    run.monitor = newMonitor(
      config,
      run.options.say,
      run.flags,
      run.clock,
      server.monitorLog,
      server.logIntervalSec,
      () => run.stoppedAtMs,
      server.loadOnlySaid,
    );
    const setting = runDatabases({
      endpoint: server.endpoint,
      databaseDir: server.databaseDir,
      layout: options.layout,
      accounts: config.accounts,
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
  const { config, binary, outputDir, say, processes } = options;
  if (config.endpoint) return AttachedServer.attach({ config, outputDir, say });
  if (!binary) throw new Error("stress: a hyperd binary or --endpoint is needed");
  return StartedServer.start({ config, binary, outputDir, say, processes });
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
    run.lost = { loss, atSec: clock.elapsedSec() };
    control.stop(loss.reason, loss.detail);
  });
  let pool: WorkerPool | undefined;
  try {
    monitor.start();
    watch.start();
    pool = startUsers(run, server, databases);
    if (config.verifyEverySec !== undefined) {
      run.checkpoints = startCheckpoints(run, server, databases, config.verifyEverySec);
    }
    const users = pool;
    options.onSnapshot?.(() =>
      outcomeSoFar(run, {
        durationSec: clock.elapsedSec(),
        server,
        databases,
        pool: users,
        watch: watch.points(),
      })
    );
    // Users with maxOps or ops (a shrunk replay) end on their own; the run ends with the last of them.
    pool.allDone.then(() => control.stop("UsersFinished", "every user ran its operations"));

    await control.stopped;
    run.stoppedAtMs = nowMs();
    // Users held at a checkpoint's barrier go on to see the stop.
    await run.checkpoints?.stop();
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
      const silent = await pool.finish(run.lost ? CRASH_GRACE_MS : config.stopGraceSec * 1000);
      allReported = silent.length === 0;
      // What users still had in flight was never answered: each write of it is in doubt.
      const why = run.lost ? IN_FLIGHT_AT_LOSS : IN_FLIGHT_AT_STOP;
      if (allReported) stats.doubtInFlight(why, clock.elapsedSec());
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

/** `--verify-every`: checkpoints every `everySec` against the run's databases. */
function startCheckpoints(
  run: Run,
  server: Server,
  databases: WorkerDatabase[],
  everySec: number,
): Checkpoints {
  const seeds = new Map(run.options.layout.databases.map((d) => [d.index, d.schemaSeed]));
  const checkpoints = new Checkpoints({
    everySec,
    flags: run.flags,
    stats: run.stats,
    clock: run.clock,
    endpoint: server.endpoint,
    databases: databases.map((d) => ({ ...d, schemaSeed: seeds.get(d.index)! })),
    drainSec: run.options.config.stallSec,
    model: run.model,
  });
  checkpoints.start();
  return checkpoints;
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
