/**
 * The stall watchdog's clock: how long users have run without a single operation completing.
 * Pure: time comes in as run seconds. Paused time (backpressure, no users yet) never counts.
 */

/** Counts seconds without progress and says when they reach the limit. */
export class StallWatchdog {
  readonly #limitSec: number;
  #quietSinceSec: number | null = null;

  /** A watchdog that calls `limitSec` seconds without progress a stall. */
  constructor(limitSec: number) {
    this.#limitSec = limitSec;
  }

  /**
   * Looks at the run at `nowSec`: `lastCompletionSec` is when an operation last completed, and
   * `paused` is true while users are held back on purpose. Returns the seconds without progress.
   */
  update(nowSec: number, lastCompletionSec: number, paused: boolean): number {
    if (paused) {
      this.#quietSinceSec = null;
      return 0;
    }
    this.#quietSinceSec = Math.max(this.#quietSinceSec ?? nowSec, lastCompletionSec);
    return nowSec - this.#quietSinceSec;
  }

  /** True once `quietSec` (from `update`) reaches the limit. */
  stalled(quietSec: number): boolean {
    return quietSec >= this.#limitSec;
  }
}
