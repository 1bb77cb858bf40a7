/** The run's clock: it starts once the databases are ready, so set-up time is not run time. */

import { nowMs } from "../time.ts";

/** When the run started and how long it has been going. */
export class RunClock {
  #startedAt = new Date();
  #startMs = nowMs();

  /** Starts (or restarts) the clock now. */
  start(): void {
    this.#startedAt = new Date();
    this.#startMs = nowMs();
  }

  /** Wall-clock time of the start. */
  get startedAt(): Date {
    return this.#startedAt;
  }

  /** `nowMs()` at the start, for workers to measure `atSec` against. */
  get startMs(): number {
    return this.#startMs;
  }

  /** Seconds since the start. */
  elapsedSec(): number {
    return (nowMs() - this.#startMs) / 1000;
  }
}
