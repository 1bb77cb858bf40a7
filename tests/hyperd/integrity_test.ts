/**
 * The integrity check against a real hyperd made wrong on purpose: one value changed in one row
 * (each column type in turn), values swapped between rows, a row deleted and another duplicated,
 * a row nobody wrote, an in-doubt insert half there. Each must be found, named and narrowed to
 * its rows; the untouched table must pass.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { setUpDatabases } from "../../src/run/database_setup.ts";
import {
  type CheckedTable,
  checkIntegrity,
  type InDoubtWrite,
  type Integrity,
  tablesToCheck,
} from "../../src/run/integrity.ts";
import { connect, type Endpoint } from "../../src/wire/connection.ts";
import { copyIn } from "../../src/wire/copy.ts";
import { copyInSql } from "../../src/wire/sql.ts";
import { sliceBatch } from "../../src/workload/row_batch.ts";
import { WIDE } from "../../src/workload/table_shapes.ts";
import { writeBatches, type WriteRecord } from "../../src/workload/writes.ts";
import type { WorkerDatabase } from "../../src/users/worker_protocol.ts";
import { withHyperd } from "../helpers/hyperd.ts";

/** Two acknowledged inserts with ids apart from the seed rows' 1..100, so an id names a row. */
const WRITES: WriteRecord[] = [
  { seed: "integrity-a", firstId: 1000, rows: 700 },
  { seed: "integrity-b", firstId: 5000, rows: 300 },
];

async function insert(
  conn: ReturnType<typeof connect>,
  table: string,
  write: WriteRecord,
  rows?: [number, number],
) {
  const encoder = new HyperBinaryEncoder();
  for (const batch of writeBatches(WIDE, write)) {
    const part = rows ? sliceBatch(batch, rows[0], rows[1]) : batch;
    await copyIn(conn, copyInSql(table, WIDE, encoder.sqlFormat), encoder.encode(part));
  }
}

/** A database whose first table is WIDE (the schema seed is picked for it). */
async function wideDatabase(
  endpoint: Endpoint,
  dir: string,
): Promise<WorkerDatabase & { schemaSeed: string }> {
  for (let i = 0; i < 50; i++) {
    const schemaSeed = `integrity-${i}`;
    const [database] = await setUpDatabases(endpoint, dir, [{
      index: 0,
      schemaSeed,
      file: "db_0.hyper",
    }]);
    if (database.tables[0].shape === WIDE) return { ...database, schemaSeed };
  }
  throw new Error("no schema seed with a wide first table");
}

function tablesOf(
  database: WorkerDatabase & { schemaSeed: string },
  inDoubt: InDoubtWrite[] = [],
): CheckedTable[] {
  const key = `0/${database.tables[0].name}`;
  const all = tablesToCheck([database], { [key]: WRITES }, inDoubt.map((w) => ({ key, ...w })));
  return all.slice(0, 1);
}

/** Runs `body` with a fresh wide table holding its seed rows and WRITES, and a connection. */
async function withWideTable(
  body: (ctx: {
    endpoint: Endpoint;
    sql: postgres.Sql;
    conn: ReturnType<typeof connect>;
    table: string;
    check: (inDoubt?: InDoubtWrite[]) => Promise<Integrity>;
  }) => Promise<void>,
): Promise<void> {
  await withHyperd(async (endpoint, dir) => {
    const database = await wideDatabase(endpoint, dir);
    const table = database.tables[0].name;
    const conn = connect(endpoint, database.path);
    try {
      for (const write of WRITES) await insert(conn, table, write);
      const check = (inDoubt: InDoubtWrite[] = []) =>
        checkIntegrity(endpoint, tablesOf(database, inDoubt));
      await body({ endpoint, sql: conn.sql, conn, table, check });
    } finally {
      await conn.sql.end({ timeout: 5 });
    }
  });
}

/** A column and the SET that changes its value in one row by the least the check must see. */
const CHANGES: [string, string][] = [
  ["quantity", "quantity + 1"],
  ["counter", "counter + 1"],
  ["rating", "CAST(rating % 5 + 1 AS SMALLINT)"],
  ["price", "price + 0.001"],
  ["created_at", "created_at + INTERVAL '1 microsecond'"],
  ["notes", "'X' || substr(notes, 2)"],
  ["is_active", "NOT is_active"],
  ["score", "NULL"],
];

Deno.test("integrity: a clean table passes; one value changed in one row is corrupted, named by its column, each type in turn", async () => {
  await withWideTable(async ({ sql, table, check }) => {
    const clean = await check();
    assert.equal(clean.mismatches, 0, JSON.stringify(clean.tables[0].differs));
    assert.deepEqual(clean.findings, []);
    assert.equal(clean.tables[0].expected, 100 + 700 + 300);
    const saved = `${table}_saved`;
    await sql.unsafe(`CREATE TABLE "${saved}" AS SELECT * FROM "${table}"`);
    for (const [column, set] of CHANGES) {
      // The first inserted row with a value in the column: ids from 1000 on name one row.
      const [{ id }] = await sql.unsafe(
        `SELECT min(id) AS id FROM "${table}" WHERE id >= 1000 AND "${column}" IS NOT NULL`,
      );
      const updated = await sql.unsafe(
        `UPDATE "${table}" SET "${column}" = ${set} WHERE id = ${id}`,
      );
      assert.equal(updated.count, 1, `${column}: the UPDATE must hit one row`);
      const integrity = await check();
      assert.equal(integrity.mismatches, 1, column);
      assert.deepEqual(integrity.findings!.map((f) => [f.kind, f.columns]), [["corrupted", [
        column,
      ]]]);
      const [example] = integrity.findings![0].examples;
      assert.ok(example.model && example.server, column);
      assert.equal(example.id, id);
      // Put the table back as it was for the next change.
      await sql.unsafe(`DELETE FROM "${table}"`);
      await sql.unsafe(`INSERT INTO "${table}" SELECT * FROM "${saved}"`);
    }
    // NULL to a value: a tag that was NULL gets one.
    const [nulled] = await sql.unsafe(
      `SELECT min(id) AS id FROM "${table}" WHERE tag_a IS NULL AND id >= 1000`,
    );
    await sql.unsafe(`UPDATE "${table}" SET tag_a = 'stress' WHERE id = ${nulled.id}`);
    const fromNull = await check();
    assert.deepEqual(fromNull.findings!.map((f) => [f.kind, f.columns]), [["corrupted", [
      "tag_a",
    ]]]);
    assert.equal(
      fromNull.findings![0].examples[0].model!.values[
        WIDE.columns.findIndex((c) => c.name === "tag_a")
      ],
      null,
    );
  });
});

