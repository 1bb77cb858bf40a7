/**
 * Reading hyperd's log (`hyperd.log`, one JSON object per line): the entry envelope, resource
 * samples, the errors hyperd records for failed queries and the entries it writes as it dies.
 * Pure: no I/O.
 */

/** One line of hyperd's log; `v` is the payload whose shape depends on the kind `k`. */
export interface LogEntry {
  /** Local time with microseconds and no zone, e.g. `2026-11-23T22:32:21.375702`. */
  ts: string;
  pid: number;
  /** Native thread id and name, e.g. `7f4fce7fe6c0|mux t2`. */
  tid: string;
  /** `trace`, `info`, `warning`, `error`, `fatal`. */
  sev: string;
  /** Request number within the session, or `-`. */
  req: string;
  /** Session id, or `-`. */
  sess: string;
  /** Entry kind, e.g. `resource-metrics`, `query-end`, `query-end-user-error`. */
  k: string;
  v: Record<string, unknown>;
}

/** One `resource-metrics` entry, reduced to what hyperstress watches. */
export interface ResourceSample {
  /** Epoch milliseconds of `ts`, read as local time; keeps the microseconds as a fraction. */
  atMs: number;
  /**
   * Resident memory of hyperd (`memory.process_physical_memory_mb`). It includes the mapped
   * files, so it grows with the databases whatever the load.
   */
  memoryMb: number;
  /** Of `memoryMb`, the mapped files (the `.hyper` files, hyperd's binary); null when unlogged. */
  fileMappingsMb: number | null;
  /**
   * The memory hyperd's `memory_limit` governs (`mem-trackers.memory_tracked_current_usage_mb
   * .global`); null on an older hyperd or a `log_resource_usage_mode` without bit 2.
   */
  trackedMemoryMb: number | null;
  /** hyperd's own load figures, 0..1 (they reach 1 at saturation). */
  overallLoad: number;
  schedulerLoad: number;
  memoryLoad: number;
  activeThreads: number;
  inactiveThreads: number;
  waitingJobs: number;
  /** Share of all cores used by hyperd, 0..100; null when hyperd does not measure it (macOS). */
  processCpuPercent: number | null;
  /** Share of all cores used by the whole machine, 0..100; null when unmeasured. */
  systemCpuPercent: number | null;
}

/** A query that hyperd logged as failed. */
export interface ServerError {
  atMs: number;
  /** `user` for `query-end-user-error`, `system` for `query-end-system-error`. */
  kind: "user" | "system";
  /** SQLSTATE, e.g. `22012`; empty when the entry has none. */
  code: string;
  message: string;
}

/** Entries hyperd writes as it goes down, and the warning that often comes just before. */
export const FATAL_KINDS = [
  "finalize-version-failed",
  "unhandled-exception",
  "server-termination",
  "deadly-signal-received",
  "memory-limit-exceeded",
] as const;

/** The kind of a FatalEntry. */
export type FatalKind = typeof FATAL_KINDS[number];

/** A fatal entry of hyperd's log, or its `memory-limit-exceeded` warning. */
export interface FatalEntry {
  atMs: number;
  /** hyperd's process id: a log appended to by several runs holds several. */
  pid: number;
  kind: FatalKind;
  /** False only for `memory-limit-exceeded`, which hyperd may survive. */
  fatal: boolean;
  /** SQLSTATE of hyperd's exception, e.g. `53S02`; empty when the entry has none. */
  code: string;
  /**
   * hyperd's words: the exception's message, the termination's detail, the signal's name, or
   * for the warning the limit and the allocation that crossed it.
   */
  message: string;
}

const TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

const ERROR_KINDS: Record<string, ServerError["kind"]> = {
  "query-end-user-error": "user",
  "query-end-system-error": "system",
};

/** Parses one log line; null when it is not a JSON object with a string `ts` and `k`. */
export function parseLogLine(line: string): LogEntry | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value.ts !== "string" || typeof value.k !== "string") {
    return null;
  }
  return {
    ts: value.ts,
    pid: typeof value.pid === "number" ? value.pid : 0,
    tid: typeof value.tid === "string" ? value.tid : "",
    sev: typeof value.sev === "string" ? value.sev : "",
    req: typeof value.req === "string" ? value.req : "-",
    sess: typeof value.sess === "string" ? value.sess : "-",
    k: value.k,
    v: isRecord(value.v) ? value.v : {},
  };
}

