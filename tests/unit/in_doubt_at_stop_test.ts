import assert from "node:assert/strict";
import type { InFlightOp } from "../../src/stats/op_records.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { RunStats } from "../../src/stats/run_stats.ts";

const WHY = "in flight at the stop";

function insert(user: number, seq: number, firstId: number): InFlightOp {
  return {
    user,
    seq,
    kind: "BulkInsert",
    table: "t0_small",
    rows: 10,
    startedAtSec: 5,
    sql: "COPY t0_small",
    write: { key: "0/t0_small", seed: `${user}-${seq}`, firstId, rows: 10 },
  };
}

function transfer(user: number, seq: number): InFlightOp {
  return {
    user,
    seq,
    kind: "Transfer",
    table: "accounts",
    rows: 2,
    startedAtSec: 5.5,
    sql: "BEGIN; ...",
    transfer: {
      database: 0,
      legs: [{ account: 1, delta: -7 }, { account: 2, delta: 7 }],
    },
  };
}

function read(user: number, seq: number): InFlightOp {
  return { ...insert(user, seq, 0), kind: "SimpleSelect", write: undefined, sql: "SELECT 1" };
}

Deno.test("doubtInFlight() takes the inserts and transfers of the last ticks' in-flight lists as in doubt, not reads nor what was acknowledged", () => {
  const worker = new OpStats();
  const run = new RunStats();
  // Acknowledged before the worker's regular tick.
  worker.begin(insert(1, 0, 100));
  worker.recordSuccess(1, "BulkInsert", 10, 10);
  worker.recordInsert(0, "t0_small", 10, { seed: "1-0", firstId: 100, rows: 10 });
  worker.begin(insert(1, 1, 200));
  run.addTick(worker.tick(), 6, 0);
  // After that tick: user 1's insert is acknowledged, user 2's is sent, user 3 reads, user 4
  // transfers; the tick the pool asks for at the grace's end is the last.
  worker.recordSuccess(1, "BulkInsert", 10, 10);
  worker.recordInsert(0, "t0_small", 10, { seed: "1-1", firstId: 200, rows: 10 });
  worker.begin(insert(2, 0, 300));
  worker.begin(read(3, 0));
  worker.begin(transfer(4, 0));
  run.addTick(worker.tick(), 7, 0);

  run.doubtInFlight(WHY, 7.5);

  assert.deepEqual(run.writes["0/t0_small"].map((w) => w.firstId), [100, 200]);
  assert.deepEqual(run.inDoubt, [
    { key: "0/t0_small", seed: "2-0", firstId: 300, rows: 10, user: 2, seq: 0, why: WHY },
  ]);
  const ledger = run.ledger.totals();
  assert.equal(ledger.transfers["in-doubt"], 1);
  assert.deepEqual(run.ledger.inDoubt(0), [{
    database: 0,
    user: 4,
    seq: 0,
    legs: [{ account: 1, delta: -7 }, { account: 2, delta: 7 }],
    outcome: "in-doubt",
    startedAtSec: 5.5,
    endedAtSec: 7.5,
  }]);
  // Nothing committed: the end check tries the transfer both ways.
  assert.deepEqual([...run.ledger.committed(0)], []);
});

Deno.test("doubtInFlight() takes a worker's in-flight list from its latest tick only", () => {
  const worker = new OpStats();
  const run = new RunStats();
  worker.begin(insert(1, 0, 100));
  run.addTick(worker.tick(), 6, 0);
  // A later tick: the insert was acknowledged since, and nothing else is in flight.
  worker.recordSuccess(1, "BulkInsert", 10, 10);
  worker.recordInsert(0, "t0_small", 10, { seed: "1-0", firstId: 100, rows: 10 });
  run.addTick(worker.tick(), 7, 0);
  // A worker that sent its final report has nothing in flight.
  const done = new OpStats();
  run.addTick(done.tick(), 7, 1);

  run.doubtInFlight(WHY, 7.5);

  assert.deepEqual(run.inDoubt, []);
  assert.equal(run.writes["0/t0_small"].length, 1);
  assert.equal(run.ledger.totals().transfers["in-doubt"], 0);
});
