import assert from "node:assert/strict";
import { Latency } from "../../src/stats/latency.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { OP_KINDS } from "../../src/workload/op_table.ts";

Deno.test("OpStats.tick() encodes the latencies of the kinds that ran and leaves the others empty", () => {
  const stats = new OpStats();
  stats.begin({
    user: 1,
    seq: 0,
    kind: "Aggregate",
    table: "t0_small",
    rows: 0,
    startedAtSec: 0,
    sql: "SELECT 1",
  });
  stats.recordSuccess(1, "Aggregate", 12.5, 3);
  const { byOp } = stats.tick();
  assert.equal(new Latency(byOp.Aggregate.latency).count, 1);
  for (const kind of OP_KINDS.filter((k) => k !== "Aggregate")) {
    assert.deepEqual(byOp[kind], { ops: 0, failures: 0, rows: 0, latency: "" }, kind);
  }
});
