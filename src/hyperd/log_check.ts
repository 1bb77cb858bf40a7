/**
 * Whether a hyperd's resource log can steer backpressure: a sample comes while hyperd is idle,
 * and it carries CPU and tracked memory. hyperd's defaults (log_resource_usage_always=0, mode
 * 1875) give neither an idle sample nor a CPU figure. Pure: no I/O.
 */
import type { LogEntry, ResourceSample } from "./log_entries.ts";

/** The hyperd settings that make its resource log fit for backpressure. */
export const LOGGING_FIX = "--log_resource_usage_always=1 --log_resource_usage_mode=2047";

/** `log_resource_usage_mode` bits the gate needs: memory trackers (2) and CPU (32). */
export const MODE_TRACKED_MEMORY = 2;
/** See MODE_TRACKED_MEMORY. */
export const MODE_CPU = 32;

/** hyperd's resource-log settings as its `startup-settings` entry lists them. */
export interface ResourceLogSettings {
  /** `log_resource_usage_always`: log a sample even while idle. */
  always: boolean | null;
  /** `log_resource_usage_interval` in seconds. */
  intervalSec: number | null;
  /** `log_resource_usage_mode` bit mask. */
  mode: number | null;
}

/** What the start-up check found in the log. */
export interface LoggingFacts {
  /** From the newest `startup-settings` entry; null when the log holds none. */
  settings: ResourceLogSettings | null;
  /** The first sample logged while the check waited; null when none came. */
  sample: ResourceSample | null;
  /** How long the check waited for a sample, in seconds (0 when it did not wait). */
  waitedSec: number;
}

/** The resource-log settings of a `startup-settings` entry; null for other kinds. */
export function readLogSettings(entry: LogEntry): ResourceLogSettings | null {
  if (entry.k !== "startup-settings") return null;
  const v = entry.v;
  const always = v.log_resource_usage_always;
  const mode = Number(v.log_resource_usage_mode);
  const interval = v.log_resource_usage_interval;
  return {
    always: typeof always === "boolean" ? always : null,
    intervalSec: typeof interval === "string" ? durationSec(interval) : null,
    mode: Number.isInteger(mode) ? mode : null,
  };
}

/** Seconds of a hyperd duration setting (`1s`, `500ms`, `2min`, `1h`); null when unreadable. */
export function durationSec(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(us|ms|s|min|m|h)?$/.exec(text.trim());
  if (!m) return null;
  const scale: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, min: 60, m: 60, h: 3600 };
  const sec = Number(m[1]) * scale[m[2] ?? "s"];
  return sec > 0 ? sec : null;
}

/** What keeps the log from steering backpressure, in words; empty when nothing does. */
export function loggingProblems(facts: LoggingFacts): string[] {
  const { settings, sample } = facts;
  const problems: string[] = [];
  if (settings?.always === false) {
    problems.push("it logs no resource sample while idle (log_resource_usage_always=0)");
  } else if (!sample) {
    problems.push(`no resource sample came within ${formatSec(facts.waitedSec)}`);
  }
  const mode = settings?.mode ?? null;
  const noCpu = sample ? sample.processCpuPercent === null : mode !== null && !(mode & MODE_CPU);
  const noTracked = sample
    ? sample.trackedMemoryMb === null
    : mode !== null && !(mode & MODE_TRACKED_MEMORY);
  const missing = [noCpu ? "CPU" : "", noTracked ? "tracked memory" : ""].filter(Boolean);
  if (missing.length > 0) {
    const modeText = mode === null ? "" : ` (log_resource_usage_mode=${mode})`;
    problems.push(`its samples have no ${missing.join(" and no ")}${modeText}`);
  }
  return problems;
}

/** True when the gate will have no CPU figure to compare: overall load stands in. */
export function loadOnly(facts: LoggingFacts): boolean {
  if (facts.sample) return facts.sample.processCpuPercent === null;
  const mode = facts.settings?.mode ?? null;
  return mode !== null && !(mode & MODE_CPU);
}

/** The one start line about the problems, naming the settings that fix them; null for none. */
export function loggingWarning(problems: string[]): string | null {
  if (problems.length === 0) return null;
  return `hyperd's resource log cannot steer backpressure well: ${problems.join("; ")}; ` +
    `start hyperd with ${LOGGING_FIX}`;
}

function formatSec(sec: number): string {
  return `${Math.round(sec * 10) / 10} s`;
}
