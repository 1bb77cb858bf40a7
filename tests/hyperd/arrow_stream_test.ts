import assert from "node:assert/strict";
import { ArrowEncoder, decodeArrowStream } from "../../src/encode/arrow_stream.ts";
import type { HyperConnection } from "../../src/wire/connection.ts";
import { copyIn } from "../../src/wire/copy.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { Rng } from "../../src/workload/rng.ts";
import { numberAt, rowAt, type RowBatch } from "../../src/workload/row_batch.ts";
import { columnList, copyInSql, createTableSql, quoteIdent } from "../../src/wire/sql.ts";
import { type Shape, SHAPES, SMALL, WIDE } from "../../src/workload/table_shapes.ts";
import { withConnection, withHyperd } from "../helpers/hyperd.ts";

/** Formats µs since the Unix epoch the way Hyper prints a TIMESTAMP as text. */
function timestampText(us: number): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  const fraction = String(us % 1_000_000).padStart(6, "0").replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? "." + fraction : ""}`;
}

/** Rows of `from` that `minus` lacks, counting duplicates; NULLs compare equal. */
async function exceptAllCount(
  sql: HyperConnection["sql"],
  shape: Shape,
  from: string,
  minus: string,
): Promise<string> {
  const columns = columnList(shape);
  const [{ n }] = await sql.unsafe(
    `SELECT count(*) AS n FROM (SELECT ${columns} FROM ${quoteIdent(from)} EXCEPT ALL ` +
      `SELECT ${columns} FROM ${quoteIdent(minus)}) d`,
  );
  return n;
}

function nullCount(batch: RowBatch): number {
  return batch.nulls.reduce((n, flags) => n + (flags?.filter((f) => f).length ?? 0), 0);
}

Deno.test("ArrowEncoder rows land in Hyper exactly as HyperBinary rows do, for every shape, NULLs included", async () => {
  await withHyperd(async (hyperd, dir) => {
    await withConnection(hyperd, `${dir}/arrow.hyper`, async (conn) => {
      for (const shape of SHAPES) {
        const rows = 2500;
        const [a, b] = [`a_${shape.name}`, `b_${shape.name}`];
        await conn.sql.unsafe(createTableSql(a, shape));
        await conn.sql.unsafe(createTableSql(b, shape));
        const batch = generateBatch(shape, rows, new Rng(`arrow-${shape.name}`));
        assert.ok(nullCount(batch) > 0, "the generated batch should hold NULLs");

        const binary = new HyperBinaryEncoder().encode(batch);
        assert.equal(await copyIn(conn, copyInSql(a, shape, "HYPERBINARY"), binary), rows);
        // Small record batches and chunks, so the stream has many of both.
        const arrow = new ArrowEncoder({ rowsPerBatch: 700, chunkBytes: 8192 }).encode(batch);
        assert.ok(arrow.length > 1, "a small chunk size should split the stream");
        assert.equal(await copyIn(conn, copyInSql(b, shape, "ARROWSTREAM"), arrow), rows);

        assert.equal(await exceptAllCount(conn.sql, shape, a, b), "0", `${shape.name}: a - b`);
        assert.equal(await exceptAllCount(conn.sql, shape, b, a), "0", `${shape.name}: b - a`);
        const [{ n }] = await conn.sql.unsafe(`SELECT count(*) AS n FROM ${quoteIdent(b)}`);
        assert.equal(n, String(rows));
        const nulls = shape.columns.map((c) => `count(*) - count(${quoteIdent(c.name)})`);
        const [counted] = await conn.sql.unsafe(
          `SELECT ${nulls.join(" + ")} AS n FROM ${quoteIdent(b)}`,
        ).values();
        assert.equal(Number(counted[0]), nullCount(batch), `${shape.name}: NULLs`);
      }

      // Typed values read back from the Arrow table, not only compared with HyperBinary's.
      const batch = generateBatch(WIDE, 2500, new Rng("arrow-wide"));
      const createdAt = WIDE.columns.findIndex((c) => c.name === "created_at");
      const counter = WIDE.columns.findIndex((c) => c.name === "counter");
      const isActive = WIDE.columns.findIndex((c) => c.name === "is_active");
      const r = [...Array(batch.rowCount).keys()].find((r) =>
        !batch.nulls[createdAt]![r] && !batch.nulls[counter]![r] && !batch.nulls[isActive]![r] &&
        numberAt(batch, createdAt, r) % 1000 !== 0
      )!;
      const [row] = await conn.sql.unsafe(
        `SELECT CAST(created_at AS TEXT) AS ts, counter, is_active, name FROM b_wide WHERE id = $1`,
        [numberAt(batch, 0, r)],
      );
      assert.equal(row.ts, timestampText(numberAt(batch, createdAt, r)));
      assert.match(row.ts, /\.\d{4,6}$/, "sub-millisecond digits survive");
      assert.equal(row.counter, String(numberAt(batch, counter, r)));
      assert.equal(row.is_active, numberAt(batch, isActive, r) === 1);
      assert.equal(row.name, rowAt(batch, r)[1]);
      const [{ big }] = await conn.sql`SELECT max(abs(counter)) AS big FROM b_wide`;
      assert.ok(Number(big) > 2 ** 32, "BIGINTs beyond 32 bits should be present");
    });
  });
});

Deno.test("ArrowEncoder streams an empty batch that inserts no rows", async () => {
  await withHyperd(async (hyperd, dir) => {
    await withConnection(hyperd, `${dir}/empty.hyper`, async (conn) => {
      await conn.sql.unsafe(createTableSql("t", SMALL));
      const chunks = new ArrowEncoder().encode(generateBatch(SMALL, 0, new Rng("empty")));
      assert.equal(await copyIn(conn, copyInSql("t", SMALL, "ARROWSTREAM"), chunks), 0);
      assert.deepEqual(decodeArrowStream(chunks).rows, []);
    });
  });
});
