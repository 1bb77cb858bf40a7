/**
 * hyperd's anomaly warnings: the one table of log entry kinds hyperstress collects, how to read
 * each one's evidence, and a tally per kind in run seconds. Pure: no I/O.
 */
import { type LogEntry, parseLogTime, readFatalEntry } from "./log_entries.ts";

/** How to read one kind of warning entry. */
export interface WarningKind {
  /** Words for people, e.g. `shared-mutex starvation`. */
  label: string;
  /** What it means, in one line a person reads without knowing hyperd's log. */
  meaning: string;
  /** True when hyperd reports starvation: such a warning is a finding of the run. */
  starvation: boolean;
  /**
   * Whether it points at trouble on a machine with `cores` logical cores: null when it does, or
   * why it is expected there (too few network threads on 2 cores is hyperd sizing itself).
   */
  expected: (cores: number | null) => string | null;
  /** Whether this entry counts; absent means every entry of the kind counts. */
  counts?: (v: Record<string, unknown>) => boolean;
  /** The entry's figures in words, e.g. `timeout 5.87 s`; empty when it carries none. */
  detail: (entry: LogEntry) => string;
}

/** Up to this many cores, hyperd's network threads are expected to be too few for the users. */
const FEW_CORES = 4;

/** `cancellationmanager-signal-job-skip` counts from this many seconds without progress. */
export const NO_PROGRESS_MIN_SEC = 5;

/** The warning kinds hyperstress collects, by log entry kind `k`; add a row to collect more. */
export const WARNING_KINDS: Readonly<Record<string, WarningKind>> = {
  "scheduler-starvation": {
    label: "scheduler starvation",
    meaning: "tasks waited too long for one of hyperd's worker threads",
    starvation: true,
    expected: () => null,
    detail: (e) => seconds("timeout", e.v.timeout),
  },
  "shared-mutex-starvation-detected": {
    label: "shared-mutex starvation",
    meaning: "a thread waited too long for a lock inside hyperd",
    starvation: true,
    expected: () => null,
    detail: () => "",
  },
  // hyperd logs it every 2 s while a query makes no progress; short waits are normal under load.
  "cancellationmanager-signal-job-skip": {
    label: "a query without progress",
    meaning: `a query made no progress for ${NO_PROGRESS_MIN_SEC} s or more`,
    starvation: false,
    expected: () => null,
    counts: (v) =>
      typeof v["since-last-progress"] === "number" &&
      v["since-last-progress"] >= NO_PROGRESS_MIN_SEC,
    detail: (e) => seconds("no progress for", e.v["since-last-progress"]),
  },
  "query-plan-slow": {
    label: "a slow query plan",
    meaning: "a query ran long enough for hyperd to log its plan",
    starvation: false,
    expected: () => null,
    detail: (e) => seconds("running for", e.v["current-elapsed"]),
  },
  "number-network-threads-low": {
    label: "too few network threads",
    meaning: "more connections were busy than hyperd has network threads for",
    starvation: false,
    // hyperd sizes its network threads by the cores; with a few cores and nine users it logs
    // this from its first second on a healthy run.
    expected: (cores) =>
      cores !== null && cores <= FEW_CORES
        ? `expected on ${cores} cores; not a problem here`
        : null,
    detail: (e) => {
      const busy = e.v["current-active-continuations"];
      const threads = e.v["number-network-threads"];
      return typeof busy === "number" && typeof threads === "number"
        ? `${busy} active continuations on ${threads} network threads`
        : "";
    },
  },
  "memory-limit-exceeded": {
    label: "a memory limit exceeded",
    meaning: "an allocation went past one of hyperd's memory limits and its query failed",
    starvation: false,
    expected: () => null,
    detail: (e) => readFatalEntry(e)?.message ?? "",
  },
};

/** What a warning kind means on a machine: its label and meaning, and whether it is trouble. */
export interface WarningMeaning {
  label: string;
  meaning: string;
  /** True when it points at trouble here; false when it is expected (`why` says why). */
  trouble: boolean;
  why: string | null;
}

/** What warning `kind` means on a machine with `cores` cores; an unknown kind is trouble. */
export function warningMeaning(kind: string, cores: number | null): WarningMeaning {
  const known = Object.hasOwn(WARNING_KINDS, kind) ? WARNING_KINDS[kind] : undefined;
  if (!known) return { label: kind, meaning: "a warning hyperd logged", trouble: true, why: null };
  const why = known.expected(cores);
  return { label: known.label, meaning: known.meaning, trouble: why === null, why };
}

