/**
 * UpdateRange and DeleteRange on a real hyperd: a user's own table stays exactly as the user's
 * model says, and a change made behind the user's back is named by the user's next operation.
 */
import assert from "node:assert/strict";
import { setUpDatabases } from "../../src/run/database_setup.ts";
import { executeOp } from "../../src/users/ops/execute.ts";
import { connect } from "../../src/wire/connection.ts";
import { planOps } from "../../src/workload/planner.ts";
import { withHyperd } from "../helpers/hyperd.ts";
import { collectingContext } from "../helpers/ledger_sink.ts";

Deno.test("a user's own table follows its model through UPDATE and DELETE, and a row deleted behind its back is a mismatch", async () => {
  await withHyperd(async (hyperd, dir) => {
    const [database] = await setUpDatabases(hyperd, dir, [{
      index: 0,
      schemaSeed: "owned",
      file: "db_0.hyper",
    }]);
    const conn = connect(hyperd, database.path);
    const { ctx, ledger } = collectingContext(conn, hyperd, database, 4);
    const user = { id: 4, class: "mixed" as const, seed: "owned", database: 0 };
    const settings = {
      batchMin: 1,
      batchMax: 1,
      thinkMinMs: 0,
      thinkMaxMs: 0,
      queryComplexityMax: 1,
      opKinds: ["UpdateRange" as const, "DeleteRange" as const],
      accounts: 16,
    };
    const ops = planOps(user, database.tables, settings, 60);
    try {
      for (const op of ops) await executeOp(ctx, op);
      assert.ok(ops.some((op) => op.kind === "UpdateRange"));
      assert.ok(ops.some((op) => op.kind === "DeleteRange"));
      // Every operation after the first checked the table: silent on a table nobody else touched.
      assert.equal(ledger.rangeChecks.ok, ops.length - 1);
      assert.equal(ledger.rangeChecks.mismatches.length, 0);

      // One of the user's rows goes away behind its back.
      const gone = await conn.sql.unsafe(
        `DELETE FROM "owned_u4" WHERE "id" = (SELECT min("id") FROM "owned_u4")`,
      );
      assert.equal(gone.count, 1);
      const next = planOps(user, database.tables, settings, 61)[60];
      await executeOp(ctx, next);
      const [mismatch] = ledger.rangeChecks.mismatches;
      assert.equal(mismatch.user, 4);
      assert.equal(mismatch.table, "owned_u4");
      assert.equal(mismatch.seq, 60);
      assert.equal(mismatch.actual!.rows, mismatch.expected.rows - 1);
      // Found once: the table is made afresh, and the next operation finds it right again.
      await executeOp(ctx, { ...next, seq: 61 });
      await executeOp(ctx, { ...next, seq: 62 });
      assert.equal(ledger.rangeChecks.mismatches.length, 1);
    } finally {
      await conn.sql.end();
    }
  });
});
