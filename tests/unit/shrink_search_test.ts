import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import { runLayout } from "../../src/config/run_layout.ts";
import {
  type Candidate,
  opRefs,
  plannedOps,
  refKey,
  totalOps,
  withMaxOps,
} from "../../src/shrink/candidate.ts";
import { fewerOps, fewerUsers, lowerMemoryLimit, shrinkSearch } from "../../src/shrink/search.ts";

/** Nine users of 20 operations each, batches up to 50,000, memory_limit 300m. */
function start(): Candidate {
  const config = resolveConfig({
    seed: "5",
    memoryLimit: "300m",
    batchMin: "20000",
    batchMax: "50000",
  }, {});
  const whole = { config, layout: runLayout(config) };
  return whole.layout.users.reduce((c, u) => withMaxOps(c, u.id, 20), whole);
}

/**
 * The fake failure: user 2's seq 3 and user 7's seq 15, and under 300 MB no more; at 300 MB it
 * also needs user 4's seq 9. Below 50 MB hyperd would fail otherwise. Batches of 5000 or more.
 */
function fails(c: Candidate): boolean {
  const refs = opRefs(c)!;
  const has = (user: number, seq: number) => refs.some((r) => r.user === user && r.seq === seq);
  const mb = Number(c.config.memoryLimit.replace("m", ""));
  return has(2, 3) && has(7, 15) && (mb < 300 || has(4, 9)) && mb >= 50 &&
    c.config.batchMax >= 5000;
}

Deno.test("shrinkSearch() finds the operations anywhere in the users' sequences, lowers memory_limit, then cuts again", async () => {
  const steps: string[] = [];
  const result = await shrinkSearch(start(), (step, c) => {
    steps.push(step);
    return Promise.resolve(fails(c));
  }, () => true);
  assert.equal(result.config.memoryLimit, "53m", "150 and 75 hold, 38 does not, 53 does");
  assert.deepEqual(result.layout.users.map((u) => [u.id, u.ops]), [[2, [3]], [7, [15]]]);
  assert.equal(totalOps(result), 2);
  assert.ok(result.config.batchMax >= 5000 && result.config.batchMax <= 5000 * 1.25);
  // 213 looks for this fake (171 with operations first, seq-major); a real shrink also skips
  // the subsets of dropped candidates, which this fake does not.
  assert.ok(steps.length < 250, `${steps.length} candidates`);
  for (const step of ["lower memory_limit", "fewer users", "fewer kinds", "fewer ops"]) {
    assert.ok(steps.includes(step), step);
  }
});

Deno.test("lowerMemoryLimit() halves, and once a halving misses tries halfway on a log scale", async () => {
  const tried: string[] = [];
  // The fake crawls below 90 MB instead of failing: 150 holds, 75 misses, 106 holds.
  const result = await lowerMemoryLimit(start(), (_, c) => {
    tried.push(c.config.memoryLimit);
    return Promise.resolve(Number(c.config.memoryLimit.replace("m", "")) >= 90);
  }, () => true);
  assert.deepEqual(tried, ["150m", "75m", "106m"]);
  assert.equal(result.config.memoryLimit, "106m");
});

Deno.test("shrinkSearch() lowers memory_limit before it cuts operations, then cuts users first", async () => {
  // Each user then still has its operations to load hyperd with; cut thin first, every
  // remaining user's COPYs were needed (a real shrink kept 5 users of 8 operations that way).
  const steps: { step: string; mb: string }[] = [];
  await shrinkSearch(start(), (step, c) => {
    steps.push({ step, mb: c.config.memoryLimit });
    return Promise.resolve(fails(c));
  }, () => true);
  const lowered = steps.filter((s) => s.mb !== "300m" && s.step !== "lower memory_limit");
  assert.equal(lowered[0].step, "fewer users");
  assert.ok(lowered.some((s) => s.step === "fewer ops"));
  // Lowered before operations are cut, while they still leave room.
  const first = (step: string) => steps.findIndex((s) => s.step === step);
  assert.ok(first("lower memory_limit") < first("fewer ops"));
});

Deno.test("shrinkSearch() stops when its budget is spent and returns the last kept cut", async () => {
  let looks = 0;
  const result = await shrinkSearch(
    start(),
    (_, c) => Promise.resolve(fails(c)),
    () => ++looks <= 4,
  );
  assert.ok(fails(result), "what it returns reproduces");
  assert.equal(result.layout.users.length, 9, "four looks cut no user");
});

/** The rows a candidate's operations insert, as planned for `whole`. */
function plannedRows(whole: Candidate): (c: Candidate) => number {
  const planned = plannedOps(whole);
  return (c) => opRefs(c)!.reduce((n, r) => n + planned.get(refKey(r))!.rows, 0);
}

/** An accept that counts its looks and notes the first that reproduced (1-based, 0 for none). */
function countingLooks(fails: (c: Candidate) => boolean) {
  const tally = { looks: 0, firstKept: 0 };
  const accept = (_: string, c: Candidate) => {
    tally.looks++;
    const failed = fails(c);
    if (failed && tally.firstKept === 0) tally.firstKept = tally.looks;
    return Promise.resolve(failed);
  };
  return { accept, tally };
}

Deno.test("fewerOps() cuts a failure that needs load in few looks: smallest operations first", async () => {
  const whole = start();
  const planned = plannedOps(whole);
  const rowsOf = plannedRows(whole);
  const total = rowsOf(whole);
  // The fake: it fails once the operations sent insert 60% of the rows, whichever they are.
  const { accept, tally } = countingLooks((c) => rowsOf(c) >= 0.6 * total);
  const result = await fewerOps(whole, accept, () => true);
  assert.ok(rowsOf(result) >= 0.6 * total);
  // Seq-major (the order before) took 2,377 looks and kept 43 operations, its first cut at the
  // 7th look; the biggest half of the batches holds 60% of the rows, so the 2nd look is kept.
  assert.equal(tally.firstKept, 2);
  assert.ok(tally.looks < 400, `${tally.looks} looks`);
  const kept = opRefs(result)!.map((r) => planned.get(refKey(r))!);
  assert.ok(kept.every((op) => op.kind === "BulkInsert"), "only bulk inserts carry rows");
  assert.ok(kept.length <= 40, `${kept.length} operations kept`);
});

Deno.test("fewerUsers() keeps the users that insert most rows first, and lists users by id", async () => {
  const whole = start();
  const rowsOf = plannedRows(whole);
  const total = rowsOf(whole);
  const { accept, tally } = countingLooks((c) => {
    const ids = c.layout.users.map((u) => u.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    return rowsOf(c) >= 0.5 * total;
  });
  const result = await fewerUsers(whole, accept, () => true);
  // The heavier half of the users holds half the rows: the 2nd look (the 1st is the lighter half).
  assert.equal(tally.firstKept, 2);
  assert.ok(rowsOf(result) >= 0.5 * total);
  const inserters = whole.layout.users.filter((u) => u.class === "inserter").map((u) => u.id);
  assert.ok(result.layout.users.every((u) => inserters.includes(u.id)), "only inserters kept");
});
