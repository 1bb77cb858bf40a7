/**
 * When users should pause: a hysteresis gate over hyperd's resource samples, so the flag does
 * not flap while a figure hovers at its limit, and that lets go when samples stop coming. Pure:
 * no I/O, time from a clock it is given.
 */
import type { ResourceSample } from "./log_entries.ts";

/**
 * Which of hyperd's memory figures backpressure compares with its limit: `tracked` is what
 * hyperd's `memory_limit` governs; the others stand in where hyperd does not log it. Physical
 * memory counts the mapped `.hyper` files, which grow with the data and never shrink on a pause.
 */
export type MemorySignal = "tracked" | "physical-minus-mappings" | "physical";

/** What each memory signal is, in words for people. */
export const MEMORY_SIGNAL_TEXT: Record<MemorySignal, string> = {
  tracked: "tracked memory, which hyperd's memory_limit governs",
  "physical-minus-mappings": "physical memory minus file mappings (hyperd logs no tracked memory)",
  physical: "physical memory (hyperd logs neither tracked memory nor file mappings)",
};

/** The memory figures of a sample that the signal is chosen from. */
export type MemoryFigures = Pick<ResourceSample, "memoryMb" | "fileMappingsMb" | "trackedMemoryMb">;

/** The memory figure backpressure watches in `figures`, and which one it is. */
export function gatedMemory(figures: MemoryFigures): { signal: MemorySignal; mb: number } {
  if (figures.trackedMemoryMb !== null) {
    return { signal: "tracked", mb: figures.trackedMemoryMb };
  }
  if (figures.fileMappingsMb !== null) {
    return {
      signal: "physical-minus-mappings",
      mb: Math.max(0, figures.memoryMb - figures.fileMappingsMb),
    };
  }
  return { signal: "physical", mb: figures.memoryMb };
}

/**
 * Where hyperd logs no CPU figure (macOS; a `log_resource_usage_mode` without bit 32, as hyperd's
 * default 1875), overall load stands in, but only when it stays above LOAD_ENGAGE for
 * LOAD_HOLD_MS. Measured on a 2-core machine (hyperd 0.0.26359, four concurrent queries): one busy
 * second logs one sample of load 2; a 4-s burst logs 1, 2, 2, 1.5. A single busy second must not
 * pause the run, and a stress run's own load should only when the scheduler stays overrun.
 */
export const LOAD_ENGAGE = 1.5;
/** How long load must stay above LOAD_ENGAGE (by the samples' own times) before users pause. */
export const LOAD_HOLD_MS = 5000;
/** Load under which a load-only gate releases. */
export const LOAD_RELEASE = 0.9;

/** What a load-only gate does, in words for the start line and the summary. */
export const LOAD_ONLY_TEXT = `backpressure on load only (hyperd logs no CPU figure): users ` +
  `pause when hyperd's overall load stays above ${LOAD_ENGAGE} for ${LOAD_HOLD_MS / 1000} s`;

/**
 * A sample is stale after this many of hyperd's log intervals: a gate never acts on one, and
 * an engaged gate releases. Three, so one late sample (a busy writer, a slow poll) is no alarm.
 */
export const STALE_INTERVALS = 3;
/** The stale bound is never shorter than this: the tail reads the log every 200 ms. */
export const MIN_STALE_MS = 2000;

/** The stale bound for hyperd logging every `intervalSec`. */
export function staleAfterMs(intervalSec: number): number {
  return Math.max(MIN_STALE_MS, STALE_INTERVALS * intervalSec * 1000);
}

/** What the gate compares with its CPU limit: hyperd's CPU, or overall load where it has none. */
export type CpuSignal = "cpu" | "load";

/** The limits the gate enforces. */
export interface BackpressureLimits {
  /** hyperd memory in MB, compared with the figure `gatedMemory()` picks. */
  maxMemoryMb: number;
  /** hyperd CPU use, in percent of all cores. */
  maxCpuPercent: number;
  /** A sample older than this (since it was read) is stale; default: never. */
  staleMs?: number;
  /** Milliseconds now, on any steady clock; default `performance.now()`. Tests pass fake time. */
  now?: () => number;
}

/** What the gate saw over a run. */
export interface BackpressureStats {
  /** Times the gate engaged. */
  events: number;
  /** Times an engaged gate let go because samples stopped coming. */
  staleReleases: number;
  /** The memory figure compared with the limit at the last sample; null before the first. */
  memorySignal: MemorySignal | null;
  /** What stood for CPU at the last sample; null before the first. */
  cpuSignal: CpuSignal | null;
  /** Highest figures seen; null before the first sample (CPU stays null where unmeasured). */
  peak: {
    /** Physical memory, file mappings included. */
    memoryMb: number | null;
    fileMappingsMb: number | null;
    trackedMemoryMb: number | null;
    overallLoad: number | null;
    schedulerLoad: number | null;
    processCpuPercent: number | null;
  };
}

