import assert from "node:assert/strict";
import { SLOWEST_KEPT, SlowestOps, type SlowOp } from "../../src/stats/op_records.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { RunStats } from "../../src/stats/run_stats.ts";
import { Rng } from "../../src/workload/rng.ts";

function op(user: number, seq: number, durationMs: number, startedAtSec = seq): SlowOp {
  return {
    user,
    seq,
    kind: "Aggregate",
    table: "t0_small",
    rows: 0,
    startedAtSec,
    sql: `SELECT ${seq}`,
    durationMs,
    outcome: "ok",
  };
}

Deno.test("SlowestOps keeps the N slowest, slowest first, the earlier start first on a tie", () => {
  const slowest = new SlowestOps(3);
  assert.equal(slowest.offer(op(0, 1, 10)), true);
  assert.equal(slowest.offer(op(0, 2, 30)), true);
  assert.equal(slowest.offer(op(0, 3, 20)), true);
  assert.equal(slowest.offer(op(0, 4, 5)), false, "faster than all three kept");
  assert.equal(slowest.offer(op(0, 5, 25)), true);
  assert.equal(slowest.offer(op(1, 6, 25, 0.5)), true);
  assert.deepEqual(slowest.list().map((o) => o.seq), [2, 6, 5]);
});

Deno.test("merging every worker's bounded list gives the run's slowest operations", () => {
  const rng = new Rng("slowest-merge");
  const all: SlowOp[] = [];
  const workers = Array.from({ length: 4 }, () => new SlowestOps());
  for (let seq = 0; seq < 2000; seq++) {
    const user = rng.int(0, 7);
    // Coarse durations, so ties are common.
    const o = op(user, seq, rng.int(0, 400) * 5);
    all.push(o);
    workers[user % 4].offer(o);
  }
  const merged = new SlowestOps();
  for (const worker of workers) for (const o of worker.list()) merged.offer(o);
  const expected = [...all]
    .sort((a, b) => b.durationMs - a.durationMs || a.startedAtSec - b.startedAtSec)
    .slice(0, SLOWEST_KEPT);
  assert.deepEqual(merged.list(), expected);
});

Deno.test("OpStats ticks send only operations that newly entered the worker's slowest", () => {
  const stats = new OpStats();
  const run = (user: number, seq: number, ms: number) => {
    stats.begin({
      user,
      seq,
      kind: "BulkInsert",
      table: "t1_medium",
      rows: 10,
      startedAtSec: seq,
      sql: "COPY",
    });
    stats.recordSuccess(user, "BulkInsert", ms, 10);
  };
  for (let seq = 0; seq < SLOWEST_KEPT; seq++) run(0, seq, 100 + seq);
  assert.equal(stats.tick().slowest.length, SLOWEST_KEPT);
  run(0, 100, 50); // faster than every kept one
  run(1, 101, 5000);
  const { slowest } = stats.tick();
  assert.deepEqual(slowest.map((o) => [o.user, o.seq, o.durationMs, o.outcome]), [
    [1, 101, 5000, "ok"],
  ]);
  assert.equal(stats.tick().slowest.length, 0, "nothing new");
});

Deno.test("OpStats records a failed operation's duration, and a stall adds what was in flight", () => {
  const worker = new OpStats();
  worker.begin({
    user: 2,
    seq: 7,
    kind: "Aggregate",
    table: "t0_small",
    rows: 0,
    startedAtSec: 1,
    sql: "SELECT 1",
  });
  worker.recordFailure("Aggregate", 1500, { atSec: 2.5, user: 2, op: "Aggregate", message: "x" });
  worker.begin({
    user: 3,
    seq: 9,
    kind: "BulkInsert",
    table: "t1_medium",
    rows: 99,
    startedAtSec: 4,
    sql: "COPY -- 99 rows",
  });
  const run = new RunStats();
  run.addTick(worker.tick(), 5);
  run.failInFlight(() => "stalled", 34);
  const slowest = run.slowest();
  assert.deepEqual(slowest.map((o) => [o.user, o.seq, o.durationMs, o.outcome]), [
    [3, 9, 30_000, "stalled"],
    [2, 7, 1500, "failed"],
  ]);
  assert.equal(slowest[0].sql, "COPY -- 99 rows");
});
