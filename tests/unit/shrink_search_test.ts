import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import { runLayout } from "../../src/config/run_layout.ts";
import { type Candidate, opRefs, totalOps, withMaxOps } from "../../src/shrink/candidate.ts";
import { shrinkSearch } from "../../src/shrink/search.ts";

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
  assert.equal(result.config.memoryLimit, "75m", "halved while it reproduced: 150, 75, not 38");
  assert.deepEqual(result.layout.users.map((u) => [u.id, u.ops]), [[2, [3]], [7, [15]]]);
  assert.equal(totalOps(result), 2);
  assert.ok(result.config.batchMax >= 5000 && result.config.batchMax <= 5000 * 1.25);
  // 230 looks for this fake (171 before users were cut first); a real shrink skips the subsets of
  // dropped candidates, which this fake does not.
  assert.ok(steps.length < 250, `${steps.length} candidates`);
  for (const step of ["lower memory_limit", "fewer users", "fewer kinds", "fewer ops"]) {
    assert.ok(steps.includes(step), step);
  }
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
