/** Run-wide flags shared between the main thread and the user workers (SharedArrayBuffer). */
import { HELD_CLOCK_BIG_CELLS, HELD_CLOCK_INT_CELLS, HeldClock } from "./held_clock.ts";

const STOP = 0;
const BACKPRESSURE = 1;
const DISK_FULL = 2;
const VERIFY_PAUSE = 3;
const IN_FLIGHT = 4;
/** Int32 cells of the backpressure and read-only clocks, after the flags and the count. */
const HELD_INT_AT = 5;
const INT_CELLS = HELD_INT_AT + 2 * HELD_CLOCK_INT_CELLS;
/** The BigInt64 cells start on an 8-byte boundary after the Int32 ones. */
const BIG_BYTE_AT = Math.ceil(INT_CELLS * Int32Array.BYTES_PER_ELEMENT / 8) * 8;
const BYTES = BIG_BYTE_AT + 2 * HELD_CLOCK_BIG_CELLS * BigInt64Array.BYTES_PER_ELEMENT;

/**
 * Stop, backpressure, disk-full and checkpoint-pause flags, and the operations in flight, read
 * with Atomics from any thread.
 */
export class SharedFlags {
  /** The shared memory; post it to a worker and wrap it there with `new SharedFlags(buffer)`. */
  readonly buffer: SharedArrayBuffer;
  /** Wall time users waited at the backpressure gate (their side of it). */
  readonly heldByBackpressure: HeldClock;
  /** Wall time users ran with writes turned into reads (the disk budget spent). */
  readonly heldReadOnly: HeldClock;
  readonly #cells: Int32Array;
  #stopping: Promise<void> | null = null;

  constructor(buffer = new SharedArrayBuffer(BYTES)) {
    this.buffer = buffer;
    this.#cells = new Int32Array(buffer, 0, INT_CELLS);
    const bigs = new BigInt64Array(buffer, BIG_BYTE_AT, 2 * HELD_CLOCK_BIG_CELLS);
    this.heldByBackpressure = new HeldClock(this.#cells, HELD_INT_AT, bigs, 0);
    this.heldReadOnly = new HeldClock(
      this.#cells,
      HELD_INT_AT + HELD_CLOCK_INT_CELLS,
      bigs,
      HELD_CLOCK_BIG_CELLS,
    );
  }

  /** Users finish their current operation and stop. */
  get stopped(): boolean {
    return Atomics.load(this.#cells, STOP) === 1;
  }
  set stopped(value: boolean) {
    Atomics.store(this.#cells, STOP, value ? 1 : 0);
    Atomics.notify(this.#cells, STOP); // wakes `untilStopped` in every thread
  }

  /**
   * Resolves once the run stops: one waiter per thread on the shared cell, woken by the stop
   * setter, so sleeping users need no polling timers to notice the stop.
   */
  untilStopped(): Promise<void> {
    if (!this.#stopping) {
      const waiting = Atomics.waitAsync(this.#cells, STOP, 0);
      this.#stopping = waiting.async ? waiting.value.then(() => {}) : Promise.resolve();
    }
    return this.#stopping;
  }

  /** Users pause before their next operation while hyperd is under pressure. */
  get backpressure(): boolean {
    return Atomics.load(this.#cells, BACKPRESSURE) === 1;
  }
  set backpressure(value: boolean) {
    Atomics.store(this.#cells, BACKPRESSURE, value ? 1 : 0);
  }

  /** A checkpoint: users hold before their next operation until the tables are checked. */
  get verifyPause(): boolean {
    return Atomics.load(this.#cells, VERIFY_PAUSE) === 1;
  }
  set verifyPause(value: boolean) {
    Atomics.store(this.#cells, VERIFY_PAUSE, value ? 1 : 0);
  }

  /**
   * A user about to send an operation: counts it in flight, unless a checkpoint pause holds
   * (then false, and nothing counted). Counting first and reading the pause after, while the
   * checkpoint sets the pause first and reads the count after, means no operation slips past.
   */
  enterOp(): boolean {
    Atomics.add(this.#cells, IN_FLIGHT, 1);
    if (Atomics.load(this.#cells, VERIFY_PAUSE) === 0) return true;
    Atomics.sub(this.#cells, IN_FLIGHT, 1);
    return false;
  }

  /** The operation `enterOp` let through has ended. */
  leaveOp(): void {
    Atomics.sub(this.#cells, IN_FLIGHT, 1);
  }

  /** Operations sent and not yet ended, over every user. */
  get inFlight(): number {
    return Atomics.load(this.#cells, IN_FLIGHT);
  }

  /** The disk budget is spent: inserts turn into reads. */
  get diskFull(): boolean {
    return Atomics.load(this.#cells, DISK_FULL) === 1;
  }
  set diskFull(value: boolean) {
    Atomics.store(this.#cells, DISK_FULL, value ? 1 : 0);
  }
}
