/**
 * Once a second while users run: measures the databases on disk, turns writes into reads when
 * the disk budget is spent (the run goes on: a spent budget stops it only when asked), stops the
 * run when backpressure is held too long, and shows the run to whoever watches (the progress line).
 */
import type { Monitor } from "../hyperd/monitor.ts";
import type { RunStats } from "../stats/run_stats.ts";
import type { SharedFlags } from "../users/shared_flags.ts";
import { type ClientCpu, processCpuSec } from "./client_cpu.ts";
import { databaseBytes } from "./disk_usage.ts";
import type { LoadView } from "./load_driver.ts";
import { StallWatchdog } from "./stall_watchdog.ts";
import type { RunClock } from "./run_clock.ts";
import type { StopControl } from "./stop_control.ts";

const WATCH_MS = 1000;

/** What the run looks like right now, for progress output. */
export interface LiveView {
  elapsedSec: number;
  stats: RunStats;
  monitor: Monitor;
  diskBytes: number;
  flags: SharedFlags;
  hyperdPid: number;
  /** Seconds users have run without an operation completing. */
  quietSec: number;
  /** hyperstress's own CPU over the last second, in percent of all cores. */
  clientCpuPercent: number;
  /** True while the client has been above 85% of the cores for 5 s or more. */
  clientSaturated: boolean;
  /** The load's model, target and queue; null before the users start. */
  load: LoadView | null;
}

/** One look of the watch: the run's databases on disk and hyperstress's own CPU. */
export interface WatchPoint {
  atSec: number;
  diskMb: number;
  /** Share of all cores over the last second. */
  clientCpuPercent: number;
  clientSaturated: boolean;
  /** The disk budget was spent: inserts ran as reads. Absent in older summaries. */
  readOnly?: boolean;
}

/** What the watch looks at and the limits it enforces. */
export interface ResourceWatchOptions {
  outputDir: string;
  maxDiskMb: number;
  maxBackpressureSec: number;
  /** Stop with ResourceLimit when the disk budget stays spent for maxBackpressureSec. */
  stopOnDiskBudget: boolean;
  stallSec: number;
  clock: RunClock;
  /** Readings of hyperstress's own CPU, started with the clock. */
  clientCpu: ClientCpu;
  control: StopControl;
  flags: SharedFlags;
  monitor: Monitor;
  stats: RunStats;
  hyperdPid: number;
  /** The users' load, once they run. */
  load?: () => LoadView | null;
  /** Called about once a second with the run's live view. */
  onSecond?: (view: LiveView) => void;
}

/** The once-a-second watch over disk use and held backpressure. */
export class ResourceWatch {
  readonly #options: ResourceWatchOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #diskBytes = 0;
  #readOnlySince: number | null = null;
  readonly #watchdog: StallWatchdog;
  #quietSec = 0;
  readonly #points: WatchPoint[] = [];

  constructor(options: ResourceWatchOptions) {
    this.#options = options;
    this.#watchdog = new StallWatchdog(options.stallSec);
  }

  /** Starts looking once a second; the clock must have started. */
  start(): void {
    this.#timer ??= setInterval(() => this.#look(), WATCH_MS);
  }

  /** Every look so far, in time order: about one a second, for the report's charts. */
  points(): WatchPoint[] {
    return [...this.#points];
  }

  /** Stops looking and reads the client's CPU a last time. */
  stop(): void {
    clearInterval(this.#timer);
    this.#options.clientCpu.sample(this.#options.clock.elapsedSec(), processCpuSec());
  }

  async #look(): Promise<void> {
    const o = this.#options;
    this.#diskBytes = await databaseBytes(o.outputDir).catch(() => this.#diskBytes);
    const elapsedSec = o.clock.elapsedSec();
    o.flags.diskFull = this.#diskBytes > o.maxDiskMb * 1024 * 1024;
    this.#readOnlySince = o.flags.diskFull ? this.#readOnlySince ?? elapsedSec : null;
    const clientCpuPercent = o.clientCpu.sample(elapsedSec, processCpuSec());
    const load = o.load?.() ?? null;
    // Nothing meant to run (no arrival, no user let in by the ramp) is no stall.
    // A checkpoint's pause is on purpose too.
    const paused = o.flags.backpressure || o.flags.verifyPause ||
      (load?.idle(elapsedSec) ?? false);
    this.#quietSec = this.#watchdog.update(elapsedSec, o.stats.lastCompletionSec, paused);
    const held = o.monitor.backpressureHeldSec();
    if (this.#watchdog.stalled(this.#quietSec)) {
      o.control.stop("Stalled", `no operation completed for ${Math.round(this.#quietSec)} s`);
    } else if (held > o.maxBackpressureSec) {
      o.control.stop("ResourceLimit", `backpressure held for ${Math.round(held)} s`);
    } else if (
      o.stopOnDiskBudget && this.#readOnlySince !== null &&
      elapsedSec - this.#readOnlySince > o.maxBackpressureSec
    ) {
      const spent = `disk budget of ${o.maxDiskMb} MB spent`;
      o.control.stop("ResourceLimit", `${spent} for over ${o.maxBackpressureSec} s`);
    }
    const tenths = (value: number) => Math.round(value * 10) / 10;
    this.#points.push({
      atSec: Math.round(elapsedSec * 1000) / 1000,
      diskMb: tenths(this.#diskBytes / (1024 * 1024)),
      clientCpuPercent: tenths(clientCpuPercent),
      clientSaturated: o.clientCpu.saturatedNow,
      readOnly: o.flags.diskFull,
    });
    o.onSecond?.({
      elapsedSec,
      stats: o.stats,
      monitor: o.monitor,
      diskBytes: this.#diskBytes,
      flags: o.flags,
      hyperdPid: o.hyperdPid,
      quietSec: this.#quietSec,
      clientCpuPercent,
      clientSaturated: o.clientCpu.saturatedNow,
      load,
    });
  }
}
