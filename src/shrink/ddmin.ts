/**
 * Delta debugging (Zeller's ddmin): the smallest sublist of items that still makes a test fail,
 * trying subsets and their complements at ever finer granularity. Pure: the test is given.
 */

/** Whether a candidate still reproduces the failure. */
export type Reproduces<T> = (candidate: T[]) => Promise<boolean>;

/**
 * A 1-minimal sublist of `items` for which `reproduces` holds (removing any one item of the
 * result makes it pass), assuming it holds for `items`. Candidates keep the original order.
 * `budget` stops the search early (it returns the smallest found so far).
 */
export async function ddmin<T>(
  items: readonly T[],
  reproduces: Reproduces<T>,
  budget: () => boolean = () => true,
): Promise<T[]> {
  let current = [...items];
  let parts = 2;
  while (current.length >= 2 && budget()) {
    const chunks = split(current, parts);
    let reduced = false;
    for (const chunk of chunks) {
      if (!budget()) break;
      if (chunk.length < current.length && await reproduces(chunk)) {
        current = chunk;
        parts = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && parts > 2) {
      for (let i = 0; i < chunks.length && budget(); i++) {
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (await reproduces(complement)) {
          current = complement;
          parts = Math.max(parts - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (parts >= current.length) break;
      parts = Math.min(current.length, parts * 2);
    }
  }
  return current;
}

/** `items` cut into `parts` contiguous chunks of nearly equal size, none empty. */
export function split<T>(items: readonly T[], parts: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const end = start + Math.floor((items.length - start) / (parts - i));
    if (end > start) chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks;
}

/**
 * The smallest n in [low, high] for which `reproduces(n)` holds, assuming it holds for `high`
 * and is monotone (a longer prefix reproduces when a shorter one does); bisection.
 */
export async function smallestReproducing(
  low: number,
  high: number,
  reproduces: (n: number) => Promise<boolean>,
  budget: () => boolean = () => true,
): Promise<number> {
  while (low < high && budget()) {
    const mid = Math.floor((low + high) / 2);
    if (await reproduces(mid)) high = mid;
    else low = mid + 1;
  }
  return high;
}

/**
 * The smallest value in (low, high] for which `reproduces` holds, to within a factor of `ratio`,
 * assuming it holds for `high` and is monotone: bisection on a log scale, so a batch size of
 * 50,000 takes about 6 looks, not 16.
 */
export async function smallestScaled(
  low: number,
  high: number,
  reproduces: (value: number) => Promise<boolean>,
  budget: () => boolean = () => true,
  ratio = 1.25,
): Promise<number> {
  let lo = Math.max(1, low);
  while (high > lo * ratio && high - lo > 1 && budget()) {
    const mid = Math.round(Math.sqrt(lo * high));
    if (mid <= lo || mid >= high) break;
    if (await reproduces(mid)) high = mid;
    else lo = mid;
  }
  return high;
}
