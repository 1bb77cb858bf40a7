/**
 * A stress run from start to end, in named steps: hyperd up, databases seeded, users running
 * under the monitor's eye until a stop reason comes, then the outcome gathered for the results.
 */
import { join } from "node:path";
import { EXIT } from "../exit_codes.ts";
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { type CrashInfo, crashInfo, describeExit } from "../hyperd/crash.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { Monitor, type ResourceReport } from "../hyperd/monitor.ts";
import { Hyperd, type HyperdExit } from "../hyperd/process.ts";
import type { LatencySummary } from "../stats/latency.ts";
import type { OpFailure } from "../stats/op_stats.ts";
import { type OpTotals, RunStats, type TimelinePoint } from "../stats/run_stats.ts";
import { SharedFlags } from "../users/shared_flags.ts";
import { WorkerPool } from "../users/worker_pool.ts";
import type { UserResult, WorkerDatabase } from "../users/worker_protocol.ts";
import type { OpKind } from "../workload/op_table.ts";
import { setUpDatabases } from "./database_setup.ts";
import { checkIntegrity, type Integrity, integritySkipped } from "./integrity.ts";
import { type LiveView, ResourceWatch } from "./resource_watch.ts";
import { RunClock } from "./run_clock.ts";
import { StopControl, type StopReason } from "./stop_control.ts";

export type { LiveView } from "./resource_watch.ts";

/** How long users get to finish their last operation after the stop. */
const STOP_GRACE_MS = 30_000;
/** How long to wait for workers once hyperd is gone: their connections fail at once. */
const CRASH_GRACE_MS = 2_000;

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
  crash: CrashInfo | null;
  integrity: Integrity;
  transport: { grpcReads: number; libpqReads: number };
  users: UserResult[];
  workers: number;
  timeline: TimelinePoint[];
  /** Set when hyperstress itself failed: 1 for an internal error, 2 for a missing permission. */
  internalExitCode: number | null;
}

/** An unexpected exit of hyperd and when it happened. */
type Crash = { exit: HyperdExit; atSec: number };

/** Runs the stress test and returns what it measured; hyperd is stopped however it ends. */
export async function stress(options: StressOptions): Promise<RunOutcome> {
  const { config, outputDir } = options;
  const hyperd = await startHyperd(config, options.binary.path, outputDir);
  const flags = new SharedFlags();
  const control = new StopControl(flags);
  const clock = new RunClock();
  const stats = new RunStats();
  const monitor = new Monitor({
    logDir: hyperd.logDir,
    onBackpressure: (engaged) => (flags.backpressure = engaged),
    maxMemoryMb: config.maxMemoryMb,
    maxCpuPercent: config.maxCpuPercent,
    elapsedSec: () => clock.elapsedSec(),
  });
  const watch = new ResourceWatch({
    ...config,
    outputDir,
    clock,
    control,
    flags,
    monitor,
    stats,
    hyperdPid: hyperd.pid,
    onSecond: options.onSecond,
  });
  const crash: { value: Crash | null } = { value: null };
  let pool: WorkerPool | undefined;
  let stopWatching = () => {};
  try {
    const databases = await setUpDatabases(hyperd, outputDir, options.layout.databases);
    clock.start();
    monitor.start();
    watch.start();
    stopWatching = watchForStops(options, hyperd, control, clock, crash);
    pool = startUsers(options, hyperd, databases, flags, stats, clock, control);

    await control.stopped;
    const durationSec = clock.elapsedSec();
    const allReported = await pool.finish(crash.value ? CRASH_GRACE_MS : STOP_GRACE_MS);
    await watch.stop();
    await monitor.close();
    return await gatherOutcome({
      options,
      hyperd,
      databases,
      control,
      clock,
      durationSec,
      stats,
      monitor,
      diskBytes: watch.diskBytes,
      pool,
      allReported,
      crash: crash.value,
    });
  } finally {
    stopWatching();
    await watch.stop();
    pool?.terminate();
    await monitor.close();
    await hyperd.stop();
  }
}

/** Step 1: hyperd with the run's log settings, its log in `<outputDir>/log`. */
async function startHyperd(config: Config, binary: string, outputDir: string): Promise<Hyperd> {
  const hyperd = await Hyperd.start({
    binary,
    logDir: join(outputDir, "log"),
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

/** Step 2: the stop reasons that come from outside the users; returns a function that ends them. */
function watchForStops(
  options: StressOptions,
  hyperd: Hyperd,
  control: StopControl,
  clock: RunClock,
  crash: { value: Crash | null },
): () => void {
  const duration = setTimeout(
    () => control.stop("DurationElapsed"),
    options.config.duration * 1000,
  );
  const interrupt = () => control.stop("Interrupted", "signal");
  // A Ctrl-C during set-up counts too: the run then stops before its users start.
  if (options.signal.aborted) interrupt();
  options.signal.addEventListener("abort", interrupt, { once: true });
  hyperd.onUnexpectedExit((exit) => {
    crash.value = { exit, atSec: clock.elapsedSec() };
    control.stop("CrashDetected", describeExit(exit));
  });
  return () => {
    clearTimeout(duration);
    options.signal.removeEventListener("abort", interrupt);
  };
}

/** Step 3: the users, in workers; a worker that fails as a whole stops the run. */
function startUsers(
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
    },
    stats,
    (failure) => control.stop("WorkerFailed", failure.message),
  );
}

/** What the last step reads. */
interface Finished {
  options: StressOptions;
  hyperd: Hyperd;
  databases: WorkerDatabase[];
  control: StopControl;
  clock: RunClock;
  durationSec: number;
  stats: RunStats;
  monitor: Monitor;
  diskBytes: number;
  pool: WorkerPool;
  allReported: boolean;
  crash: Crash | null;
}

/** Step 4: integrity (where it can be checked), the crash report and every figure. */
async function gatherOutcome(run: Finished): Promise<RunOutcome> {
  const { options, control, stats, pool } = run;
  let integrity: Integrity;
  if (run.crash) integrity = integritySkipped("hyperd crashed");
  else if (!run.allReported) {
    integrity = integritySkipped("some users did not finish their last operation");
  } else integrity = await checkIntegrity(run.hyperd, run.databases, stats.acknowledged);

  const failures = pool.failures;
  const totals = stats.byOp();
  return {
    hyperd: { path: options.binary.path, version: options.binary.version },
    outputDir: options.outputDir,
    config: options.config,
    startedAt: run.clock.startedAt,
    durationSec: run.durationSec,
    stopReason: control.reason,
    stopDetail: [control.detail, ...failures.map((f) => f.message)].filter(Boolean).join("; ") ||
      null,
    byOp: totals.byOp,
    latencyMs: totals.latencyMs,
    resources: run.monitor.report(),
    diskBytes: run.diskBytes,
    writesRedirected: stats.writesRedirected,
    errors: stats.errors,
    crash: run.crash ? await crashInfo(run.crash.exit, run.crash.atSec, run.hyperd.logDir) : null,
    integrity,
    transport: { ...stats.transport },
    users: pool.users,
    workers: pool.size,
    timeline: stats.timeline(),
    internalExitCode: failures.length === 0
      ? null
      : failures.some((f) => f.permission)
      ? EXIT.usage
      : EXIT.internal,
  };
}
