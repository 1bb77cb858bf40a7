/**
 * Watches hyperd from the inside: tails its log, reads each resource sample, sets the shared
 * backpressure flag through the hysteresis gate, lets it go when samples stop coming (and says it
 * is blind), and counts errors and fatal entries the server logged.
 */
import type { Clock } from "../time.ts";
import {
  BackpressureGate,
  type BackpressureStats,
  type CpuSignal,
  type MemorySignal,
  staleAfterMs,
} from "./backpressure.ts";
import {
  type LogEntry,
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
  /**
   * Times the gate engaged, and the wall time users were held at it (measured by the users, so a
   * pause without samples counts as the time it lasted).
   */
  backpressure: { events: number; seconds: number };
  /** Whether the monitor could see: samples' age, blind spells and what stood for CPU. */
  sight: MonitorSight;
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

/** How well the monitor saw hyperd over the run. */
export interface MonitorSight {
  /** A sample older than this is stale: the gate lets go and the monitor counts itself blind. */
  staleAfterSec: number;
  /** Seconds without a sample younger than `staleAfterSec`, while users ran. */
  blindSec: number;
  /** Spells of blindness, and the longest (seconds from going stale to the next sample). */
  blindSpells: number;
  longestBlindSec: number;
  /** Times the gate let users go because its samples had gone stale. */
  staleReleases: number;
  /** `load`: hyperd logged no CPU figure, and overall load stood in for it; null: no sample. */
  cpuSignal: CpuSignal | null;
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
  /** Told once, at the first sample without a CPU figure: overall load stands in for CPU. */
  onLoadOnly?: () => void;
  maxMemoryMb: number;
  maxCpuPercent: number;
  /** hyperd's `memory_limit` in MB, only reported; null or absent where unknown. */
  memoryLimitMb?: number | null;
  /** Seconds since the run started. */
  elapsedSec: () => number;
  /** Logical cores of hyperd's machine, to tell warnings expected there; null where unknown. */
  cores?: number | null;
  /** Seconds users have been held at the gate so far (the users' own clock of it). */
  heldSec: () => number;
  /** How often hyperd logs a resource sample; the stale bound is a few of these. Default 5. */
  logIntervalSec?: number;
  /** Milliseconds now, on a steady clock; default `performance.now()`. Tests pass fake time. */
  now?: () => number;
  /** The wall clock the log's own times are compared with; `Date.now` by default. */
  wallClock?: Clock;
}

/** How often the monitor looks at its newest sample's age, in ms. */
const AGE_CHECK_MS = 250;

/** The run's view of hyperd's resource log. */
export class Monitor {
  readonly #options: MonitorOptions;
  readonly #gate: BackpressureGate;
  readonly #tail: LogTail | null;
  readonly #timeline: ResourcePoint[] = [];
  readonly #serverErrors = { user: 0, system: 0, fatal: 0, memoryLimitExceeded: 0 };
  readonly #warnings: WarningTally;
  readonly #now: () => number;
  readonly #wallClock: Clock;
  readonly #staleMs: number;
  #latest: ResourceSample | null = null;
  /** When (on the monitor's clock) the gate engaged; null while it is released. */
  #engagedSinceMs: number | null = null;
  #started = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** When following started and, once it has, when it stopped (the monitor's clock). */
  #startedAtMs: number | null = null;
  #closedAtMs: number | null = null;
  /** When the current blind spell began (the newest sample went stale); null while it sees. */
  #blindSinceMs: number | null = null;
  #blindMs = 0;
  #blindSpells = 0;
  #longestBlindMs = 0;

  constructor(options: MonitorOptions) {
    this.#options = options;
    this.#warnings = new WarningTally(options.cores ?? null);
    this.#now = options.now ?? (() => performance.now());
    this.#wallClock = options.wallClock ?? Date.now;
    this.#staleMs = staleAfterMs(options.logIntervalSec ?? 5);
    this.#gate = new BackpressureGate({
      maxMemoryMb: options.maxMemoryMb,
      maxCpuPercent: options.maxCpuPercent,
      staleMs: this.#staleMs,
      now: this.#now,
    });
    this.#tail = options.log &&
      new LogTail(options.log.file, (entry) => this.read(entry), {
        startAtEnd: options.log.startAtEnd,
      });
  }

  /** Starts following the log, and looking at its newest sample's age a few times a second. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#startedAtMs = this.#now();
    this.#tail?.start();
    if (this.#tail) this.#timer = setInterval(() => this.tick(), AGE_CHECK_MS);
  }

  /** Takes one entry of hyperd's log (the tail hands each one here). */
  read(entry: LogEntry): void {
    const sample = readResourceSample(entry);
    if (sample) this.#onSample(sample);
    const error = readServerError(entry);
    if (error) this.#serverErrors[error.kind]++;
    const fatal = readFatalEntry(entry);
    if (fatal) this.#serverErrors[fatal.fatal ? "fatal" : "memoryLimitExceeded"]++;
    const warning = readWarning(entry);
    if (warning) {
      // The log's own time, not when it was read: the tail may read a burst late.
      const atSec = runSecondOf(warning.atMs, this.#wallClock(), this.#options.elapsedSec());
      this.#warnings.add(warning, atSec);
    }
  }

  /**
   * Looks at the newest sample's age: a stale one releases the gate (users go on) and starts a
   * blind spell. The monitor's own timer calls it; tests with fake time call it themselves.
   */
  tick(): void {
    if (!this.#started || !this.#tail) return;
    const now = this.#now();
    // Engaged on a fresh sample: nothing to do.
    if (this.#gate.engaged && this.#gate.expire()) return;
    if (this.#engagedSinceMs !== null) {
      this.#engagedSinceMs = null;
      this.#options.onBackpressure(false);
    }
    const staleAt = this.#staleAt(now);
    if (this.#blindSinceMs === null && now > staleAt) {
      this.#blindSinceMs = staleAt;
      this.#blindSpells++;
    }
  }

  /** Seconds without a fresh sample, once that is longer than the stale bound; else 0. */
  blindForSec(): number {
    if (this.#blindSinceMs === null) return 0;
    const age = this.#gate.sampleAgeMs() ?? this.#now() - (this.#startedAtMs ?? this.#now());
    return age / 1000;
  }

  /** The bound after which a sample is stale, in seconds. */
  get staleAfterSec(): number {
    return this.#staleMs / 1000;
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
    return this.#engagedSinceMs === null ? 0 : (this.#now() - this.#engagedSinceMs) / 1000;
  }

  /** Peaks, backpressure totals, sight, server errors and the sample timeline. */
  report(): ResourceReport {
    const stats = this.#gate.stats();
    const tenths = (ms: number) => Math.round(ms / 100) / 10;
    const openSpellMs = this.#blindSinceMs === null
      ? 0
      : Math.max(0, (this.#closedAtMs ?? this.#now()) - this.#blindSinceMs);
    return {
      peak: stats.peak,
      memory: { signal: stats.memorySignal, limitMb: this.#options.memoryLimitMb ?? null },
      backpressure: {
        events: stats.events,
        seconds: Math.round(this.#options.heldSec() * 10) / 10,
      },
      sight: {
        staleAfterSec: this.#staleMs / 1000,
        blindSec: tenths(this.#blindMs + openSpellMs),
        blindSpells: this.#blindSpells,
        longestBlindSec: tenths(Math.max(this.#longestBlindMs, openSpellMs)),
        staleReleases: stats.staleReleases,
        cpuSignal: stats.cpuSignal,
      },
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
    clearInterval(this.#timer);
    await this.#tail?.close();
    // Blindness counts while users run, not after the run.
    this.tick();
    this.#started = false;
    this.#closedAtMs = this.#now();
    this.#engagedSinceMs = null;
    this.#options.onBackpressure(false);
  }

  /** When the newest sample goes (or went) stale; before any, the stale bound after the start. */
  #staleAt(now: number): number {
    const age = this.#gate.sampleAgeMs();
    return (age === null ? this.#startedAtMs ?? now : now - age) + this.#staleMs;
  }

  #onSample(sample: ResourceSample): void {
    if (sample.processCpuPercent === null && this.#gate.stats().cpuSignal !== "load") {
      this.#options.onLoadOnly?.();
    }
    this.#latest = sample;
    const engaged = this.#gate.update(sample);
    const now = this.#now();
    if (this.#blindSinceMs !== null) {
      const spell = Math.max(0, now - this.#blindSinceMs);
      this.#blindMs += spell;
      this.#longestBlindMs = Math.max(this.#longestBlindMs, spell);
      this.#blindSinceMs = null;
    }
    // The log's own time, not when it was read: a burst read late keeps its spacing.
    const elapsedSec = this.#options.elapsedSec();
    const nowMs = this.#wallClock();
    const atSec = runSecondOf(sample.atMs, nowMs, elapsedSec);
    if (engaged && this.#engagedSinceMs === null) this.#engagedSinceMs = now;
    if (!engaged) this.#engagedSinceMs = null;
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
