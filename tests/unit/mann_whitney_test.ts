import assert from "node:assert/strict";
import { erfc, mannWhitneyU, normalSf, rank } from "../../src/results/mann_whitney.ts";

/** Equal within `relative` of `expected`. */
function near(actual: number, expected: number, relative = 1e-6) {
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.abs(expected),
    `expected ${expected}, got ${actual}`,
  );
}

Deno.test("mannWhitneyU() gives scipy's asymptotic answer for its documented example", () => {
  // scipy.stats.mannwhitneyu's docs: males vs females, method="asymptotic": U1 17, p 0.11134688...
  const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12])!;
  assert.equal(result.u1, 17);
  assert.equal(result.u2, 3);
  // mean 10, sd sqrt(20/12 * 10) = 4.0825; z = (17 - 10 - 0.5) / 4.0825
  near(result.z, 1.5921683328090657);
  near(result.p, 0.11134688653314041);
});

Deno.test("mannWhitneyU() separates two samples that do not overlap", () => {
  // Every y beats every x: U1 0, U2 25; z = (25 - 12.5 - 0.5) / sqrt(25/12 * 11).
  const result = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])!;
  assert.deepEqual([result.u1, result.u2], [0, 25]);
  near(result.z, 2.5067182457620487);
  near(result.p, 0.012185780355344818);
  // The same samples the other way round: the same p, the U values swap.
  const swapped = mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5])!;
  assert.deepEqual([swapped.u1, swapped.u2], [25, 0]);
  near(swapped.p, result.p);
});

Deno.test("mannWhitneyU() averages tied ranks and corrects the variance for ties", () => {
  // Ranks: 1 → 1; the 2s hold 2..4 (3 each); the 3s 5..8 (6.5); the 4s 9..10 (9.5); 5 → 11.
  // R1 = 1 + 3 + 3 + 3 * 6.5 = 26.5, U1 = 26.5 - 21 = 5.5. Tie term 24 + 60 + 6 = 90:
  // sd = sqrt(30/12 * (12 - 90/110)) = 5.2872, z = (24.5 - 15 - 0.5) / sd = 1.70222.
  const result = mannWhitneyU([1, 2, 2, 3, 3, 3], [2, 3, 4, 4, 5])!;
  assert.equal(result.u1, 5.5);
  assert.equal(result.u2, 24.5);
  near(result.z, 1.7022223637379919);
  near(result.p, 0.08871369199677624);
});

Deno.test("mannWhitneyU() finds eight seconds of a three times slower run significant", () => {
  const fast = [74, 70, 76, 73, 75, 71, 72, 77];
  const slow = [25, 24, 27, 26, 22, 23, 25, 24];
  const result = mannWhitneyU(fast, slow)!;
  assert.deepEqual([result.u1, result.u2], [64, 0]);
  near(result.p, 0.0009228863794545147);
  assert.ok(result.p < 0.05);
});

Deno.test("mannWhitneyU() calls a sample compared with itself alike (p 1)", () => {
  const sample = [74, 70, 76, 73, 75, 71, 72, 77];
  const result = mannWhitneyU(sample, sample)!;
  assert.equal(result.u1, result.u2);
  assert.equal(result.p, 1);
});

Deno.test("mannWhitneyU() has p 1 when every value ties, and nothing to say about no values", () => {
  assert.deepEqual(mannWhitneyU([3, 3, 3], [3, 3]), { u1: 3, u2: 3, z: 0, p: 1 });
  assert.equal(mannWhitneyU([], [1, 2]), null);
  assert.equal(mannWhitneyU([1], []), null);
});

Deno.test("rank() gives ties their average rank and sums t^3 - t over tie groups", () => {
  assert.deepEqual(rank([10, 20, 20, 5, 20]), { ranks: [2, 4, 4, 1, 4], tieTerm: 24 });
  assert.deepEqual(rank([3, 1, 2]), { ranks: [3, 1, 2], tieTerm: 0 });
});

Deno.test("erfc() and normalSf() keep their digits in both tails", () => {
  near(erfc(0.5), 0.4795001221869535, 2e-7);
  near(erfc(-1), 1.842700792949715, 2e-7);
  near(erfc(3), 2.2090496998585438e-05, 2e-7);
  near(normalSf(5), 2.866515718791946e-07, 2e-7);
  near(normalSf(0), 0.5, 2e-7);
});
