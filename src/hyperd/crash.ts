/** How hyperd died: its exit, when, and the last lines of its log. */
import type { HyperdExit } from "./process.ts";
import { logTail } from "./process.ts";

/** How hyperd died, when it did. */
export interface CrashInfo {
  exitCode: number;
  signal: string | null;
  atSec: number;
  logTail: string[];
}

/** Lines of hyperd.log a crash report keeps. */
const CRASH_LOG_LINES = 30;

/** The crash report of an unexpected exit at `atSec`, with the log's last lines. */
export async function crashInfo(
  exit: HyperdExit,
  atSec: number,
  logDir: string,
): Promise<CrashInfo> {
  return {
    exitCode: exit.code,
    signal: exit.signal,
    atSec: Math.round(atSec * 1000) / 1000,
    logTail: (await logTail(logDir, CRASH_LOG_LINES)).split("\n"),
  };
}

/** `hyperd exited with code 134 (SIGABRT)`. */
export function describeExit(exit: Pick<HyperdExit, "code" | "signal">): string {
  return `hyperd exited with code ${exit.code}${exit.signal ? ` (${exit.signal})` : ""}`;
}
