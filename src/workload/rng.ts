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
}

/** Derives a child seed from a parent seed and a label, e.g. `deriveSeed(42, "user", 3)`. */
export function deriveSeed(
  parent: number | string,
  ...path: (string | number)[]
): string {
  return [parent, ...path].join(":");
}
