/**
 * How long an attached server has refused connections: the clock behind ServerUnreachable.
 * Pure: time comes in as run seconds, and each probe's outcome as a boolean.
 */

/** Counts seconds of refused connections and says when they reach the limit. */
export class Reachability {
  readonly #limitSec: number;
  #refusedSinceSec: number | null = null;

  /** A server that refuses connections for `limitSec` seconds is lost. */
  constructor(limitSec: number) {
    this.#limitSec = limitSec;
  }

  /** Records a probe at `nowSec`; returns the seconds the server has refused connections. */
  update(nowSec: number, answered: boolean): number {
    if (answered) {
      this.#refusedSinceSec = null;
      return 0;
    }
    this.#refusedSinceSec ??= nowSec;
    return nowSec - this.#refusedSinceSec;
  }

  /** True once `refusedSec` (from `update`) reaches the limit. */
  lost(refusedSec: number): boolean {
    return refusedSec >= this.#limitSec;
  }
}
