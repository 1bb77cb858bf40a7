import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import { runLayout } from "../../src/config/run_layout.ts";
import {
  type Candidate,
  describe,
  isInside,
  isSmaller,
  memoryLimitOf,
  opKinds,
  opRefs,
  totalOps,
  withBatchMax,
  withMaxOps,
  withMemoryLimit,
  withOps,
  withUsers,
} from "../../src/shrink/candidate.ts";

function start(): Candidate {
  const config = resolveConfig({ seed: "12", databases: "3" }, {});
  return { config, layout: runLayout(config) };
}

Deno.test("withUsers() keeps users under their own ids and seeds, counts them and drops unused databases", () => {
  const whole = start();
  const kept = whole.layout.users.filter((u) => u.id === 2 || u.id === 5);
  const cut = withUsers(whole, kept);
  assert.deepEqual(cut.layout.users.map((u) => [u.id, u.seed]), [[2, "12:user:2"], [
    5,
    "12:user:5",
  ]]);
  // Users 2 and 5 sit on databases 2 and 2 (round-robin over 3).
  assert.deepEqual(cut.layout.databases.map((d) => d.index), [2]);
  assert.equal(cut.config.databases, 1);
  assert.deepEqual([cut.config.inserterUsers, cut.config.queryUsers, cut.config.mixedUsers], [
    1,
    1,
    0,
  ]);
  assert.equal(whole.layout.users.length, 9, "the original candidate is left as it was");
});

Deno.test("withMaxOps() and withBatchMax() change only what they name", () => {
  const whole = start();
  const limited = withMaxOps(whole, 3, 17);
  assert.equal(limited.layout.users.find((u) => u.id === 3)!.maxOps, 17);
  assert.ok(limited.layout.users.filter((u) => u.id !== 3).every((u) => u.maxOps === undefined));
  assert.equal(totalOps(limited), null);
  const small = withBatchMax(whole, 50);
  assert.deepEqual([small.config.batchMin, small.config.batchMax], [50, 50]);
  const all = whole.layout.users.reduce((c, u) => withMaxOps(c, u.id, 10), whole);
  assert.equal(totalOps(all), 90);
  assert.match(
    describe(all),
    /^9 users, 90 ops \[0:10, 1:10, .*\], 3 databases, batches 100\.\.10000, memory_limit 80%$/,
  );
});

Deno.test("withOps() keeps each user's own seqs as an explicit list and drops users left with none", () => {
  const whole = start();
  const limited = whole.layout.users.reduce((c, u) => withMaxOps(c, u.id, 4), whole);
  const refs = opRefs(limited)!;
  assert.equal(refs.length, 36);
  // Seq-major: every user's seq 0 first, so a chunk is a stretch of time.
  assert.deepEqual(refs.slice(0, 3), [{ user: 0, seq: 0 }, { user: 1, seq: 0 }, {
    user: 2,
    seq: 0,
  }]);
  const cut = withOps(limited, [{ user: 5, seq: 3 }, { user: 2, seq: 1 }, { user: 5, seq: 0 }]);
  assert.deepEqual(cut.layout.users.map((u) => [u.id, u.ops, u.maxOps]), [
    [2, [1], undefined],
    [5, [0, 3], undefined],
  ]);
  assert.equal(totalOps(cut), 3);
  assert.deepEqual(opRefs(cut), [{ user: 5, seq: 0 }, { user: 2, seq: 1 }, { user: 5, seq: 3 }]);
  assert.equal(cut.config.databases, 1);
  // The kept operations are the ones the original rolled at those seqs.
  const kinds = opKinds(limited);
  const cutKinds = opKinds(cut);
  for (const key of ["2:1", "5:0", "5:3"]) assert.equal(cutKinds.get(key), kinds.get(key), key);
  assert.equal(cutKinds.size, 3);
});

Deno.test("withMemoryLimit() and isSmaller() order candidates by ops, users, then batches", () => {
  const whole = start();
  assert.equal(memoryLimitOf(whole), null, "80% is not a size");
  const lower = withMemoryLimit(
    { ...whole, config: { ...whole.config, memoryLimit: "300m" } },
    150,
  );
  assert.equal(lower.config.memoryLimit, "150m");
  assert.equal(memoryLimitOf(lower), 150);
  const a = whole.layout.users.reduce((c, u) => withMaxOps(c, u.id, 4), whole);
  const b = withOps(a, opRefs(a)!.slice(0, 10));
  assert.ok(isSmaller(b, a) && !isSmaller(a, b));
  assert.ok(isSmaller(withBatchMax(a, 10), a));
  assert.ok(!isSmaller(a, a));
});

Deno.test("isInside() holds for a candidate sending a subset of another's ops under the same settings", () => {
  const whole = start();
  const a = whole.layout.users.reduce((c, u) => withMaxOps(c, u.id, 4), whole);
  const refs = opRefs(a)!;
  const b = withOps(a, refs.slice(0, 10));
  const c = withOps(a, refs.slice(2, 6));
  assert.ok(isInside(c, b) && isInside(b, a) && isInside(c, a));
  assert.ok(!isInside(a, b), "more ops");
  assert.ok(!isInside(withOps(a, refs.slice(8, 12)), b), "ops b does not send");
  assert.ok(!isInside(withBatchMax(c, 50), b), "other batches");
  assert.ok(!isInside(whole, a), "no limit: not comparable");
});
