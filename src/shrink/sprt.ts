/**
 * How often a candidate reproduces, decided with few tries: Wald's sequential probability ratio
 * test between "reproduces at the target rate" and "at half of it", truncated at a maximum number
 * of tries, and never accepting a measured rate below the target. Pure: the tries are given.
 */

/** What the test is after. */
export interface RateTest {
  /** The rate a candidate must reach, in (0, 1]. */
  target: number;
  /** Tries at most; at that many the measured rate alone decides. */
  maxTries: number;
}

/**
 * The rate the search holds each cut to: halfway from `target` to always (5/6 for 2/3). Dozens of
 * cuts are measured, and the ones kept include some that passed by luck (the winner's curse): a
 * shrink that held cuts to 2/3 kept 7 users and 28 operations at 3 of 3 that reproduced 0 of 6
 * afresh. Held to 5/6, a cut that truly reproduces half the time is kept 16% of the time, not 34%,
 * and a cut that never reproduces costs one try, not two.
 */
export function searchRate(target: number): number {
  return (target + 1) / 2;
}

/** The test's answer after some tries. */
export type RateVerdict = "accept" | "reject" | "undecided";

/** A candidate reproducing at this fraction of the target or less is one to reject. */
const LOW_FRACTION = 0.5;
/** Chance of accepting a candidate that reproduces only at the low rate. */
const ALPHA = 0.1;
/**
 * Chance of rejecting one at the target rate: a missed cut costs a smaller result, a false
 * accept costs a reproduction that does not reproduce, so rejection is allowed to be quicker.
 */
const BETA = 0.3;

/** The log-likelihood ratio of `k` reproductions in `n` tries, target rate against the low one. */
export function logLikelihoodRatio(k: number, n: number, target: number): number {
  const low = target * LOW_FRACTION;
  // A target of 1 makes one miss conclusive: log(0) is -Infinity.
  const miss = Math.log((1 - target) / (1 - low));
  return (k === 0 ? 0 : k * Math.log(target / low)) + (n - k === 0 ? 0 : (n - k) * miss);
}

/**
 * The verdict after `k` reproductions in `n` tries: accept once Wald's upper bound is passed and
 * k/n meets the target; reject at Wald's lower bound or once the target is out of reach within
 * `maxTries`; at `maxTries`, k/n against the target decides.
 */
export function rateVerdict(k: number, n: number, test: RateTest): RateVerdict {
  const meets = n > 0 && k / n >= test.target;
  if (n >= test.maxTries) return meets ? "accept" : "reject";
  const reachable = (k + test.maxTries - n) / test.maxTries >= test.target;
  if (!reachable) return "reject";
  const llr = logLikelihoodRatio(k, n, test.target);
  if (llr >= Math.log((1 - BETA) / ALPHA) && meets) return "accept";
  if (llr <= Math.log(BETA / (1 - ALPHA))) return "reject";
  return "undecided";
}

/** A measured rate: k reproductions in n tries, and the verdict they gave. */
export interface MeasuredRate {
  k: number;
  n: number;
  verdict: RateVerdict;
}

/**
 * Runs tries until the verdict is reached, up to `parallel` at once; a try started before the
 * verdict still counts when it ends (it was paid for). `more()` false stops early (undecided).
 */
export async function measureRate(
  tryOnce: () => Promise<boolean>,
  test: RateTest,
  parallel = 1,
  more: () => boolean = () => true,
): Promise<MeasuredRate> {
  let k = 0;
  let n = 0;
  let started = 0;
  const decided = () => rateVerdict(k, n, test) !== "undecided";
  const lane = async () => {
    // A new try only while the ones finished and running could still leave it undecided.
    while (!decided() && started < test.maxTries && more()) {
      started++;
      const reproduced = await tryOnce();
      n++;
      if (reproduced) k++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, lane));
  return { k, n, verdict: n === 0 ? "undecided" : rateVerdict(k, n, test) };
}

/** k of n tries, the way shrink.json and REPRO.md say it. */
export function rateText(rate: { k: number; n: number }): string {
  return `${rate.k} of ${rate.n}`;
}

/**
 * Measures a fixed number of tries (the original's and the final replay's rate), `parallel` at a
 * time; `more()` false stops starting new ones.
 */
export async function measureFixed(
  tryOnce: () => Promise<boolean>,
  tries: number,
  parallel = 1,
  more: () => boolean = () => true,
): Promise<{ k: number; n: number }> {
  let k = 0;
  let n = 0;
  let started = 0;
  const lane = async () => {
    while (started < tries && more()) {
      started++;
      if (await tryOnce()) k++;
      n++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, lane));
  return { k, n };
}
