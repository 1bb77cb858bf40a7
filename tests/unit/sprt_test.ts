import assert from "node:assert/strict";
import {
  measureFixed,
  measureRate,
  type RateTest,
  rateVerdict,
  searchRate,
} from "../../src/shrink/sprt.ts";

const TWO_THIRDS: RateTest = { target: 2 / 3, maxTries: 6 };

/** Every sequence of outcomes until the verdict, with its exact probability at rate `p`. */
function outcomes(
  p: number,
  test: RateTest,
): { k: number; n: number; accept: boolean; p: number }[] {
  const done: { k: number; n: number; accept: boolean; p: number }[] = [];
  const walk = (k: number, n: number, prob: number) => {
    const verdict = rateVerdict(k, n, test);
    if (verdict !== "undecided") {
      done.push({ k, n, accept: verdict === "accept", p: prob });
      return;
    }
    walk(k + 1, n + 1, prob * p);
    walk(k, n + 1, prob * (1 - p));
  };
  walk(0, 0, 1);
  return done;
}

const acceptance = (p: number, test: RateTest) =>
  outcomes(p, test).reduce((sum, o) => sum + (o.accept ? o.p : 0), 0);
const expectedTries = (p: number, test: RateTest) =>
  outcomes(p, test).reduce((sum, o) => sum + o.n * o.p, 0);

Deno.test("rateVerdict() decides a clear candidate in few tries: 3 reproductions accept, 2 misses reject", () => {
  assert.equal(rateVerdict(2, 2, TWO_THIRDS), "undecided");
  assert.equal(rateVerdict(3, 3, TWO_THIRDS), "accept");
  assert.equal(rateVerdict(0, 1, TWO_THIRDS), "undecided");
  assert.equal(rateVerdict(0, 2, TWO_THIRDS), "reject");
  assert.equal(expectedTries(1, TWO_THIRDS), 3);
  assert.equal(expectedTries(0, TWO_THIRDS), 2);
});

Deno.test("rateVerdict() never accepts a measured rate below the target, for any sequence", () => {
  for (const target of [1 / 3, 1 / 2, 2 / 3, 5 / 6, 1]) {
    for (const maxTries of [1, 3, 6, 10]) {
      const test = { target, maxTries };
      for (const o of outcomes(0.5, test)) {
        if (o.accept) assert.ok(o.k / o.n >= target, `${o.k} of ${o.n} accepted for ${target}`);
        assert.ok(o.n <= maxTries, `${o.n} tries past ${maxTries}`);
      }
    }
  }
});

Deno.test("rateVerdict() accepts a candidate at half the target rarely and one above it mostly (exact)", () => {
  // Exact probabilities over every sequence of outcomes, no sampling. Wald's alpha of 0.1 is
  // approximate: overshoot and the cut at 6 tries make it 0.106 here.
  assert.ok(acceptance(1 / 3, TWO_THIRDS) <= 0.11, `${acceptance(1 / 3, TWO_THIRDS)}`);
  assert.ok(acceptance(0.1, TWO_THIRDS) <= 0.01, `${acceptance(0.1, TWO_THIRDS)}`);
  assert.ok(acceptance(0.9, TWO_THIRDS) >= 0.95, `${acceptance(0.9, TWO_THIRDS)}`);
  assert.equal(acceptance(1, TWO_THIRDS), 1);
  // At the target itself a reproduction is more likely kept than lost (beta 0.3: 0.67).
  assert.ok(acceptance(2 / 3, TWO_THIRDS) >= 0.6, `${acceptance(2 / 3, TWO_THIRDS)}`);
});

Deno.test("searchRate() holds cuts to 5/6 for 2/3: a lucky cut is kept half as often, a dead one costs one try (exact)", () => {
  assert.ok(Math.abs(searchRate(2 / 3) - 5 / 6) < 1e-12);
  assert.equal(searchRate(1), 1);
  const held = { target: searchRate(2 / 3), maxTries: 6 };
  // Against the table for 2/3 itself: 0.106, 0.344, 0.978 and 2 tries.
  assert.ok(acceptance(1 / 3, held) <= 0.045, `${acceptance(1 / 3, held)}`);
  assert.ok(acceptance(1 / 2, held) <= 0.16, `${acceptance(1 / 2, held)}`);
  assert.ok(acceptance(0.9, held) >= 0.84, `${acceptance(0.9, held)}`);
  assert.equal(acceptance(1, held), 1);
  assert.equal(expectedTries(0, held), 1);
  assert.equal(expectedTries(1, held), 3);
  // With 3 tries (the hyperd test's), only 3 of 3 keeps a cut.
  const three = { target: searchRate(2 / 3), maxTries: 3 };
  assert.equal(rateVerdict(3, 3, three), "accept");
  assert.equal(rateVerdict(2, 3, three), "reject");
});

Deno.test("rateVerdict() with a target of 1 rejects at the first miss", () => {
  const all = { target: 1, maxTries: 6 };
  assert.equal(rateVerdict(4, 5, all), "reject");
  assert.equal(rateVerdict(3, 3, all), "accept");
});

Deno.test("rateVerdict() at the last try lets the measured rate decide", () => {
  const two = { target: 2 / 3, maxTries: 3 };
  assert.equal(rateVerdict(2, 3, two), "accept");
  assert.equal(rateVerdict(1, 3, two), "reject");
});

Deno.test("measureRate() runs tries until the verdict and counts every try it started", async () => {
  const script = [true, false, true, true, true];
  let i = 0;
  const rate = await measureRate(() => Promise.resolve(script[i++]), TWO_THIRDS);
  assert.deepEqual(rate, { k: 4, n: 5, verdict: "accept" });

  // Two lanes: the second try was already running when the first two decided nothing.
  let started = 0;
  const never = await measureRate(
    () => {
      started++;
      return new Promise((resolve) => setTimeout(() => resolve(false), 1));
    },
    TWO_THIRDS,
    2,
  );
  assert.equal(never.verdict, "reject");
  assert.equal(never.n, started);
  assert.ok(never.n >= 2 && never.n <= 3, `${never.n} tries`);
});

Deno.test("measureRate() stops starting tries when told, and says it is undecided", async () => {
  let tries = 0;
  const rate = await measureRate(
    () => Promise.resolve(++tries > 0),
    TWO_THIRDS,
    1,
    () => tries < 1,
  );
  assert.deepEqual(rate, { k: 1, n: 1, verdict: "undecided" });
});

Deno.test("measureFixed() runs exactly the tries asked for, in parallel lanes", async () => {
  let i = 0;
  const rate = await measureFixed(() => Promise.resolve(i++ % 3 !== 0), 6, 2);
  assert.deepEqual(rate, { k: 4, n: 6 });
});
