import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import { runLayout } from "../../src/config/run_layout.ts";
import {
  type Candidate,
  describe,
  totalOps,
  withBatchMax,
  withMaxOps,
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
  assert.match(describe(all), /^users \[0:10, 1:10, .*\], 3 databases, batches 100\.\.10000$/);
});
