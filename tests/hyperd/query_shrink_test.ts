import assert from "node:assert/strict";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { shrinkCheck } from "../../src/workload/query_gen/shrink_tree.ts";
import { reproScript, rowsSql, windowsOf } from "../../src/shrink/query_repro.ts";
import { connect, createDatabase, type HyperConnection } from "../../src/wire/connection.ts";
import { copyIn } from "../../src/wire/copy.ts";
import { copyInSql, createTableSql } from "../../src/wire/sql.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { SEED_ROWS } from "../../src/workload/layout.ts";
import { generateCheck } from "../../src/workload/query_gen/generate.ts";
import { type Check, judge, sidesOf, statementOf } from "../../src/workload/query_gen/oracles.ts";
import { Rng } from "../../src/workload/rng.ts";
import { SHAPES } from "../../src/workload/table_shapes.ts";
import { withHyperd } from "../helpers/hyperd.ts";
import { startRewriteRelay } from "../helpers/rewrite_relay.ts";

const tables = SHAPES.map((shape, i) => ({ name: `t${i}_${shape.name}`, shape }));

/** Creates the three tables with the seeded rows of the query-generator exploration. */
async function seed(conn: HyperConnection): Promise<void> {
  const encoder = new HyperBinaryEncoder();
  for (const [i, t] of tables.entries()) {
    await conn.sql.unsafe(createTableSql(t.name, t.shape));
    const batch = generateBatch(t.shape, SEED_ROWS, new Rng(`x${i}`), 1);
    await copyIn(conn, copyInSql(t.name, t.shape, "HYPERBINARY"), encoder.encode(batch));
  }
}

/** Whether `check` gives a wrong result on `conn` (an error is not one). */
async function wrong(conn: HyperConnection, check: Check): Promise<boolean> {
  try {
    return !judge(await conn.sql.unsafe(statementOf(check))).ok;
  } catch {
    return false;
  }
}

/** The reproduction of `check` with the rows it reads from `conn`. */
async function repro(conn: HyperConnection, check: Check): Promise<string> {
  const read = [];
  for (const [name, windows] of windowsOf(check)) {
    const shape = tables.find((t) => t.name === name)!.shape;
    read.push({ name, shape, rows: await conn.sql.unsafe(rowsSql(name, shape, windows)) });
  }
  const { whole, parts } = judge(await conn.sql.unsafe(statementOf(check)));
  return reproScript({ check, tables: read, whole, parts, note: "test" });
}

/** Runs a reproduction script's statements on a fresh database; the last one's rows. */
async function runScript(endpoint: { host: string; port: number }, path: string, sql: string) {
  await createDatabase(endpoint, path);
  const conn = connect(endpoint, path);
  try {
    const statements = sql.split(/;\n/).map((s) => s.replace(/^(--.*\n|\n)*/g, "").trim())
      .filter(Boolean);
    let rows: Record<string, unknown>[] = [];
    for (const s of statements) rows = await conn.sql.unsafe(s);
    return rows;
  } finally {
    await conn.sql.end({ timeout: 5 });
  }
}

Deno.test("shrink cuts a real Hyper wrong result (the NOT IN bug) to a few clauses, and its script reproduces it on a fresh database", async () => {
  await withHyperd(async (hyperd, dir) => {
    const conn = connect(hyperd, `${dir}/data.hyper`);
    await createDatabase(hyperd, `${dir}/data.hyper`);
    try {
      await seed(conn);
      // Seed 6111 with IN (subquery) allowed in the predicate: NoREC says 69 and 0.
      const check = generateCheck(6111, tables, 3, { knownBugs: true });
      assert.ok(await wrong(conn, check));
      const result = await shrinkCheck(check, (c) => wrong(conn, c));
      const { query } = sidesOf(result.check);
      // From 833 characters to about 500 (NoREC writes the predicate twice); the query alone:
      assert.ok(statementOf(result.check).length < statementOf(check).length, query);
      assert.ok(query.length < 250, query);
      assert.match(query, / IN \(SELECT /, query);
      const script = await repro(conn, result.check);
      // The script alone, on a fresh database, shows the wrong result again.
      const rows = await runScript(hyperd, `${dir}/repro.hyper`, script);
      assert.equal(judge(rows).ok, false, script);
      console.log(`shrunk in ${result.steps} steps (${result.attempts} tries):\n${query}`);
    } finally {
      await conn.sql.end({ timeout: 5 });
    }
  });
});

Deno.test("shrink cuts a wrong result a relay injects (into every statement with LIKE) to a few clauses", async () => {
  await withHyperd(async (hyperd, dir) => {
    const path = `${dir}/data.hyper`;
    await createDatabase(hyperd, path);
    const setup = connect(hyperd, path);
    await seed(setup).finally(() => setup.sql.end({ timeout: 5 }));
    const relay = await startRewriteRelay(hyperd, "whole", / LIKE /);
    const conn = connect({ host: "127.0.0.1", port: relay.port }, path);
    try {
      let check: Check | null = null;
      for (let s = 0; !check; s++) {
        const c = generateCheck(s, tables, 3);
        if (statementOf(c).includes(" LIKE ") && sidesOf(c).query.length > 400) check = c;
      }
      assert.ok(await wrong(conn, check));
      const result = await shrinkCheck(check, (c) => wrong(conn, c));
      const { query } = sidesOf(result.check);
      assert.ok(statementOf(result.check).includes(" LIKE "));
      assert.ok(statementOf(result.check).length < statementOf(check).length / 2, query);
      assert.ok(query.length < 250, query);
      console.log(`shrunk in ${result.steps} steps (${result.attempts} tries):\n${query}`);
    } finally {
      await conn.sql.end({ timeout: 5 });
      await relay.close();
    }
  });
});
