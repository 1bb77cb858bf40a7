import assert from "node:assert/strict";
import { connect, createDatabase, type HyperConnection } from "../../src/wire/connection.ts";
import { copyIn } from "../../src/wire/copy.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { GrpcQueryError, openGrpcReader } from "../../src/wire/grpc_reader.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { Rng } from "../../src/workload/rng.ts";
import { numberAt, type RowBatch } from "../../src/workload/row_batch.ts";
import { copyInSql, createTableSql } from "../../src/wire/sql.ts";
import { MEDIUM, SMALL } from "../../src/workload/table_shapes.ts";
import type { Hyperd } from "../../src/hyperd/process.ts";
import { withHyperd } from "../helpers/hyperd.ts";

const ROWS = 3000;

/** Formats µs since the Unix epoch the way Hyper prints a TIMESTAMP as text. */
function timestampText(us: number): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  const fraction = String(us % 1_000_000).padStart(6, "0").replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? "." + fraction : ""}`;
}

/** A database at `path` holding a MEDIUM table `t` with ROWS generated rows. */
async function mediumDatabase(
  hyperd: Hyperd,
  path: string,
  seed: string,
): Promise<{ conn: HyperConnection; batch: RowBatch }> {
  await createDatabase(hyperd, path);
  const conn = connect(hyperd, path);
  await conn.sql.unsafe(createTableSql("t", MEDIUM));
  const batch = generateBatch(MEDIUM, ROWS, new Rng(seed));
  const copySql = copyInSql("t", MEDIUM, "HYPERBINARY");
  assert.equal(await copyIn(conn, copySql, new HyperBinaryEncoder().encode(batch)), ROWS);
  return { conn, batch };
}

/** Normalises a value read over either protocol: integers as text, NULL as null. */
function plain(value: unknown): unknown {
  return typeof value === "bigint" ? String(value) : value ?? null;
}

Deno.test("GrpcReader.query() returns the same rows as libpq for a filtered select and an aggregate", async () => {
  await withHyperd(async (hyperd, dir) => {
    const { conn, batch } = await mediumDatabase(hyperd, `${dir}/grpc.hyper`, "grpc-medium");
    const reader = await openGrpcReader(hyperd.host, hyperd.grpcPort!, `${dir}/grpc.hyper`);
    try {
      const select =
        "SELECT id, name, value, created_at FROM t WHERE value > 10 ORDER BY id LIMIT 50";
      const viaGrpc = await reader.query(select);
      assert.deepEqual(viaGrpc.fields.map((f) => [f.name, f.type]), [
        ["id", "Int32"],
        ["name", "Utf8"],
        ["value", "Float64"],
        ["created_at", "Timestamp<MICROSECOND>"],
      ]);
      const viaLibpq = await conn.sql.unsafe(
        "SELECT id, name, value, CAST(created_at AS TEXT) FROM t WHERE value > 10 ORDER BY id LIMIT 50",
      ).values();
      assert.equal(viaGrpc.rows.length, 50);
      assert.deepEqual(
        viaGrpc.rows.map(([id, name, value, createdAt]) => [
          id,
          name,
          value,
          createdAt === null ? null : timestampText(createdAt as number),
        ]),
        [...viaLibpq].map((row) => [...row]),
      );
      // Timestamps arrive with their microseconds, exactly as generated.
      for (const [id, , , createdAt] of viaGrpc.rows) {
        const r = (id as number) - 1;
        const expected = batch.nulls[3]![r] ? null : numberAt(batch, 3, r);
        assert.equal(createdAt, expected, `created_at of id ${id}`);
      }

      const aggregate = "SELECT category, count(*) AS n, sum(quantity) AS q, min(price) AS lo, " +
        "max(value) AS hi FROM t GROUP BY category ORDER BY category";
      const groupsViaGrpc = await reader.query(aggregate);
      const groupsViaLibpq = await conn.sql.unsafe(aggregate).values();
      assert.ok(groupsViaLibpq.length > 5, "several categories, NULL included");
      assert.deepEqual(
        groupsViaGrpc.rows.map((row) => row.map(plain)),
        [...groupsViaLibpq].map((row) => row.map(plain)),
      );
    } finally {
      reader.close();
      await conn.sql.end();
    }
  }, { grpc: true });
});

Deno.test("GrpcReader.read() counts every row of a result larger than one gRPC message", async () => {
  await withHyperd(async (hyperd, dir) => {
    const { conn } = await mediumDatabase(hyperd, `${dir}/count.hyper`, "grpc-count");
    const reader = await openGrpcReader(hyperd.host, hyperd.grpcPort!, `${dir}/count.hyper`);
    try {
      const [{ n }] = await conn.sql`SELECT count(*) AS n FROM t WHERE value > 10`;
      assert.equal(await reader.read("SELECT * FROM t WHERE value > 10"), Number(n));
      assert.equal(await reader.read("SELECT * FROM t WHERE id < 0"), 0);
      // About 20 MB of Arrow: hyperd splits it over several messages of up to 4 MB.
      const big = "SELECT i, 'some text to make the rows wider ' || i AS s " +
        "FROM generate_series(1, 500000) g(i)";
      assert.equal(await reader.read(big), 500_000);
    } finally {
      reader.close();
      await conn.sql.end();
    }
  }, { grpc: true });
});

Deno.test("openGrpcReader() reads the database at the path it was given", async () => {
  await withHyperd(async (hyperd, dir) => {
    // Two databases with a table `t` of the same name but different contents.
    const first = await mediumDatabase(hyperd, `${dir}/first.hyper`, "first");
    await createDatabase(hyperd, `${dir}/second.hyper`);
    const second = connect(hyperd, `${dir}/second.hyper`);
    await second.sql.unsafe(createTableSql("t", SMALL));
    await second.sql`INSERT INTO t VALUES (42, 'only in second', 1.5)`;
    const readFirst = await openGrpcReader(hyperd.host, hyperd.grpcPort!, `${dir}/first.hyper`);
    const readSecond = await openGrpcReader(hyperd.host, hyperd.grpcPort!, `${dir}/second.hyper`);
    try {
      assert.equal(await readFirst.read("SELECT * FROM t"), ROWS);
      assert.deepEqual((await readSecond.query("SELECT id, name FROM t")).rows, [
        [42, "only in second"],
      ]);
      // Rows written over libpq after the reader opened are visible to its next query.
      await second.sql`INSERT INTO t VALUES (43, 'later', NULL)`;
      assert.equal(await readSecond.read("SELECT * FROM t"), 2);
    } finally {
      readFirst.close();
      readSecond.close();
      await first.conn.sql.end();
      await second.sql.end();
    }
  }, { grpc: true });
});

Deno.test("GrpcReader rejects bad SQL with the server's message and SQLSTATE, then keeps working", async () => {
  await withHyperd(async (hyperd, dir) => {
    const { conn } = await mediumDatabase(hyperd, `${dir}/bad.hyper`, "grpc-bad");
    const reader = await openGrpcReader(hyperd.host, hyperd.grpcPort!, `${dir}/bad.hyper`);
    try {
      const bad = "SELECT no_such_column FROM t";
      const libpqError = await conn.sql.unsafe(bad).then(
        () => assert.fail("libpq should reject the query"),
        (error) => error as { message: string; code: string },
      );
      for (const run of [reader.read, reader.query]) {
        await assert.rejects(run(bad), (error: Error) => {
          assert.ok(error instanceof GrpcQueryError);
          assert.equal(error.message, libpqError.message);
          assert.equal(error.sqlState, libpqError.code);
          assert.equal(error.sqlState, "42703");
          assert.match(error.detail, /no_such_column/);
          return true;
        });
      }
      await assert.rejects(reader.read("SELECT * FROM missing_table"), /missing_table/);
      assert.equal(await reader.read("SELECT * FROM t"), ROWS);
    } finally {
      reader.close();
      await conn.sql.end();
    }
  }, { grpc: true });
});

Deno.test("GrpcReader rejects queries against a database file that does not exist", async () => {
  await withHyperd(async (hyperd, dir) => {
    const reader = await openGrpcReader(hyperd.host, hyperd.grpcPort!, `${dir}/missing.hyper`);
    try {
      await assert.rejects(reader.read("SELECT 1"), (error: Error) => {
        assert.ok(error instanceof GrpcQueryError);
        assert.match(error.message, /database does not exist/);
        return true;
      });
    } finally {
      reader.close();
    }
  }, { grpc: true });
});

Deno.test("GrpcReader stops a query when its signal aborts", async () => {
  await withHyperd(async (hyperd, dir) => {
    await createDatabase(hyperd, `${dir}/abort.hyper`);
    const reader = await openGrpcReader(hyperd.host, hyperd.grpcPort!, `${dir}/abort.hyper`);
    try {
      const controller = new AbortController();
      const slow = reader.read(
        "SELECT count(*) FROM generate_series(1, 2000000000) a(i)",
        controller.signal,
      );
      setTimeout(() => controller.abort(new Error("stop")), 200);
      const started = performance.now();
      await assert.rejects(slow, /stop/);
      assert.ok(performance.now() - started < 5000, "the abort should be prompt");
      assert.equal(await reader.read("SELECT 1"), 1);
    } finally {
      reader.close();
    }
  }, { grpc: true });
});
