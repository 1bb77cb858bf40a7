/**
 * Wall time during which at least one user was held (by the backpressure gate, or in the
 * read-only phase), measured from the users' side: each user says when it starts and stops being
 * held, from whichever thread it runs in. Overlapping holds count once: nine users held together
 * for 10 s are 10 s, not 90. Time comes in as an argument, so tests use fake time.
 */

/** Int32 cells one clock uses: a lock and the number of users held now. */
export const HELD_CLOCK_INT_CELLS = 2;
/** BigInt64 cells one clock uses: microseconds held before the current hold, and its start. */
export const HELD_CLOCK_BIG_CELLS = 2;

const LOCK = 0;
const HOLDERS = 1;
const TOTAL_US = 0;
const SINCE_US = 1;

/**
 * A union-of-holds clock over shared memory. The two updates a hold makes (holders and the
 * running total) must change together, so they are taken under a spin lock: holds start and end
 * a few times a second at most, and the lock is held for a handful of instructions.
 */
export class HeldClock {
  readonly #ints: Int32Array;
  readonly #bigs: BigInt64Array;
  readonly #int: number;
  readonly #big: number;

  /** A clock on `ints[intAt..intAt+2)` and `bigs[bigAt..bigAt+2)` of a shared buffer. */
  constructor(ints: Int32Array, intAt: number, bigs: BigInt64Array, bigAt: number) {
    this.#ints = ints;
    this.#bigs = bigs;
    this.#int = intAt;
    this.#big = bigAt;
  }

  /** One user starts being held at `atMs` (any clock all threads share, in ms). */
  enter(atMs: number): void {
    this.#locked(() => {
      if (Atomics.add(this.#ints, this.#int + HOLDERS, 1) === 0) {
        Atomics.store(this.#bigs, this.#big + SINCE_US, micros(atMs));
      }
    });
  }

  /** One user that entered stops being held at `atMs`. */
  leave(atMs: number): void {
    this.#locked(() => {
      if (Atomics.load(this.#ints, this.#int + HOLDERS) <= 0) return;
      if (Atomics.sub(this.#ints, this.#int + HOLDERS, 1) === 1) {
        const held = micros(atMs) - Atomics.load(this.#bigs, this.#big + SINCE_US);
        if (held > 0n) Atomics.add(this.#bigs, this.#big + TOTAL_US, held);
      }
    });
  }

  /** Users held at this moment. */
  get holders(): number {
    return Math.max(0, Atomics.load(this.#ints, this.#int + HOLDERS));
  }

  /** Seconds with at least one user held, up to `atMs` (a hold still going counts to `atMs`). */
  seconds(atMs: number): number {
    return this.#locked(() => {
      let us = Atomics.load(this.#bigs, this.#big + TOTAL_US);
      if (Atomics.load(this.#ints, this.#int + HOLDERS) > 0) {
        const running = micros(atMs) - Atomics.load(this.#bigs, this.#big + SINCE_US);
        if (running > 0n) us += running;
      }
      return Number(us) / 1e6;
    });
  }

  #locked<T>(body: () => T): T {
    const cell = this.#int + LOCK;
    while (Atomics.compareExchange(this.#ints, cell, 0, 1) !== 0) {
      // Another thread is inside for a few instructions: spin.
    }
    try {
      return body();
    } finally {
      Atomics.store(this.#ints, cell, 0);
    }
  }
}

function micros(ms: number): bigint {
  return BigInt(Math.round(ms * 1000));
}
