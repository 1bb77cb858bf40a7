import assert from "node:assert/strict";
import type { InFlightOp } from "../../src/stats/op_records.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { RunStats } from "../../src/stats/run_stats.ts";

function op(user: number, seq: number, startedAtSec: number): InFlightOp {
  return {
    user,
    seq,
    kind: "BulkInsert",
    table: "t0_small",
    rows: 10,
    startedAtSec,
    sql: `COPY t0_small (user ${user}, seq ${seq})`,
  };
}

const failure = (user: number, atSec: number) => ({
  atSec,
  user,
  op: "BulkInsert" as const,
  message: "connection to hyperd closed",
});

Deno.test("inFlightAt() lists what the crash cut short, begun after the last tick included", () => {
  const worker = new OpStats();
  const run = new RunStats();
  worker.begin(op(1, 0, 9.2));
  worker.recordSuccess(1, "BulkInsert", 100, 10);
  worker.begin(op(2, 0, 9.5));
  run.addTick(worker.tick(), 10); // user 2 in flight at the tick; it finishes well
  worker.recordSuccess(2, "BulkInsert", 600, 10);
  worker.begin(op(1, 1, 10.1)); // begun after the tick, cut by the crash at 10.4
  worker.recordFailure("BulkInsert", 300, failure(1, 10.4), true);
  worker.begin(op(2, 1, 10.2)); // failed on its own before the crash
  worker.recordFailure("BulkInsert", 100, failure(2, 10.3), false);
  worker.begin(op(3, 0, 10.3)); // never ended
  worker.begin(op(4, 0, 10.6)); // sent after the crash was seen
  run.addTick(worker.tick(), 11);

  const inFlight = run.inFlightAt(10.5);
  assert.deepEqual(inFlight.map((o) => [o.user, o.seq]), [[1, 1], [3, 0]]);
  assert.equal(inFlight[0].sql, "COPY t0_small (user 1, seq 1)");
  assert.ok(inFlight.every((o) => !("durationMs" in o)), "in-flight ops carry no duration");
});

Deno.test("inFlightAt() leaves out connections lost long before the crash", () => {
  const worker = new OpStats();
  const run = new RunStats();
  worker.begin(op(1, 0, 1));
  worker.recordFailure("BulkInsert", 50, failure(1, 1.05), true);
  worker.begin(op(1, 1, 7.9));
  worker.recordFailure("BulkInsert", 200, failure(1, 8.1), true);
  run.addTick(worker.tick(), 9);
  assert.deepEqual(run.inFlightAt(9).map((o) => o.seq), [1]);
});
