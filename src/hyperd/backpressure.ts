/**
 * When users should pause: a hysteresis gate over hyperd's resource samples, so the flag does
 * not flap while a figure hovers at its limit. Pure: no I/O, time from samples or a clock.
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

/** The limits the gate enforces. */
export interface BackpressureLimits {
  /** hyperd memory in MB, compared with the figure `gatedMemory()` picks. */
  maxMemoryMb: number;
  /** hyperd CPU use, in percent of all cores. */
  maxCpuPercent: number;
  /** Milliseconds now; when absent, time is read from the samples' own timestamps. */
  now?: () => number;
}

/** What the gate saw over a run. */
export interface BackpressureStats {
  /** Times the gate engaged. */
  events: number;
  /** Total time engaged, including an engagement still going on. */
  engagedSeconds: number;
  /** The memory figure compared with the limit at the last sample; null before the first. */
  memorySignal: MemorySignal | null;
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
 * Hysteresis gate over resource samples.
 *
 * - Engages when memory (as `gatedMemory()` picks it) > maxMemoryMb, or CPU > maxCpuPercent; where hyperd reports no CPU
 *   (macOS), overall load > 1.0 stands in for CPU.
 * - Releases only when memory < 90% of maxMemoryMb AND CPU < maxCpuPercent - 10 (half the
 *   limit when that is higher, so a limit under 20% can still release); without CPU, overall
 *   load < 0.9.
 * - Between the two thresholds it keeps its state.
 */
export class BackpressureGate {
  readonly #limits: BackpressureLimits;
  readonly #cpuRelease: number;
  #engaged = false;
  #events = 0;
  #engagedMs = 0;
  #lastAt: number | null = null;
  #memorySignal: MemorySignal | null = null;
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
    this.#cpuRelease = Math.max(limits.maxCpuPercent - 10, limits.maxCpuPercent / 2);
  }

  /** Whether users should pause now. */
  get engaged(): boolean {
    return this.#engaged;
  }

  /** Takes one sample and returns whether the gate is engaged after it. */
  update(sample: ResourceSample): boolean {
    const at = this.#limits.now?.() ?? sample.atMs;
    if (this.#engaged && this.#lastAt !== null) {
      // Never negative: log lines are not strictly ordered and `ts` is local time (DST).
      this.#engagedMs += Math.max(0, at - this.#lastAt);
    }
    this.#lastAt = at;
    this.#trackPeaks(sample);
    const memory = gatedMemory(sample);
    this.#memorySignal = memory.signal;
    if (!this.#engaged && this.#over(sample, memory.mb)) {
      this.#engaged = true;
      this.#events++;
    } else if (this.#engaged && this.#under(sample, memory.mb)) {
      this.#engaged = false;
    }
    return this.#engaged;
  }

  /** Engagements, engaged time and peaks so far. */
  stats(): BackpressureStats {
    let ms = this.#engagedMs;
    // Samples only say when the engagement was last seen; a clock can say it is still going.
    if (this.#engaged && this.#limits.now && this.#lastAt !== null) {
      ms += Math.max(0, this.#limits.now() - this.#lastAt);
    }
    return {
      events: this.#events,
      engagedSeconds: ms / 1000,
      memorySignal: this.#memorySignal,
      peak: { ...this.#peak },
    };
  }

  #over(s: ResourceSample, memoryMb: number): boolean {
    if (memoryMb > this.#limits.maxMemoryMb) return true;
    return s.processCpuPercent === null
      ? s.overallLoad > 1.0
      : s.processCpuPercent > this.#limits.maxCpuPercent;
  }

  #under(s: ResourceSample, memoryMb: number): boolean {
    if (memoryMb >= 0.9 * this.#limits.maxMemoryMb) return false;
    return s.processCpuPercent === null
      ? s.overallLoad < 0.9
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
