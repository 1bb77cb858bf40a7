import assert from "node:assert/strict";
import { copyIn } from "../../src/wire/copy.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { HYPER_BINARY_HEADER, HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { Rng } from "../../src/workload/rng.ts";
import { numberAt, rowAt, type RowBatch } from "../../src/workload/row_batch.ts";
import { copyInSql, createTableSql, quoteIdent } from "../../src/wire/sql.ts";
import { type Shape, SHAPES, SMALL } from "../../src/workload/table_shapes.ts";
import { withConnection, withHyperd } from "../helpers/hyperd.ts";

/** Formats µs since the Unix epoch the way Hyper prints a TIMESTAMP as text. */
function timestampText(us: number): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString(); // 2021-03-04T05:06:07.123Z
  const fraction = String(us % 1_000_000).padStart(6, "0").replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? "." + fraction : ""}`;
}

/** The values a row should read back as, with BIGINT as text and TIMESTAMP as text. */
function expectedRow(batch: RowBatch, r: number): unknown[] {
  return rowAt(batch, r).map((value, c) => {
    if (value === null) return null;
    const type = batch.shape.columns[c].type;
    if (type === "BIGINT") return String(value);
    if (type === "TIMESTAMP") return timestampText(numberAt(batch, c, r));
    return value;
  });
}

function selectAllSql(table: string, shape: Shape): string {
  const columns = shape.columns.map((c) =>
    c.type === "TIMESTAMP" ? `CAST(${quoteIdent(c.name)} AS TEXT)` : quoteIdent(c.name)
  );
  return `SELECT ${columns.join(", ")} FROM ${quoteIdent(table)} ORDER BY "id"`;
}

Deno.test("HyperBinaryEncoder rows round-trip through COPY for every shape, NULLs included, in recycled buffers", async () => {
  await withHyperd(async (hyperd, dir) => {
    await withConnection(hyperd, `${dir}/roundtrip.hyper`, async (conn) => {
      const encoder = new HyperBinaryEncoder(4096);
      for (const shape of SHAPES) {
        const table = `rt_${shape.name}`;
        await conn.sql.unsafe(createTableSql(table, shape));
        const batch = generateBatch(shape, 600, new Rng(`roundtrip-${shape.name}`));
        const nullCount = batch.nulls.reduce(
          (n, flags) => n + (flags?.filter((f) => f).length ?? 0),
          0,
        );
        assert.ok(nullCount > 0, "the generated batch should hold NULLs");
        const chunks = encoder.encode(batch);
        assert.ok(chunks.length > 1, "a small chunk size should split the stream");
        // Each chunk is handed back once sent, so the next shape's chunks reuse its buffers.
        const sent: Uint8Array[] = [];
        const copySql = copyInSql(table, shape, "HYPERBINARY");
        const inserted = await copyIn(conn, copySql, chunks, {
          owner: {
            recycle: (chunk) => {
              sent.push(chunk);
              encoder.recycle(chunk);
            },
            roomBefore: (chunk) => encoder.roomBefore(chunk),
          },
        });
        assert.equal(inserted, 600);
        assert.deepEqual(sent, chunks);
        const rows = await conn.sql.unsafe(selectAllSql(table, shape)).values();
        assert.equal(rows.length, 600);
        for (let r = 0; r < batch.rowCount; r++) {
          assert.deepEqual(rows[r], expectedRow(batch, r), `${shape.name} row ${r}`);
        }
      }
    });
  });
});

Deno.test("copyIn() fails promptly with the server's message and the connection keeps working", async () => {
  await withHyperd(async (hyperd, dir) => {
    await withConnection(hyperd, `${dir}/bad.hyper`, async (conn) => {
      await conn.sql.unsafe(createTableSql("t", SMALL));
      const copySql = copyInSql("t", SMALL, "HYPERBINARY");
      const cases: [string, Uint8Array[]][] = [
        ["unrecognized Hyper binary signature", [
          new TextEncoder().encode("not a hyper binary stream"),
        ]],
        ["unexpected end-of-file", [HYPER_BINARY_HEADER, new Uint8Array([1, 0, 0, 0, 0, 200, 0])]],
      ];
      for (const [message, chunks] of cases) {
        const started = performance.now();
        await assert.rejects(copyIn(conn, copySql, chunks), (error: Error) => {
          assert.equal(error.name, "CopyRejectedError");
          assert.match(error.message, new RegExp(message));
          return true;
        });
        assert.ok(performance.now() - started < 5000, "the failure should be prompt");
        const [{ count }] = await conn.sql`SELECT count(*) AS count FROM t`;
        assert.equal(count, "0");
      }
      const good = new HyperBinaryEncoder().encode(generateBatch(SMALL, 10, new Rng("after")));
      assert.equal(await copyIn(conn, copySql, good), 10);
    });
  });
});

Deno.test("a COPY that completes sends hyperd nothing after it (no stray CopyFail)", async () => {
  await withHyperd(async (hyperd, dir) => {
    await withConnection(hyperd, `${dir}/clean.hyper`, async (conn) => {
      await conn.sql.unsafe(createTableSql("t", SMALL));
      const encoder = new HyperBinaryEncoder();
      for (let i = 0; i < 5; i++) {
        const batch = generateBatch(SMALL, 100, new Rng(`clean-${i}`), i * 100);
        assert.equal(
          await copyIn(conn, copyInSql("t", SMALL, "HYPERBINARY"), encoder.encode(batch)),
          100,
        );
      }
      const [{ count }] = await conn.sql`SELECT count(*) AS count FROM t`;
      assert.equal(count, "500");
    });
    // hyperd logs every COPY message that arrives outside a COPY as ignored.
    const log = await Deno.readTextFile(`${dir}/log/hyperd.log`);
    assert.match(log, /"k":"query-end"/, "hyperd should have logged the statements");
    const ignored = log.split("\n").filter((line) => line.includes("connection-ignore-copy-msg"));
    assert.equal(
      ignored.length,
      0,
      `hyperd ignored COPY messages sent after the COPY: ${ignored[0]}`,
    );
  });
});

Deno.test("copyIn() into a missing table fails, and the next COPYs on that connection get their own outcomes", async () => {
  await withHyperd(async (hyperd, dir) => {
    await withConnection(hyperd, `${dir}/missing.hyper`, async (conn) => {
      await conn.sql.unsafe(createTableSql("t", SMALL));
      const rows = () => new HyperBinaryEncoder().encode(generateBatch(SMALL, 10, new Rng("next")));
      await assert.rejects(
        copyIn(conn, copyInSql("missing", SMALL, "HYPERBINARY"), rows(), { timeoutMs: 5000 }),
      );
      // Before the fix, the rejected COPY's waiter took the next outcome and these timed out.
      const started = performance.now();
      assert.equal(
        await copyIn(conn, copyInSql("t", SMALL, "HYPERBINARY"), rows(), { timeoutMs: 5000 }),
        10,
      );
      assert.equal(
        await copyIn(conn, copyInSql("t", SMALL, "HYPERBINARY"), rows(), { timeoutMs: 5000 }),
        10,
      );
      assert.ok(performance.now() - started < 4000, "the COPYs after the rejected one were slow");
    });
  });
});
