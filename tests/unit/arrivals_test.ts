import assert from "node:assert/strict";
import {
  type ArrivalProcess,
  ArrivalSchedule,
  arrivalsUntil,
  classCounts,
} from "../../src/workload/arrivals.ts";
import { LoadCurve, parseStages, type Stage } from "../../src/workload/stages.ts";
import type { UserClass } from "../../src/workload/op_table.ts";

const MIX: Partial<Record<UserClass, number>> = { inserter: 4, query: 3, mixed: 2 };

function schedule(
  seed: number,
  rate: number,
  process: ArrivalProcess = "poisson",
  stages: Stage[] = [],
  classes = MIX,
): ArrivalSchedule {
  return new ArrivalSchedule({
    seed,
    rate: new LoadCurve(rate, stages),
    process,
    classCounts: classes,
  });
}

Deno.test("the arrival schedule is the same for the same seed and settings, and another for another seed", () => {
  const a = arrivalsUntil(schedule(4242, 40), 30_000);
  const b = arrivalsUntil(schedule(4242, 40), 30_000);
  assert.ok(a.length > 1000);
  assert.deepEqual(a, b);
  const other = arrivalsUntil(schedule(4243, 40), 30_000);
  assert.notDeepEqual(other.slice(0, 20), a.slice(0, 20));
  // The same draws whatever the process: classes follow the seed alone.
  const constant = arrivalsUntil(schedule(4242, 40, "constant"), 30_000);
  assert.deepEqual(constant.slice(0, 50).map((x) => x.class), a.slice(0, 50).map((x) => x.class));
});

Deno.test("Poisson arrivals come at the rate on average with exponential gaps", () => {
  const arrivals = arrivalsUntil(schedule(7, 200), 100_000);
  const rate = arrivals.length / 100;
  assert.ok(Math.abs(rate - 200) < 200 * 0.02, `rate ${rate}`);
  const gaps = arrivals.slice(1).map((x, i) => x.atMs - arrivals[i].atMs);
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
  // An exponential distribution's standard deviation equals its mean.
  assert.ok(Math.abs(sd / mean - 1) < 0.05, `coefficient of variation ${sd / mean}`);
  assert.ok(arrivals.every((x, i) => i === 0 || x.atMs >= arrivals[i - 1].atMs));
  assert.deepEqual(arrivals.slice(0, 3).map((x) => x.index), [0, 1, 2]);
});

Deno.test("constant arrivals are evenly spaced at 1/rate", () => {
  const arrivals = arrivalsUntil(schedule(1, 40, "constant"), 1_000);
  assert.equal(arrivals.length, 39);
  arrivals.forEach((x, i) => assert.ok(Math.abs(x.atMs - (i + 1) * 25) < 1e-6, `${x.atMs}`));
});

Deno.test("each arrival's class is drawn by users per class, and a class without users never", () => {
  const arrivals = arrivalsUntil(schedule(99, 1000), 20_000);
  for (const [userClass, users] of Object.entries(MIX)) {
    const share = arrivals.filter((x) => x.class === userClass).length / arrivals.length;
    assert.ok(Math.abs(share - users / 9) < 0.02, `${userClass}: ${share}`);
  }
  const noQuery = arrivalsUntil(
    schedule(99, 1000, "poisson", [], { inserter: 1, query: 0, mixed: 1 }),
    5_000,
  );
  assert.ok(noQuery.every((x) => x.class !== "query"));
  assert.deepEqual(classCounts([{ class: "mixed" }, { class: "query" }, { class: "mixed" }]), {
    inserter: 0,
    query: 1,
    mixed: 2,
    ledger: 0,
  });
});

Deno.test("staged arrivals follow the ramp, and end when the rate stays at 0", () => {
  const stages = parseStages("10s:100,10s:100,10s:0") as Stage[];
  const arrivals = arrivalsUntil(schedule(5, 0, "constant", stages), 60_000);
  // Areas: 500 in the ramp up, 1000 while held, 500 in the ramp down (the last one at 30 s).
  const within = (from: number, to: number) =>
    arrivals.filter((x) => x.atMs >= from * 1000 && x.atMs < to * 1000).length;
  assert.ok(Math.abs(within(0, 10) - 500) <= 1, `${within(0, 10)}`);
  assert.ok(Math.abs(within(10, 20) - 1000) <= 1, `${within(10, 20)}`);
  assert.ok(Math.abs(within(20, 30.001) - 500) <= 1, `${within(20, 30.001)}`);
  assert.ok(arrivals.every((x) => x.atMs <= 30_000), "an arrival after the rate reached 0");
  const ended = schedule(5, 0, "poisson", stages);
  let last = ended.next();
  for (let next = ended.next(); next; next = ended.next()) last = next;
  assert.ok(last && last.atMs <= 30_000);
  assert.equal(ended.next(), null);
});
