/**
 * A stress run from start to end: hyperd up, databases seeded, users running under the
 * monitor's eye until a stop reason comes, then integrity, summary.json and replay.json.
 */
import { join } from "node:path";
import type { Config } from "./config.ts";
import { databaseBytes } from "./disk_usage.ts";
import { Hyperd, logTail } from "./hyperd.ts";
import type { HyperdBinary } from "./hyperd_locate.ts";
import { checkIntegrity, type Integrity, integritySkipped } from "./integrity.ts";
import { Monitor } from "./monitor.ts";
import { buildReplay } from "./replay.ts";
import type { RunLayout } from "./run_layout.ts";
import { RunStats } from "./run_stats.ts";
import { SharedFlags } from "./shared_flags.ts";
import { setUpDatabases } from "./database_setup.ts";
import {
  type CrashInfo,
  megabytes,
  perSecond,
  type StopReason,
  type Summary,
  SUMMARY_SCHEMA_VERSION,
} from "./summary.ts";
import { WorkerPool } from "./worker_pool.ts";
import { type ArtifactPaths, writeArtifacts, writeJson } from "./artifacts.ts";
import { evaluateThresholds, parseThresholds } from "./thresholds.ts";

/** How long users get to finish their last operation after the stop. */
const STOP_GRACE_MS = 30_000;
const DISK_POLL_MS = 1000;

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
}

/** Runs the stress test; always writes summary.json and replay.json once hyperd has started. */
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
  const flags = new SharedFlags();
  const stats = new RunStats();
  const startedAt = new Date();
  const runStartMs = performance.timeOrigin + performance.now();
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
  let stopReason: StopReason = "DurationElapsed";
  let stopDetail: string | null = null;
  const timers: ReturnType<typeof setInterval>[] = [];
  const replayPath = join(outputDir, "replay.json");
  try {
    // Written first and again at the end, so even a killed run can be replayed.
    await writeJson(replayPath, buildReplay(config, layout.users, layout.databases, null));
    const databases = await setUpDatabases(hyperd, outputDir, layout.databases);
    monitor.start();

    const stopped = new Promise<void>((resolve) => {
      const stop = (reason: StopReason, detail: string | null) => {
        if (flags.stopped) return;
        stopReason = reason;
        stopDetail = detail;
        flags.stopped = true;
        resolve();
      };
      timers.push(setTimeout(() => stop("DurationElapsed", null), config.duration * 1000));
      hyperd.onUnexpectedExit(async (exit) => {
        crash = {
          exitCode: exit.code,
          signal: exit.signal,
          atSec: Math.round(elapsedSec() * 1000) / 1000,
          logTail: (await logTail(hyperd.logDir, 30)).split("\n"),
        };
        stop(
          "CrashDetected",
          `hyperd exited with code ${exit.code}${exit.signal ? ` (${exit.signal})` : ""}`,
        );
      });
      signal.addEventListener(
        "abort",
        () => stop("Interrupted", String(signal.reason ?? "signal")),
        {
          once: true,
        },
      );
      let readOnlySince: number | null = null;
      timers.push(setInterval(async () => {
        diskBytes = await databaseBytes(outputDir).catch(() => diskBytes);
        flags.diskFull = diskBytes > config.maxDiskMb * 1024 * 1024;
        readOnlySince = flags.diskFull ? readOnlySince ?? elapsedSec() : null;
        const held = monitor.backpressureHeldSec();
        if (held > config.maxBackpressureSec) {
          stop("ResourceLimit", `backpressure held for ${Math.round(held)} s`);
        } else if (
          readOnlySince !== null && elapsedSec() - readOnlySince > config.maxBackpressureSec
        ) {
          stop(
            "ResourceLimit",
            `disk budget of ${config.maxDiskMb} MB spent for over ${config.maxBackpressureSec} s`,
          );
        }
        hooks.onSecond?.({ elapsedSec: elapsedSec(), stats, monitor, diskBytes, flags });
      }, DISK_POLL_MS));
    });

    pool = new WorkerPool(layout.users, config.workers, {
      databases,
      endpoint: { host: hyperd.host, port: hyperd.port },
      grpcPort: hyperd.grpcPort,
      settings: config,
      flags: flags.buffer,
      runStartMs,
    }, stats);

    await stopped;
    const durationSec = elapsedSec();
    const allReported = await pool.finish(crash ? 2000 : STOP_GRACE_MS);
    for (const timer of timers) clearInterval(timer);
    await monitor.close();
    diskBytes = await databaseBytes(outputDir).catch(() => diskBytes);

    let integrity: Integrity;
    if (crash) integrity = integritySkipped("hyperd crashed");
    else if (!allReported) {
      integrity = integritySkipped("some users did not finish their last operation");
    } else integrity = await checkIntegrity(hyperd, databases, stats.acknowledged);

    const totals = stats.byOp();
    const inserted = totals.byOp.BulkInsert.rows + totals.byOp.SingleInsert.rows;
    const resources = monitor.report();
    const summary: Summary = {
      schemaVersion: SUMMARY_SCHEMA_VERSION,
      hyperd: { path: binary.path, version: binary.version },
      outputDir,
      config,
      startedAt: startedAt.toISOString(),
      durationSec: Math.round(durationSec * 1000) / 1000,
      stopReason,
      stopDetail: [stopDetail, ...pool.fatalErrors].filter(Boolean).join("; ") || null,
      exitCode: 0,
      totals: {
        ops: totals.ops,
        failures: totals.failures,
        insertedRows: inserted,
        opsPerSec: perSecond(totals.ops, durationSec),
        insertRowsPerSec: perSecond(inserted, durationSec),
      },
      latencyMs: totals.latencyMs,
      byOp: totals.byOp,
      peak: resources.peak,
      disk: {
        usedMb: megabytes(diskBytes),
        budgetMb: config.maxDiskMb,
        writesRedirected: stats.writesRedirected,
      },
      backpressure: resources.backpressure,
      errors: stats.errors,
      errorCount: stats.errorCount,
      serverErrors: resources.serverErrors,
      crash,
      integrity,
      transport: stats.transport,
      users: [...stats.users].sort((a, b) => a.id - b.id),
      workers: pool.size,
      timeline: stats.timeline(),
      resources: resources.timeline,
      thresholds: [],
    };
    summary.thresholds = evaluateThresholds(
      parseThresholds(config.thresholds, "threshold"),
      summary,
    );
    summary.exitCode = exitCodeOf(summary);
    const replay = buildReplay(config, layout.users, layout.databases, stopReason);
    return { summary, paths: await writeArtifacts(outputDir, summary, replay) };
  } finally {
    for (const timer of timers) clearInterval(timer);
    pool?.terminate();
    await monitor.close();
    await hyperd.stop();
  }
}

/** The exit code a summary maps to (thresholds aside). */
export function exitCodeOf(summary: Summary): number {
  if (summary.stopReason === "CrashDetected") return 4;
  if (summary.stopReason === "Interrupted") return 130;
  if (summary.integrity.mismatches > 0) return 5;
  if (summary.thresholds.some((t) => !t.ok)) return 3;
  return 0;
}