/**
 * Hysteresis gate over resource samples that have an age.
 *
 * - Engages when memory (as `gatedMemory()` picks it) > maxMemoryMb, or CPU > maxCpuPercent;
 *   where hyperd reports no CPU, overall load > LOAD_ENGAGE for LOAD_HOLD_MS stands in.
 * - Releases only when memory < 90% of maxMemoryMb AND CPU < maxCpuPercent - 10 (half the
 *   limit when that is higher, so a limit under 20% can still release); without CPU, overall
 *   load < LOAD_RELEASE.
 * - Between the two thresholds it keeps its state.
 * - A sample is stale once `staleMs` has passed since it was read: `expire()` then releases the
 *   gate, which never engages again on that sample. A gate that holds users waits for a sample
 *   that the users' pause itself may stop (hyperd with log_resource_usage_always=0 logs nothing
 *   while idle), so without an age it would hold them for good.
 */
export class BackpressureGate {
  readonly #limits: BackpressureLimits;
  readonly #now: () => number;
  readonly #cpuRelease: number;
  #engaged = false;
  #events = 0;
  #staleReleases = 0;
  /** When (on the gate's clock) the newest sample was read; null before the first. */
  #readAt: number | null = null;
  /** Since when (the log's time) load has been above LOAD_ENGAGE without a break. */
  #loadHighSinceMs: number | null = null;
  #memorySignal: MemorySignal | null = null;
  #cpuSignal: CpuSignal | null = null;
  readonly #peak: BackpressureStats["peak"] = {
    memoryMb: null,
    fileMappingsMb: null,
    trackedMemoryMb: null,
    overallLoad: null,
    schedulerLoad: null,
    processCpuPercent: null,
  };

  constructor(limits: BackpressureLimits) {
    this.#limits = limits;
    this.#now = limits.now ?? (() => performance.now());
    this.#cpuRelease = Math.max(limits.maxCpuPercent - 10, limits.maxCpuPercent / 2);
  }

  /** Whether users should pause now. */
  get engaged(): boolean {
    return this.#engaged;
  }

  /** Milliseconds since the newest sample was read; null before the first. */
  sampleAgeMs(): number | null {
    return this.#readAt === null ? null : Math.max(0, this.#now() - this.#readAt);
  }

  /** True when there is no sample younger than the stale bound. */
  get stale(): boolean {
    const age = this.sampleAgeMs();
    return age === null || age > (this.#limits.staleMs ?? Infinity);
  }

  /** Takes one sample (read now) and returns whether the gate is engaged after it. */
  update(sample: ResourceSample): boolean {
    const wasStale = this.#readAt !== null && this.stale;
    this.#readAt = this.#now();
    this.#trackPeaks(sample);
    this.#trackLoad(sample, wasStale);
    const memory = gatedMemory(sample);
    this.#memorySignal = memory.signal;
    this.#cpuSignal = sample.processCpuPercent === null ? "load" : "cpu";
    if (!this.#engaged && this.#over(sample, memory.mb)) {
      this.#engaged = true;
      this.#events++;
    } else if (this.#engaged && this.#under(sample, memory.mb)) {
      this.#engaged = false;
    }
    return this.#engaged;
  }

  /**
   * Releases the gate when its newest sample has gone stale; returns whether it is engaged
   * after that. Call it often (the monitor does, a few times a second): no sample may come.
   */
  expire(): boolean {
    if (this.#engaged && this.stale) {
      this.#engaged = false;
      this.#staleReleases++;
    }
    return this.#engaged;
  }

  /** Engagements, stale releases, signals and peaks so far. */
  stats(): BackpressureStats {
    return {
      events: this.#events,
      staleReleases: this.#staleReleases,
      memorySignal: this.#memorySignal,
      cpuSignal: this.#cpuSignal,
      peak: { ...this.#peak },
    };
  }

  /** Since when load has been over LOAD_ENGAGE, by the log's time; a gap of blindness restarts it. */
  #trackLoad(s: ResourceSample, afterGap: boolean): void {
    if (s.overallLoad <= LOAD_ENGAGE) this.#loadHighSinceMs = null;
    else if (afterGap || this.#loadHighSinceMs === null) this.#loadHighSinceMs = s.atMs;
  }

  #over(s: ResourceSample, memoryMb: number): boolean {
    if (memoryMb > this.#limits.maxMemoryMb) return true;
    if (s.processCpuPercent !== null) return s.processCpuPercent > this.#limits.maxCpuPercent;
    return this.#loadHighSinceMs !== null && s.atMs - this.#loadHighSinceMs >= LOAD_HOLD_MS;
  }

  #under(s: ResourceSample, memoryMb: number): boolean {
    if (memoryMb >= 0.9 * this.#limits.maxMemoryMb) return false;
    return s.processCpuPercent === null
      ? s.overallLoad < LOAD_RELEASE
      : s.processCpuPercent < this.#cpuRelease;
  }

  #trackPeaks(s: ResourceSample): void {
    const peak = this.#peak;
    peak.memoryMb = higher(peak.memoryMb, s.memoryMb);
    peak.fileMappingsMb = higher(peak.fileMappingsMb, s.fileMappingsMb);
    peak.trackedMemoryMb = higher(peak.trackedMemoryMb, s.trackedMemoryMb);
    peak.overallLoad = higher(peak.overallLoad, s.overallLoad);
    peak.schedulerLoad = higher(peak.schedulerLoad, s.schedulerLoad);
    peak.processCpuPercent = higher(peak.processCpuPercent, s.processCpuPercent);
  }
}

function higher(peak: number | null, value: number | null): number | null {
  if (value === null) return peak;
  return peak === null ? value : Math.max(peak, value);
}
