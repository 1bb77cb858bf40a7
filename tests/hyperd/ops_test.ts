import assert from "node:assert/strict";
import { OP_KINDS } from "../../src/workload/op_table.ts";
import { connect } from "../../src/wire/connection.ts";
import { setUpDatabases } from "../../src/run/database_setup.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { SEED_ROWS } from "../../src/workload/layout.ts";
import type { OpContext } from "../../src/users/ops/context.ts";
import { executeOp, redirectToRead } from "../../src/users/ops/execute.ts";
import { type PlannedOp, planOps } from "../../src/workload/planner.ts";
import { withHyperd } from "../helpers/hyperd.ts";
import { collectingLedger } from "../helpers/ledger_sink.ts";
import { readProblems } from "../../src/workload/ledger.ts";
import { OwnedModel } from "../../src/workload/owned_model.ts";

const settings = {
  batchMin: 50,
  batchMax: 300,
  thinkMinMs: 0,
  thinkMaxMs: 0,
  queryComplexityMax: 3,
  // The faults have tests of their own (faults_test.ts): a cut COPY may block a worker for good.
  opKinds: OP_KINDS.filter((k) => k !== "Cancel" && k !== "Disconnect"),
  accounts: 16,
};

Deno.test("every operation kind and variant runs without error on a seeded database", async () => {
  await withHyperd(async (hyperd, dir) => {
    // A schema seed with five tables, so three-way joins have distinct tables too.
    const [database] = await setUpDatabases(hyperd, dir, [{
      index: 0,
      schemaSeed: "ops-5",
      file: "db_0.hyper",
    }]);
    const conn = connect(hyperd, database.path);
    const ledger = collectingLedger();
    const ctx: OpContext = {
      ledger: ledger.sink,
      owned: new OwnedModel(),
      endpoint: hyperd,
      databasePath: database.path,
      conn,
      tables: database.tables,
      copyEncoder: new HyperBinaryEncoder(),
      batches: new Map(),
      // Each read counted on the wire, as users count them, and parsed by postgres.js: the same.
      read: async (sql) => {
        const counted = await conn.countRows(sql);
        assert.equal(counted, (await conn.sql.unsafe(sql)).length, sql);
        return counted;
      },
      readTransport: "libpq",
    };
    try {
      const ops = planOps(
        { id: 0, class: "mixed", seed: "ops", database: 0 },
        database.tables,
        settings,
        400,
      );
      const seen = new Set<string>();
      let inserted = 0;
      for (const op of ops) {
        const outcome = await executeOp(ctx, op);
        inserted += outcome.insertedRows;
        seen.add(`${op.kind}/${op.complexity}/${op.ddl?.action ?? ""}`);
        if (op.kind === "BulkInsert") assert.equal(outcome.insertedRows, op.rows);
        if (op.kind === "SingleInsert") assert.equal(outcome.insertedRows, 1);
      }
      for (const expected of ["ComplexJoin/1/", "ComplexJoin/2/", "ComplexJoin/3/"]) {
        assert.ok(seen.has(expected), expected);
      }
      for (const action of ["create", "alter", "drop"]) {
        assert.ok([...seen].some((s) => s.endsWith(`/${action}`)), action);
      }
      // One user alone: every transfer commits, rolls back as planned or is declined.
      assert.ok(ledger.transfers.length > 0 && ledger.reads.length > 0);
      for (const t of ledger.transfers) {
        assert.ok(["committed", "rolled-back", "declined"].includes(t.outcome), t.outcome);
      }
      for (const read of ledger.reads) assert.deepEqual(readProblems(read), []);
      // The user's own table: made by its first range operation, checked by every later one.
      assert.ok(ledger.rangeChecks.ok > 0);
      assert.deepEqual(ledger.rangeChecks.mismatches, []);
      const counts = await Promise.all(
        database.tables.map(async (t) =>
          Number((await conn.sql.unsafe(`SELECT count(*) AS n FROM "${t.name}"`))[0].n)
        ),
      );
      assert.equal(counts.reduce((a, b) => a + b), SEED_ROWS * database.tables.length + inserted);
      const insert = ops.find((op) => op.kind === "BulkInsert") as PlannedOp;
      assert.equal((await executeOp(ctx, redirectToRead(insert))).insertedRows, 0);
    } finally {
      await conn.sql.end();
    }
  });
});