/** Epoch milliseconds of a log timestamp read as local time; NaN when it does not match. */
export function parseLogTime(ts: string): number {
  const m = TS.exec(ts);
  if (!m) return NaN;
  // Built field by field: Date.parse of a zone-less string with 6 fraction digits is
  // implementation-defined.
  const whole = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]).getTime();
  return whole + (m[7] ? Number(m[7]) * 1000 : 0);
}

/**
 * The resource sample in a `resource-metrics` entry; null for other kinds, a bad `ts`, or when
 * memory, load or scheduler-thread figures are missing (a `log_resource_usage_mode` without bits
 * 1, 16 and 256).
 */
export function readResourceSample(entry: LogEntry): ResourceSample | null {
  if (entry.k !== "resource-metrics") return null;
  const v = entry.v;
  const memory = record(v.memory);
  const load = record(v.load);
  const threads = record(v["scheduler-thread-count"]);
  const counts = record(threads.scheduler_thread_count);
  const cpu = record(v.cpu);
  const tracked = record(record(v["mem-trackers"]).memory_tracked_current_usage_mb);
  const figures = {
    memoryMb: num(memory.process_physical_memory_mb),
    overallLoad: num(load.overall_load),
    schedulerLoad: num(load.scheduler_load),
    memoryLoad: num(load.memory_load),
    activeThreads: num(counts.active),
    inactiveThreads: num(counts.inactive),
    waitingJobs: num(threads.scheduler_waiting_jobs_count),
  };
  const atMs = parseLogTime(entry.ts);
  if (Number.isNaN(atMs) || !allNumbers(figures)) return null;
  return {
    atMs,
    ...figures,
    fileMappingsMb: num(memory.process_file_mappings_mb),
    trackedMemoryMb: num(tracked.global),
    // Fractions of all cores on Linux (0.5 = one core busy on a 2-core machine); `{}` on macOS,
    // which must read as unknown rather than idle.
    processCpuPercent: percent(cpu.process_cpu_utilization),
    systemCpuPercent: percent(cpu.system_cpu_utilization),
  };
}

/** The failure in a `query-end-user-error` or `query-end-system-error` entry; null otherwise. */
export function readServerError(entry: LogEntry): ServerError | null {
  const kind = ERROR_KINDS[entry.k];
  if (!kind) return null;
  const code = entry.v["error-code"];
  const message = entry.v["error-message"];
  return {
    atMs: parseLogTime(entry.ts),
    kind,
    code: typeof code === "string" ? code : "",
    message: typeof message === "string" ? message : "",
  };
}

/**
 * The fatal entry (`finalize-version-failed`, `unhandled-exception`, `server-termination`,
 * `deadly-signal-received`) or `memory-limit-exceeded` warning in `entry`; null for other kinds.
 */
export function readFatalEntry(entry: LogEntry): FatalEntry | null {
  const kind = FATAL_KINDS.find((k) => k === entry.k);
  if (!kind) return null;
  const v = entry.v;
  const exception = record(v.exception);
  const code = str(exception.code);
  let message: string;
  switch (kind) {
    case "finalize-version-failed":
      message = str(exception.message) || str(v.msg);
      break;
    case "unhandled-exception":
      message = str(exception.message);
      break;
    case "server-termination":
      message = str(v.detail) || str(v.reason);
      break;
    case "deadly-signal-received":
      message = str(v["signal-name"]);
      break;
    case "memory-limit-exceeded": {
      const limit = num(v.limit);
      const size = num(v["allocation-size"]);
      message = `The \`${str(v["limit-name"]) || "memory"}\` limit` +
        (limit === null ? "" : ` of ${limit} bytes`) + " was exceeded" +
        (size === null ? "" : ` by an allocation of ${size} bytes`) + ".";
      break;
    }
  }
  return {
    atMs: parseLogTime(entry.ts),
    pid: entry.pid,
    kind,
    fatal: kind !== "memory-limit-exceeded",
    code,
    message,
  };
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function allNumbers<T extends Record<string, number | null>>(
  figures: T,
): figures is T & { [K in keyof T]: number } {
  return Object.values(figures).every((n) => n !== null);
}

function percent(value: unknown): number | null {
  const fraction = num(value);
  return fraction === null ? null : fraction * 100;
}
