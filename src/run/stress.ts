/**
 * A stress run from start to end: hyperd up, databases seeded, users running under the
 * monitor's eye until a stop reason comes, then integrity, summary.json and replay.json.
 */
import { join } from "node:path";
import { type ArtifactPaths, writeArtifacts, writeJson } from "../results/artifacts.ts";
import type { Config } from "../config/settings.ts";
import { setUpDatabases } from "./database_setup.ts";
import { databaseBytes } from "./disk_usage.ts";
import { Hyperd, logTail } from "../hyperd/process.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { checkIntegrity, type Integrity, integritySkipped } from "./integrity.ts";
import { Monitor } from "../hyperd/monitor.ts";
import { buildReplay } from "../config/replay.ts";
import type { RunLayout } from "../config/run_layout.ts";
import { RunStats } from "../stats/run_stats.ts";
import { SharedFlags } from "../users/shared_flags.ts";
import { StopControl } from "./stop_control.ts";
import { buildSummary, type CrashInfo, type Summary } from "../results/summary.ts";
import { WorkerPool } from "../users/worker_pool.ts";

/** How long users get to finish their last operation after the stop. */
const STOP_GRACE_MS = 30_000;
/** How long to wait for workers once hyperd is gone: their connections fail at once. */
const CRASH_GRACE_MS = 2_000;
const WATCH_MS = 1000;

/** What the caller learns about a finished run. */
export interface StressResult {
  summary: Summary;
  paths: ArtifactPaths;
}

/** Hooks the command line attaches: progress lines and the like. */
export interface StressHooks {
  /** Called about once a second while users run. */
  onSecond?: (view: LiveView) => void;
}

/** What the run looks like right now, for progress output. */
export interface LiveView {
  elapsedSec: number;
  stats: RunStats;
  monitor: Monitor;
  diskBytes: number;
  flags: SharedFlags;
  hyperdPid: number;
}

/** Runs the stress test; writes every artifact once hyperd has started, however it ends. */
export async function stress(
  config: Config,
  layout: RunLayout,
  binary: HyperdBinary,
  outputDir: string,
  signal: AbortSignal,
  hooks: StressHooks = {},
): Promise<StressResult> {
  const hyperd = await Hyperd.start({
    binary: binary.path,
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
  const flags = new SharedFlags();
  const control = new StopControl(flags);
  const stats = new RunStats();
  // The clock starts once the databases are ready, so set-up time is not run time.
  let startedAt = new Date();
  let runStartMs = performance.timeOrigin + performance.now();
  const elapsedSec = () => (performance.timeOrigin + performance.now() - runStartMs) / 1000;
  const monitor = new Monitor({
    logDir: hyperd.logDir,
    flags,
    maxMemoryMb: config.maxMemoryMb,
    maxCpuPercent: config.maxCpuPercent,
    elapsedSec,
  });
  let pool: WorkerPool | undefined;
  let crash: CrashInfo | null = null;
  let diskBytes = 0;
  let watcher: ReturnType<typeof setInterval> | undefined;
  let duration: ReturnType<typeof setTimeout> | undefined;
  try {
    // Written first and again at the end, so even a killed run can be replayed.
    await writeJson(
      join(outputDir, "replay.json"),
      buildReplay(config, layout.users, layout.databases, null),
    );
    const databases = await setUpDatabases(hyperd, outputDir, layout.databases);
    startedAt = new Date();
    runStartMs = performance.timeOrigin + performance.now();
    monitor.start();

    duration = setTimeout(() => control.stop("DurationElapsed"), config.duration * 1000);
    // A Ctrl-C during set-up counts too: the run then stops before its users start.
    if (signal.aborted) control.stop("Interrupted", "signal");
    signal.addEventListener("abort", () => control.stop("Interrupted", "signal"), { once: true });
    hyperd.onUnexpectedExit((exit) => {
      const how = `hyperd exited with code ${exit.code}${exit.signal ? ` (${exit.signal})` : ""}`;
      crash = { exitCode: exit.code, signal: exit.signal, atSec: round(elapsedSec()), logTail: [] };
      control.stop("CrashDetected", how);
    });
    let readOnlySince: number | null = null;
    watcher = setInterval(async () => {
      diskBytes = await databaseBytes(outputDir).catch(() => diskBytes);
      flags.diskFull = diskBytes > config.maxDiskMb * 1024 * 1024;
      readOnlySince = flags.diskFull ? readOnlySince ?? elapsedSec() : null;
      const held = monitor.backpressureHeldSec();
      if (held > config.maxBackpressureSec) {
        control.stop("ResourceLimit", `backpressure held for ${Math.round(held)} s`);
      } else if (
        readOnlySince !== null && elapsedSec() - readOnlySince > config.maxBackpressureSec
      ) {
        const spent = `disk budget of ${config.maxDiskMb} MB spent`;
        control.stop("ResourceLimit", `${spent} for over ${config.maxBackpressureSec} s`);
      }
      hooks.onSecond?.({
        elapsedSec: elapsedSec(),
        stats,
        monitor,
        diskBytes,
        flags,
        hyperdPid: hyperd.pid,
      });
    }, WATCH_MS);

    pool = new WorkerPool(
      layout.users,
      config.workers,
      {
        databases,
        endpoint: { host: hyperd.host, port: hyperd.port },
        grpcPort: hyperd.grpcPort,
        settings: config,
        flags: flags.buffer,
        runStartMs,
      },
      stats,
      (failure) => control.stop("WorkerFailed", failure.message),
    );

    await control.stopped;
    const durationSec = elapsedSec();
    const allReported = await pool.finish(crash ? CRASH_GRACE_MS : STOP_GRACE_MS);
    clearInterval(watcher);
    await monitor.close();
    diskBytes = await databaseBytes(outputDir).catch(() => diskBytes);

    if (crash) (crash as CrashInfo).logTail = (await logTail(hyperd.logDir, 30)).split("\n");
    let integrity: Integrity;
    if (crash) integrity = integritySkipped("hyperd crashed");
    else if (!allReported) {
      integrity = integritySkipped("some users did not finish their last operation");
    } else integrity = await checkIntegrity(hyperd, databases, stats.acknowledged);

    const failures = pool.failures;
    const totals = stats.byOp();
    const summary = buildSummary({
      hyperd: { path: binary.path, version: binary.version },
      outputDir,
      config,
      startedAt,
      durationSec,
      stopReason: control.reason,
      stopDetail: [control.detail, ...failures.map((f) => f.message)].filter(Boolean).join("; ") ||
        null,
      byOp: totals.byOp,
      latencyMs: totals.latencyMs,
      resources: monitor.report(),
      diskBytes,
      writesRedirected: stats.writesRedirected,
      errors: stats.errors,
      crash,
      integrity,
      transport: stats.transport,
      users: stats.users,
      workers: pool.size,
      timeline: stats.timeline(),
      thresholds: config.thresholds,
      internalExitCode: failures.length === 0 ? null : failures.some((f) => f.permission) ? 2 : 1,
    });
    const replay = buildReplay(config, layout.users, layout.databases, control.reason);
    return { summary, paths: await writeArtifacts(outputDir, summary, replay) };
  } finally {
    clearTimeout(duration);
    clearInterval(watcher);
    pool?.terminate();
    await monitor.close();
    await hyperd.stop();
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
