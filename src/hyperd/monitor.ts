/**
 * Watches hyperd from the inside: tails its log, reads each resource sample, sets the shared
 * backpressure flag through the hysteresis gate, and counts errors and fatal entries the server
 * logged.
 */
import { BackpressureGate, type BackpressureStats, type MemorySignal } from "./backpressure.ts";
import {
  readFatalEntry,
  readResourceSample,
  readServerError,
  type ResourceSample,
} from "./log_entries.ts";
import { LogTail } from "./log_tail.ts";
import {
  loggedBeforeRun,
  readWarning,
  runSecondOf,
  type WarningStats,
  WarningTally,
} from "./warnings.ts";

/** hyperd's own view of the run, from its resource log. */
export interface ResourceReport {
  peak: BackpressureStats["peak"];
  /** Which memory backpressure watched, and the limit hyperd itself enforces. */
  memory: {
    /** The figure compared with STRESS_MAX_MEMORY_MB; null before hyperd's first sample. */
    signal: MemorySignal | null;
    /** hyperd's `memory_limit` in MB (a percentage resolved); null where it is not known. */
    limitMb: number | null;
  };
  backpressure: { events: number; seconds: number };
  /** What hyperd logged as going wrong. */
  serverErrors: {
    /** Failed queries (`query-end-user-error` / `query-end-system-error`). */
    user: number;
    system: number;
    /** Entries hyperd writes as it goes down (`finalize-version-failed`, `server-termination`, ...). */
    fatal: number;
    /** `memory-limit-exceeded` warnings: an allocation crossed a memory limit. */
    memoryLimitExceeded: number;
  };
  /** hyperd's anomaly warnings (hyperd/warnings.ts) by entry kind. */
  serverWarnings: Record<string, WarningStats>;
  /** Resource samples read and log lines that did not parse. */
  samples: number;
  malformedLogLines: number;
  /** One point per resource sample. */
  timeline: ResourcePoint[];
}

/** One resource sample of hyperd. */
export interface ResourcePoint {
  atSec: number;
  /** Physical memory, file mappings included. */
  memoryMb: number;
  fileMappingsMb: number | null;
  trackedMemoryMb: number | null;
  overallLoad: number | null;
  schedulerLoad: number | null;
  processCpuPercent: number | null;
  backpressure: boolean;
}

/** The hyperd.log the monitor follows. */
export interface MonitorLog {
  file: string;
  /** Follow from the end: the log of a server that ran before the run (an attached one). */
  startAtEnd: boolean;
}

/** What the monitor watches and the limits it enforces. */
export interface MonitorOptions {
  /** null: no log to read, so the monitor is off (no samples, no backpressure). */
  log: MonitorLog | null;
  /** Told whether users should pause, after every sample and once more (false) at close. */
  onBackpressure: (engaged: boolean) => void;
  maxMemoryMb: number;
  maxCpuPercent: number;
  /** hyperd's `memory_limit` in MB, only reported; null or absent where unknown. */
  memoryLimitMb?: number | null;
  /** Seconds since the run started. */
  elapsedSec: () => number;
  /** Logical cores of hyperd's machine, to tell warnings expected there; null where unknown. */
  cores?: number | null;
}

/** The run's view of hyperd's resource log. */
export class Monitor {
  readonly #options: MonitorOptions;
  readonly #gate: BackpressureGate;
  readonly #tail: LogTail | null;
  readonly #timeline: ResourcePoint[] = [];
  readonly #serverErrors = { user: 0, system: 0, fatal: 0, memoryLimitExceeded: 0 };
  readonly #warnings: WarningTally;
  #latest: ResourceSample | null = null;
  #engagedSinceSec: number | null = null;
  #started = false;

  constructor(options: MonitorOptions) {
    this.#options = options;
    this.#warnings = new WarningTally(options.cores ?? null);
    this.#gate = new BackpressureGate({
      maxMemoryMb: options.maxMemoryMb,
      maxCpuPercent: options.maxCpuPercent,
    });
    this.#tail = options.log && new LogTail(options.log.file, (entry) => {
      const sample = readResourceSample(entry);
      if (sample) this.#onSample(sample);
      const error = readServerError(entry);
      if (error) this.#serverErrors[error.kind]++;
      const fatal = readFatalEntry(entry);
      if (fatal) this.#serverErrors[fatal.fatal ? "fatal" : "memoryLimitExceeded"]++;
      const warning = readWarning(entry);
      if (warning) {
        // The log's own time, not when it was read: the tail may read a burst late.
        const atSec = runSecondOf(warning.atMs, Date.now(), this.#options.elapsedSec());
        this.#warnings.add(warning, atSec);
      }
    }, { startAtEnd: options.log.startAtEnd });
  }

  /** Starts following the log. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#tail?.start();
  }

  /** False when there is no log to read (an attached hyperd without --hyperd-log). */
  get watching(): boolean {
    return this.#tail !== null;
  }

  /** The newest resource sample, or null before the first. */
  latest(): ResourceSample | null {
    return this.#latest;
  }

  /** hyperd's anomaly warnings so far, of every kind. */
  warningCount(): number {
    return this.#warnings.total;
  }

  /** hyperd's warnings so far that point at trouble on its machine (not those expected there). */
  troubleCount(): number {
    return this.#warnings.trouble;
  }

  /** Seconds the backpressure flag has been set without a break; 0 while it is clear. */
  backpressureHeldSec(): number {
    return this.#engagedSinceSec === null ? 0 : this.#options.elapsedSec() - this.#engagedSinceSec;
  }

  /** Peaks, backpressure totals, server errors and the sample timeline. */
  report(): ResourceReport {
    const stats = this.#gate.stats();
    return {
      peak: stats.peak,
      memory: { signal: stats.memorySignal, limitMb: this.#options.memoryLimitMb ?? null },
      backpressure: { events: stats.events, seconds: Math.round(stats.engagedSeconds * 10) / 10 },
      serverErrors: { ...this.#serverErrors },
      serverWarnings: this.#warnings.report(),
      samples: this.#timeline.length,
      malformedLogLines: this.#tail?.malformedLines ?? 0,
      timeline: [...this.#timeline],
    };
  }

  /** Reads what is left of the log and stops following it. */
  async close(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#tail?.close();
    this.#options.onBackpressure(false);
  }

  #onSample(sample: ResourceSample): void {
    this.#latest = sample;
    const engaged = this.#gate.update(sample);
    // The log's own time, not when it was read: a burst read late keeps its spacing.
    const elapsedSec = this.#options.elapsedSec();
    const nowMs = Date.now();
    const atSec = runSecondOf(sample.atMs, nowMs, elapsedSec);
    if (engaged && this.#engagedSinceSec === null) this.#engagedSinceSec = atSec;
    if (!engaged) this.#engagedSinceSec = null;
    this.#options.onBackpressure(engaged);
    // A sample of the set-up steers the gate; the timeline is the run's.
    if (loggedBeforeRun(sample.atMs, nowMs, elapsedSec)) return;
    this.#timeline.push({
      atSec,
      memoryMb: sample.memoryMb,
      fileMappingsMb: sample.fileMappingsMb,
      trackedMemoryMb: sample.trackedMemoryMb,
      overallLoad: sample.overallLoad,
      schedulerLoad: sample.schedulerLoad,
      processCpuPercent: sample.processCpuPercent,
      backpressure: engaged,
    });
  }
}
