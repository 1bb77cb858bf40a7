import assert from "node:assert/strict";
import { OpStats } from "../../src/stats/op_stats.ts";
import { OP_KINDS } from "../../src/workload/op_table.ts";

Deno.test("OpStats.tick() sends the latencies of the kinds that ran and leaves the others empty", () => {
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
  assert.deepEqual(byOp.Aggregate, { ops: 1, failures: 0, aborted: 0, rows: 3, latencyMs: [12.5] });
  for (const kind of OP_KINDS.filter((k) => k !== "Aggregate")) {
    assert.deepEqual(byOp[kind], { ops: 0, failures: 0, aborted: 0, rows: 0, latencyMs: [] }, kind);
  }
  assert.deepEqual(stats.tick().byOp.Aggregate.latencyMs, [], "the next interval starts empty");
});
