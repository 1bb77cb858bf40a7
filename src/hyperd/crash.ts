/** How hyperd died: its exit, when, the last lines of its log, and why in hyperd's own words. */
import { join } from "node:path";
import {
  type FatalEntry,
  type FatalKind,
  type LogEntry,
  parseLogLine,
  readFatalEntry,
} from "./log_entries.ts";
import type { HyperdExit } from "./process.ts";
import { logTail } from "./process.ts";
import type { InFlightOp } from "../stats/op_records.ts";

/** Why hyperd went down, from the fatal entries of its log. */
export interface CrashCause {
  /** The log entry the reason comes from, e.g. `finalize-version-failed`. */
  kind: Exclude<FatalKind, "memory-limit-exceeded">;
  /** SQLSTATE of hyperd's exception, e.g. `53S02`; empty when hyperd gave none. */
  code: string;
  /** hyperd's words; a full disk always says "No space left on device". */
  message: string;
}

/** How hyperd died, when it did. */
export interface CrashInfo {
  exitCode: number;
  signal: string | null;
  atSec: number;
  /** null when the log has no fatal entry, as after a `kill -9`. */
  cause: CrashCause | null;
  /** The operations in flight when hyperd died: those its death cut short and those never ended. */
  inFlight: InFlightOp[];
  logTail: string[];
}

/** Lines of hyperd.log a crash report keeps. */
const CRASH_LOG_LINES = 30;
/**
 * How much of the log's end is searched for fatal entries. hyperd writes them within about
 * 60 ms of each other at the very end; under load that is tens of KB of other threads' lines.
 */
const CAUSE_SEARCH_BYTES = 4 * 1024 * 1024;
/** The words that tell a user the disk is full. */
const NO_SPACE = "No space left on device";
/** SQLSTATE disk_full. */
const DISK_FULL_CODE = "53100";
/**
 * How a full disk shows in hyperd's words. hyperd 0.0.26359 on a full file system says only
 * "growing the database file failed" (SQLSTATE 53200, which is also out_of_memory, so not the
 * code alone); errno text is matched in case a build says more.
 */
const DISK_FULL_WORDS = /no space left on device|\bENOSPC\b|growing the database file failed/i;
/** hyperd with log_file_size_limit writes `hyperd_<local time>[_n].log` instead of hyperd.log. */
const ROTATED_LOG = /^hyperd_(\d{4}(?:_\d{2}){5})(?:_(\d+))?\.log$/;

/** The crash report of an unexpected exit at `atSec`, with the log's last lines and its cause. */
export async function crashInfo(
  exit: HyperdExit,
  atSec: number,
  logDir: string,
  inFlight: InFlightOp[] = [],
): Promise<CrashInfo> {
  return {
    exitCode: exit.code,
    signal: exit.signal,
    atSec: Math.round(atSec * 1000) / 1000,
    cause: crashCause((await readLogEnd(logDir, CAUSE_SEARCH_BYTES)).flatMap(parseEntry)),
    inFlight,
    logTail: (await logTail(logDir, CRASH_LOG_LINES)).split("\n"),
  };
}

/**
 * Why the hyperd that wrote the last of `entries` went down: the first fatal entry with an
 * exception code and message, else the termination's detail, else the deadly signal, else any
 * fatal entry's words; null when that hyperd wrote no fatal entry.
 */
export function crashCause(entries: LogEntry[]): CrashCause | null {
  const last = entries.at(-1);
  if (!last) return null;
  // A log reused by an earlier run may hold that run's fatal entries: only the last hyperd counts.
  const fatal = entries
    .filter((e) => e.pid === last.pid)
    .map(readFatalEntry)
    .filter((f): f is FatalEntry & { kind: CrashCause["kind"] } => f !== null && f.fatal);
  const chosen = fatal.find((f) => f.code !== "" && f.message !== "") ??
    fatal.find((f) => f.kind === "server-termination" && f.message !== "") ??
    fatal.find((f) => f.kind === "deadly-signal-received" && f.message !== "") ??
    fatal.find((f) => f.message !== "");
  if (!chosen) return null;
  const message = chosen.kind === "deadly-signal-received"
    ? `deadly signal ${chosen.message}`
    : chosen.message;
  const cause = { kind: chosen.kind, code: chosen.code, message };
  return fatal.some(isDiskFull) ? sayDiskFull(cause) : cause;
}

/** `hyperd exited with code 134 (SIGABRT)`. */
export function describeExit(exit: Pick<HyperdExit, "code" | "signal">): string {
  return `hyperd exited with code ${exit.code}${exit.signal ? ` (${exit.signal})` : ""}`;
}

/** hyperd's words with its SQLSTATE, e.g. `Cannot allocate ... was exceeded. (53S02)`. */
export function describeCause(cause: Pick<CrashCause, "code" | "message">): string {
  return cause.code ? `${cause.message} (${cause.code})` : cause.message;
}

function isDiskFull(entry: Pick<FatalEntry, "code" | "message">): boolean {
  return entry.code === DISK_FULL_CODE || DISK_FULL_WORDS.test(entry.message);
}

/** hyperd's words, led by "disk full" and always holding "No space left on device". */
function sayDiskFull(cause: CrashCause): CrashCause {
  const lead = cause.message.toLowerCase().includes(NO_SPACE.toLowerCase())
    ? "disk full"
    : `disk full (${NO_SPACE})`;
  return { ...cause, message: `${lead}: ${cause.message}` };
}

function parseEntry(line: string): LogEntry[] {
  const entry = parseLogLine(line);
  return entry ? [entry] : [];
}

/**
 * The whole lines in the last `budget` bytes of hyperd's log: hyperd.log, or where hyperd rotates
 * its log, the newest timestamped files. Empty when there is no log.
 */
async function readLogEnd(logDir: string, budget: number): Promise<string[]> {
  const lines: string[] = [];
  let left = budget;
  for (const path of (await logFiles(logDir)).reverse()) {
    if (left <= 0) break;
    const { text, bytes, cut } = await readEnd(path, left);
    left -= bytes;
    const fileLines = text.split("\n");
    // The first line of a cut read is the end of a line: not an entry.
    if (cut) fileLines.shift();
    lines.unshift(...fileLines);
  }
  return lines;
}

/** The log files in `logDir`, oldest first. */
async function logFiles(logDir: string): Promise<string[]> {
  const rotated: { path: string; key: string }[] = [];
  try {
    for await (const item of Deno.readDir(logDir)) {
      if (item.name === "hyperd.log") return [join(logDir, item.name)];
      const m = ROTATED_LOG.exec(item.name);
      if (m) {
        rotated.push({ path: join(logDir, item.name), key: `${m[1]}_${(m[2] ?? "").padStart(6)}` });
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return rotated.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0).map((r) => r.path);
}

/** At most the last `limit` bytes of a file as text, how many, and whether the file starts earlier. */
async function readEnd(
  path: string,
  limit: number,
): Promise<{ text: string; bytes: number; cut: boolean }> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const start = Math.max(0, size - limit);
  await file.seek(start, Deno.SeekMode.Start);
  const buffer = new Uint8Array(size - start);
  let filled = 0;
  while (filled < buffer.length) {
    const n = await file.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  const text = new TextDecoder().decode(buffer.subarray(0, filled));
  return { text, bytes: filled, cut: start > 0 };
}
