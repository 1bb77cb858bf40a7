import assert from "node:assert/strict";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { copyIn } from "../../src/wire/copy.ts";
import { copyInSql, createTableSql } from "../../src/wire/sql.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { Rng } from "../../src/workload/rng.ts";
import { MEDIUM } from "../../src/workload/table_shapes.ts";
import { withConnection, withHyperd } from "../helpers/hyperd.ts";

Deno.test("countRows() counts a read's rows on the wire, and the connection's next queries get theirs", async () => {
  await withHyperd(async (hyperd, dir) => {
    await withConnection(hyperd, `${dir}/count.hyper`, async (conn) => {
      await conn.sql.unsafe(createTableSql("t", MEDIUM));
      const encoder = new HyperBinaryEncoder();
      const batch = generateBatch(MEDIUM, 30_000, new Rng("count"), 1);
      await copyIn(conn, copyInSql("t", MEDIUM, "HYPERBINARY"), encoder.encode(batch));
      // A result of several MB arrives in many reads of the socket.
      assert.equal(await conn.countRows(`SELECT * FROM "t"`), 30_000);
      assert.equal(await conn.countRows(`SELECT "id" FROM "t" WHERE "id" <= 777`), 777);
      assert.equal(await conn.countRows(`SELECT * FROM "t" WHERE "id" < 0`), 0);
      const [{ n }] = await conn.sql.unsafe(`SELECT count(*) AS n FROM "t"`);
      assert.equal(Number(n), 30_000);
      const rows = await conn.sql.unsafe(`SELECT "id" FROM "t" ORDER BY "id" LIMIT 3`);
      assert.deepEqual(rows.map((r) => r.id), [1, 2, 3]);
    });
  });
});

Deno.test("countRows() rejects a failing read with the server's message, and stops counting", async () => {
  await withHyperd(async (hyperd, dir) => {
    await withConnection(hyperd, `${dir}/count_error.hyper`, async (conn) => {
      await assert.rejects(conn.countRows(`SELECT * FROM "missing"`), /missing/);
      const rows = await conn.sql.unsafe(`SELECT 1 AS one UNION ALL SELECT 2`);
      assert.equal(rows.length, 2);
    });
  });
});
