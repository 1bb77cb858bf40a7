/**
 * `--verify-every SECONDS`: checkpoints during a run. Users hold at a barrier before their next
 * operation, the operations in flight end, every worker reports what its users were acknowledged,
 * the tables are checked by content as at the end, and users resume. The pause is in no latency
 * (users hold before their clock starts) and in no rate (the summary takes it out of the measured
 * seconds); the report marks it on the timeline.
 */
import type { Endpoint } from "../wire/connection.ts";
import type { RunStats } from "../stats/run_stats.ts";
import type { SharedFlags } from "../users/shared_flags.ts";
import {
  checkIntegrity,
  type Checkpoint,
  type DatabaseToCheck,
  type Integrity,
  tablesToCheck,
} from "./integrity.ts";
import type { RunClock } from "./run_clock.ts";
import type { ModelThread } from "./model_thread.ts";

/** What checkpoints need from the run. */
export interface CheckpointOptions {
  everySec: number;
  flags: SharedFlags;
  stats: RunStats;
  clock: RunClock;
  endpoint: Endpoint;
  databases: readonly DatabaseToCheck[];
  /** How long users may take to end their operations before the checkpoint gives up. */
  drainSec: number;
  /** The model, which keeps each table's fingerprint: the next check adds only new writes. */
  model: ModelThread;
}

const POLL_MS = 10;
/** Why a checkpoint the end of the run cut short checked nothing. */
export const STOPPED = "cut short: the run stopped";
/** Workers tick every second; one more from each is waited for this long at most. */
const TICK_WAIT_MS = 5_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a checkpoint every `everySec` until stopped. */
export class Checkpoints {
  readonly #options: CheckpointOptions;
  readonly #done: Checkpoint[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #running: Promise<void> = Promise.resolve();

  constructor(options: CheckpointOptions) {
    this.#options = options;
  }

  /** Schedules the first checkpoint. */
  start(): void {
    this.#schedule();
  }

  /** No further checkpoint; resolves once one under way has ended (users resumed). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** The checkpoints so far. */
  get all(): readonly Checkpoint[] {
    return this.#done;
  }

  /** Seconds users spent paused. */
  get pausedSec(): number {
    return this.#done.reduce((sum, c) => sum + c.pauseSec, 0);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#checkpoint().finally(() => this.#schedule());
    }, this.#options.everySec * 1000);
  }

  async #checkpoint(): Promise<void> {
    const o = this.#options;
    const atSec = o.clock.elapsedSec();
    o.flags.verifyPause = true;
    let skipped: string | null = null;
    let integrity: Integrity | null = null;
    try {
      skipped = await this.#drain();
      if (skipped === null && !this.#stopped && !o.flags.stopped) {
        const tables = tablesToCheck(o.databases, o.stats.writes, o.stats.inDoubt);
        integrity = await checkIntegrity(o.endpoint, tables, o.model);
      }
    } catch (error) {
      skipped = `the check failed: ${(error as Error).message}`;
    } finally {
      o.flags.verifyPause = false;
    }
    this.#done.push({
      atSec: Math.round(atSec * 1000) / 1000,
      pauseSec: Math.round((o.clock.elapsedSec() - atSec) * 1000) / 1000,
      skipped: integrity ? null : skipped ?? STOPPED,
      mismatches: integrity?.mismatches ?? 0,
      findings: integrity?.findings ?? [],
    });
  }

  /**
   * Waits for the operations in flight to end, then for a tick from every worker sent after that
   * (it carries what their users were acknowledged). Returns why not, or null.
   */
  async #drain(): Promise<string | null> {
    const o = this.#options;
    const deadline = performance.now() + o.drainSec * 1000;
    while (o.flags.inFlight > 0) {
      if (o.flags.stopped) return STOPPED;
      if (performance.now() > deadline) {
        return `${o.flags.inFlight} operation(s) did not end within ${o.drainSec} s`;
      }
      await sleep(POLL_MS);
    }
    const before = o.stats.tickCounts();
    const tickDeadline = performance.now() + TICK_WAIT_MS;
    while (true) {
      const now = o.stats.tickCounts();
      // Two more: one may have been on its way (sent before the last operation ended) when the
      // counts were read; the second was sent after.
      if ([...before].every(([worker, n]) => (now.get(worker) ?? 0) >= n + 2)) return null;
      if (o.flags.stopped) return STOPPED;
      if (performance.now() > tickDeadline) return "a worker sent no report within 5 s";
      await sleep(POLL_MS);
    }
  }
}