Deno.test("integrity: values swapped between two rows keep every sum but not the row hash", async () => {
  await withWideTable(async ({ sql, table, check }) => {
    const rows = await sql.unsafe(
      `SELECT id, quantity FROM "${table}" WHERE id IN (1020, 1021) AND quantity IS NOT NULL ORDER BY id`,
    );
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0].quantity, rows[1].quantity);
    await sql.unsafe(
      `UPDATE "${table}" SET quantity = CASE id WHEN 1020 THEN ${rows[1].quantity} ELSE ${
        rows[0].quantity
      } END ` +
        `WHERE id IN (1020, 1021)`,
    );
    const integrity = await check();
    assert.deepEqual(integrity.tables[0].differs, ["rowHash"]);
    const [finding] = integrity.findings!;
    assert.deepEqual([finding.kind, finding.columns, finding.rows], ["corrupted", ["quantity"], 2]);
    assert.deepEqual(finding.examples.map((e) => e.id), [1020, 1021]);
    // Texts swapped: their md5 carries the row's id.
    await sql.unsafe(
      `UPDATE "${table}" SET quantity = CASE id WHEN 1020 THEN ${rows[0].quantity} ELSE ${
        rows[1].quantity
      } END WHERE id IN (1020, 1021)`,
    );
    assert.equal((await check()).mismatches, 0);
    const texts = await sql.unsafe(
      `SELECT id, notes FROM "${table}" WHERE id IN (1030, 1031) AND notes IS NOT NULL ORDER BY id`,
    );
    assert.equal(texts.length, 2);
    assert.notEqual(texts[0].notes, texts[1].notes);
    await sql.unsafe(
      `UPDATE "${table}" SET notes = CASE id WHEN 1030 THEN '${texts[1].notes}' ELSE '${
        texts[0].notes
      }' END WHERE id IN (1030, 1031)`,
    );
    const swappedTexts = await check();
    assert.deepEqual(swappedTexts.tables[0].differs, ["rowHash"]);
    assert.deepEqual(swappedTexts.findings!.map((f) => [f.kind, f.columns, f.rows]), [
      ["corrupted", ["notes"], 2],
    ]);
  });
});

Deno.test("integrity: a deleted row and a duplicated one keep the count but are lost and duplicated", async () => {
  await withWideTable(async ({ sql, table, check }) => {
    await sql.unsafe(`DELETE FROM "${table}" WHERE id = 1100`);
    await sql.unsafe(`INSERT INTO "${table}" SELECT * FROM "${table}" WHERE id = 5100`);
    const integrity = await check();
    const { expected, actual } = integrity.tables[0];
    assert.equal(actual, expected);
    const kinds = integrity.findings!.map((f) => [f.kind, f.examples.map((e) => e.id)]);
    assert.deepEqual(kinds, [["duplicated", [5100]], ["lost", [1100]]]);
  });
});

Deno.test("integrity: a row nobody wrote is extra", async () => {
  await withWideTable(async ({ sql, table, check }) => {
    await sql.unsafe(
      `INSERT INTO "${table}" (id, name) VALUES (777777, 'name_777777')`,
    );
    const integrity = await check();
    assert.deepEqual(integrity.findings!.map((f) => [f.kind, f.rows]), [["extra", 1]]);
    const [extra] = integrity.findings![0].examples;
    assert.equal(extra.model, null);
    assert.equal(extra.server!.values[1], "name_777777");
  });
});

Deno.test("integrity: an in-doubt insert is applied, absent, or torn when half of it is there", async () => {
  await withWideTable(async ({ conn, table, check }) => {
    const doubt = (seed: string, firstId: number): InDoubtWrite => ({
      seed,
      firstId,
      rows: 400,
      user: 1,
      seq: 7,
      why: "its connection broke",
    });
    const applied = doubt("doubt-applied", 20_000);
    const absent = doubt("doubt-absent", 30_000);
    const torn = doubt("doubt-torn", 40_000);
    await insert(conn, table, applied);
    await insert(conn, table, torn, [0, 200]);
    const integrity = await check([applied, absent, torn]);
    assert.deepEqual(
      integrity.inDoubt!.map((o) => [o.seed, o.outcome, o.presentRows]),
      [["doubt-applied", "applied", 400], ["doubt-absent", "absent", 0], [
        "doubt-torn",
        "torn",
        200,
      ]],
    );
    assert.deepEqual(integrity.findings!.map((f) => f.kind), ["torn"]);
    assert.equal(integrity.mismatches, 1);
    // The torn insert's present rows are in the model: nothing else is wrong.
    assert.deepEqual(integrity.tables[0].differs, []);
  });
});