/** One warning entry of hyperd's log. */
export interface ServerWarning {
  /** The entry kind, a key of WARNING_KINDS. */
  kind: string;
  /** Epoch milliseconds of `ts`, read as local time. */
  atMs: number;
  detail: string;
  /** hyperd's session and request of the entry, `-` when none. */
  session: string;
  request: string;
  /** The payload's plain figures (nested objects such as a query plan are left out). */
  values: Record<string, string | number | boolean>;
}

/** A warning kind over the run: how often, when first and last, and its first entry. */
export interface WarningStats {
  count: number;
  firstAtSec: number;
  lastAtSec: number;
  example: ServerWarning & { atSec: number };
}

/** The warning in `entry`, or null when its kind is not collected or it does not count. */
export function readWarning(entry: LogEntry): ServerWarning | null {
  const kind = Object.hasOwn(WARNING_KINDS, entry.k) ? WARNING_KINDS[entry.k] : undefined;
  if (!kind || (kind.counts && !kind.counts(entry.v))) return null;
  const values: ServerWarning["values"] = {};
  for (const [key, value] of Object.entries(entry.v)) {
    if (["string", "number", "boolean"].includes(typeof value)) {
      values[key] = value as string | number | boolean;
    }
  }
  return {
    kind: entry.k,
    atMs: parseLogTime(entry.ts),
    detail: kind.detail(entry),
    session: entry.sess,
    request: entry.req,
    values,
  };
}

/**
 * Run seconds of a log time: `atMs` (epoch ms from the log) mapped onto the run's clock, which
 * read `elapsedSec` at epoch `nowMs`; within 0..elapsedSec, as set-up entries come before 0.
 */
export function runSecondOf(atMs: number, nowMs: number, elapsedSec: number): number {
  const atSec = loggedSecond(atMs, nowMs, elapsedSec);
  return Math.round(Math.min(elapsedSec, Math.max(0, atSec)) * 1000) / 1000;
}

/** Whether a log time (as for runSecondOf) falls before the run's start: an entry of the set-up. */
export function loggedBeforeRun(atMs: number, nowMs: number, elapsedSec: number): boolean {
  return loggedSecond(atMs, nowMs, elapsedSec) < 0;
}

/** A log time on the run's clock, unclamped; a bad timestamp counts as read now. */
function loggedSecond(atMs: number, nowMs: number, elapsedSec: number): number {
  if (!Number.isFinite(atMs)) return elapsedSec;
  return elapsedSec - (nowMs - atMs) / 1000;
}

/** Counts warnings per kind, keeping the first and last time and the first entry. */
export class WarningTally {
  readonly #byKind = new Map<string, WarningStats>();
  readonly #cores: number | null;
  #total = 0;
  #trouble = 0;

  /** `cores`: the machine's, to tell the warnings expected there from trouble. */
  constructor(cores: number | null = null) {
    this.#cores = cores;
  }

  /** Adds one warning seen at run second `atSec`. */
  add(warning: ServerWarning, atSec: number): void {
    this.#total++;
    if (warningMeaning(warning.kind, this.#cores).trouble) this.#trouble++;
    const stats = this.#byKind.get(warning.kind);
    if (!stats) {
      this.#byKind.set(warning.kind, {
        count: 1,
        firstAtSec: atSec,
        lastAtSec: atSec,
        example: { ...warning, atSec },
      });
      return;
    }
    stats.count++;
    stats.firstAtSec = Math.min(stats.firstAtSec, atSec);
    stats.lastAtSec = Math.max(stats.lastAtSec, atSec);
  }

  /** Warnings counted so far, of every kind. */
  get total(): number {
    return this.#total;
  }

  /** Warnings counted so far that point at trouble on this machine. */
  get trouble(): number {
    return this.#trouble;
  }

  /** Per kind, in the order of WARNING_KINDS. */
  report(): Record<string, WarningStats> {
    const out: Record<string, WarningStats> = {};
    for (const kind of Object.keys(WARNING_KINDS)) {
      const stats = this.#byKind.get(kind);
      if (stats) out[kind] = { ...stats, example: { ...stats.example } };
    }
    return out;
  }
}

/** `timeout 5.87 s`, or empty when `value` is not a number. */
function seconds(words: string, value: unknown): string {
  return typeof value === "number" && Number.isFinite(value)
    ? `${words} ${Math.round(value * 100) / 100} s`
    : "";
}
