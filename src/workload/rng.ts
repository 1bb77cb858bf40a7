/** Seeded random numbers (seedrandom's Alea): the only source of randomness in a workload. */
import seedrandom from "seedrandom";

/** A seeded generator with the draws the workload needs. */
export class Rng {
  readonly #next: () => number;

  constructor(seed: string) {
    this.#next = seedrandom.alea(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#next() * items.length)];
  }

  /** An integer in [0, 2^32): one draw, e.g. to seed a FastRng. */
  uint32(): number {
    return Math.floor(this.#next() * 4294967296);
  }
}

/**
 * Independent random streams, one Int32Array slot each, for bulk row data: a draw is a 32-bit
 * linear congruential step with an xorshift of its high bits into its low ones, a handful of
 * integer operations where Alea costs a closure call and float arithmetic. Seed them from an
 * Rng draw so the rows stay a function of the operation's seed.
 */
export function seedStreams(seed: number, count: number): Int32Array {
  const streams = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    // murmur3's finalizer spreads seed and stream number over all 32 bits.
    let h = (seed ^ Math.imul(i + 1, 0x9e3779b9)) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    streams[i] = h ^ (h >>> 16);
  }
  return streams;
}

const LCG_MULTIPLIER = 1664525;
const LCG_INCREMENT = 1013904223;

/** The next draw of stream `i`, an integer in [0, 2^32). */
export function draw(streams: Int32Array, i: number): number {
  const s = (streams[i] = (Math.imul(streams[i], LCG_MULTIPLIER) + LCG_INCREMENT) | 0);
  return (s ^ (s >>> 16)) >>> 0;
}

/**
 * The same draw as JavaScript source, on a stream state held in the local `state`: for row
 * writers compiled per table shape, which keep each stream in a local instead of an array.
 */
export function drawSource(state: string): string {
  return `(${state} = (Math.imul(${state}, ${LCG_MULTIPLIER}) + ${LCG_INCREMENT}) | 0, ` +
    `(${state} ^ (${state} >>> 16)) >>> 0)`;
}

/** Derives a child seed from a parent seed and a label, e.g. `deriveSeed(42, "user", 3)`. */
export function deriveSeed(
  parent: number | string,
  ...path: (string | number)[]
): string {
  return [parent, ...path].join(":");
}
