/** The run's clock: it starts once the databases are ready, so set-up time is not run time. */

import { type Clock, nowMs } from "../time.ts";

/** When the run started and how long it has been going. */
export class RunClock {
  readonly #now: Clock;
  #startedAt: Date;
  #startMs: number;

  /** A clock started now, on `now` (`nowMs` by default). */
  constructor(now: Clock = nowMs) {
    this.#now = now;
    this.#startMs = now();
    this.#startedAt = new Date(this.#startMs);
  }

  /** Starts (or restarts) the clock now. */
  start(): void {
    this.#startMs = this.#now();
    this.#startedAt = new Date(this.#startMs);
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
    return (this.#now() - this.#startMs) / 1000;
  }
}
