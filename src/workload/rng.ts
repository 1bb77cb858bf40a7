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

/** 2^-32: turns a 32-bit draw into a float in [0, 1). */
const INV_2_32 = 1 / 4294967296;

/**
 * mulberry32: a 32-bit generator several times cheaper per draw than Alea, for bulk row data.
 * `stream` picks one of many independent sequences of the same seed (e.g. one per column); seed
 * it from an Rng draw so the rows stay a function of the operation's seed.
 */
export class FastRng {
  #state: number;

  constructor(seed: number, stream = 0) {
    // murmur3's finalizer spreads seed and stream over all 32 bits.
    let h = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    this.#state = h ^ (h >>> 16);
  }

  /** An integer in [0, 2^32). */
  u32(): number {
    const s = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.u32() * INV_2_32;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.u32() * INV_2_32 * (max - min + 1));
  }
}

/** Derives a child seed from a parent seed and a label, e.g. `deriveSeed(42, "user", 3)`. */
export function deriveSeed(
  parent: number | string,
  ...path: (string | number)[]
): string {
  return [parent, ...path].join(":");
}
