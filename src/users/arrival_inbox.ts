/** Open model, in a worker: one user's "go" messages, taken one at a time as the user frees. */

/** How often a waiting user looks at the stop flag, in ms. */
const STOP_POLL_MS = 50;

/** The arrivals sent to one user and not yet taken, oldest first. */
export class ArrivalInbox {
  readonly #due: number[] = [];
  #wake: (() => void) | null = null;

  /** Hands the user an arrival due at `arrivalMs` (ms from the run's start). */
  push(arrivalMs: number): void {
    this.#due.push(arrivalMs);
    this.#wake?.();
  }

  /** The next arrival's due time, as soon as there is one; null once `stopped()` says so. */
  async take(stopped: () => boolean): Promise<number | null> {
    while (!stopped()) {
      const next = this.#due.shift();
      if (next !== undefined) return next;
      // Woken at once by a push; the timeout only looks at the stop flag now and then.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#wake = null;
          resolve();
        }, STOP_POLL_MS);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = null;
          resolve();
        };
      });
    }
    return null;
  }
}
