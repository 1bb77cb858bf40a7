/**
 * The Mann–Whitney U test (Wilcoxon rank-sum), two-sided, with the normal approximation, the tie
 * correction and the continuity correction: what scipy's `mannwhitneyu(x, y,
 * method="asymptotic")` computes. It asks whether one sample tends to hold larger values than the
 * other without assuming either is normal, which per-second throughput and latency are not.
 */

/** The outcome of one test. */
export interface MannWhitney {
  /** U of the first sample: the pairs (x, y) with x > y, a tie counting one half. */
  u1: number;
  /** U of the second sample; u1 + u2 = n1 * n2. */
  u2: number;
  /** The standard score of max(u1, u2), continuity-corrected; 0 when every value ties. */
  z: number;
  /** Two-sided p-value: how likely a difference this large is if both samples are alike. */
  p: number;
}

/**
 * Tests whether `x` and `y` come from the same distribution. Null when either is empty, as
 * there is nothing to test. When every value ties, the samples are alike: p is 1.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitney | null {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return null;
  const { ranks, tieTerm } = rank([...x, ...y]);
  let rankSum = 0;
  for (let i = 0; i < n1; i++) rankSum += ranks[i];
  const u1 = rankSum - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (!(sd > 0)) return { u1, u2, z: 0, p: 1 };
  const z = (Math.max(u1, u2) - mean - 0.5) / sd;
  return { u1, u2, z, p: Math.min(1, 2 * normalSf(z)) };
}

/** Ranks from 1, ties given their average rank, and the tie term sum(t^3 - t) over tie groups. */
export function rank(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 hold ranks start+1..end: their average.
    const average = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = average;
    const t = end - start;
    tieTerm += t ** 3 - t;
    start = end;
  }
  return { ranks, tieTerm };
}

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * The complementary error function, with a relative error below 1.2e-7 everywhere (the Chebyshev
 * fit of Numerical Recipes' erfcc), so small p-values keep their digits too.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = -1.26551223 +
    t * (1.00002368 +
        t * (0.37409196 +
            t * (0.09678418 +
                t * (-0.18628806 +
                    t * (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}
