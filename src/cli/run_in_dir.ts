/**
 * One stress run in one output dir, from lock to artifacts: the dir locked and cleared of an
 * earlier run, limits cross-checked, replay.json and the space reserve written first, the run,
 * then the summary shown before any file is written. `stress` runs one; `sweep` runs many.
 */
import { join } from "node:path";
import { limitWarnings } from "../config/limit_warnings.ts";
import { changedSettings } from "../config/resolve.ts";
import { buildReplay } from "../config/replay.ts";
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import type { Say } from "../output.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import type { HyperdProcesses } from "../hyperd/process.ts";
import { failureText, writeArtifacts, writeErrorReason, writeJson } from "../results/artifacts.ts";
import { buildSummary, type Summary } from "../results/summary.ts";
import { freeDiskBytes, totalMemoryBytes } from "../run/host_facts.ts";
import { hostInfo } from "../run/host_info.ts";
import { prepareOutputDir, removePreviousRun } from "../run/output_dir.ts";
import { RESERVE_FILE, reserveBytes, SpaceReserve } from "../run/space_reserve.ts";
import type { RunOutcome } from "../run/run_outcome.ts";
import { type LiveView, stress } from "../run/stress.ts";
import { endLine, startLine } from "./run_footprint.ts";

/** What one run needs. */
export interface RunInDirOptions {
  config: Config;
  layout: RunLayout;
  /** The hyperd to start; null when the run attaches to --endpoint. */
  binary: HyperdBinary | null;
  /** The output dir; a new temp dir when undefined. */
  dir: string | undefined;
  /** Aborting stops the run as Interrupted. */
  signal: AbortSignal;
  /** One line for the person watching (stderr for `stress`). */
  say: Say;
  /** The arguments hyperstress was started with, for the summary; null when not known. */
  commandLine: string[] | null;
  /** Where the hyperd the run starts is recorded, for a forced exit to kill. */
  processes?: HyperdProcesses;
  /** Called about once a second while users run. */
  onSecond?: (view: LiveView) => void;
  /** Called once users start, with the run's outcome as it stands at any moment. */
  onSnapshot?: (snapshot: () => RunOutcome) => void;
  /** Say at the end how much the output dir holds (and clean it with --remove-databases). */
  footprint?: boolean;
  /** Called with the summary before any artifact is written, so it survives a full disk. */
  onSummary?: (summary: Summary) => void;
  /** False: no end-of-run check of the tables (a shrink's search tries). */
  endCheck?: boolean;
}

/** A finished run: its summary and where its files are. */
export interface RunInDir {
  summary: Summary;
  outputDir: string;
}

/** Runs the stress test in its own locked output dir and writes its artifacts. */
export async function runInDir(options: RunInDirOptions): Promise<RunInDir> {
  const { config, layout, say } = options;
  // Locked before anything is written, and held until the run's files are all written.
  const outputDir = await prepareOutputDir(options.dir);
  const dir = outputDir.path;
  try {
    say(`output dir ${dir}`);
    say(startLine(config, dir));
    say(`seed ${layout.globalSeed} (replay with --replay-file ${join(dir, "replay.json")})`);
    const changed = changedSettings(config);
    if (Object.keys(changed).length > 0) say(`settings ${JSON.stringify(changed)}`);
    const removed = await removePreviousRun(dir);
    if (removed.length > 0) {
      say(`replacing the previous run in ${dir} (removed ${removed.join(", ")})`);
    }
    const warnings = limitWarnings({
      ...config,
      outputDir: dir,
      totalMemoryBytes: totalMemoryBytes(),
      freeDiskBytes: await freeDiskBytes(dir),
    });
    for (const warning of warnings) say(`warning: ${warning}`);
    // Written first and again at the end, so even a killed run can be replayed.
    const replayPath = join(dir, "replay.json");
    await beforeStart(
      replayPath,
      () => writeJson(replayPath, buildReplay(config, layout.users, layout.databases, null)),
    );
    // Holds the artifacts' space until they are written, so hyperd filling the disk cannot take it.
    const reserved = reserveBytes(config.duration);
    const reserve = await beforeStart(
      `${join(dir, RESERVE_FILE)} (${reserved / 1024 / 1024} MiB held for the artifacts)`,
      () => SpaceReserve.claim(dir, reserved),
    );
    try {
      const outcome = await stress({
        config,
        layout,
        binary: options.binary,
        outputDir: dir,
        signal: options.signal,
        say,
        processes: options.processes,
        onSecond: options.onSecond,
        onSnapshot: options.onSnapshot,
        endCheck: options.endCheck,
      });
      const summary = buildSummary(outcome, {
        commandLine: options.commandLine,
        host: await hostInfo(),
      });
      options.onSummary?.(summary);
      const replay = buildReplay(config, layout.users, layout.databases, summary.stopReason);
      await reserve.release();
      const { written, failed } = await writeArtifacts(dir, summary, replay);
      for (const failure of failed) say(failureText(failure));
      if (written.length > 0) say(`wrote ${written.join(", ")}`);
      if (options.footprint) {
        say(
          await endLine(dir, summary.exitCode, {
            removeDatabases: config.removeDatabases,
            given: options.dir !== undefined,
          }).catch((error) => `could not measure or clean ${dir}: ${writeErrorReason(error)}`),
        );
      }
      // The run's own exit code stands: a file that could not be written is reported above.
      return { summary, outputDir: dir };
    } finally {
      await reserve.release();
    }
  } finally {
    await outputDir.release();
  }
}

/** A write before the run starts; its failure is a ConfigError naming `what`, before hyperd starts. */
async function beforeStart<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(
      `could not write ${what}: ${
        writeErrorReason(error)
      }; the output dir needs to be writable with room for the artifacts (--output-dir)`,
      { cause: error },
    );
  }
}
