import assert from "node:assert/strict";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import type { OracleEvent } from "../../src/stats/oracle_stats.ts";
import type { OpContext } from "../../src/users/ops/context.ts";
import { generatedQuery } from "../../src/users/ops/generated_query.ts";
import { connect, createDatabase } from "../../src/wire/connection.ts";
import { copyIn } from "../../src/wire/copy.ts";
import { copyInSql, createTableSql } from "../../src/wire/sql.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { SEED_ROWS } from "../../src/workload/layout.ts";
import type { PlannedOp } from "../../src/workload/planner.ts";
import { Rng } from "../../src/workload/rng.ts";
import { SHAPES } from "../../src/workload/table_shapes.ts";
import { withHyperd } from "../helpers/hyperd.ts";
import { startRewriteRelay } from "../helpers/rewrite_relay.ts";
import { ledgerContext } from "../helpers/ledger_sink.ts";

const tables = SHAPES.map((shape, i) => ({ name: `t${i}_${shape.name}`, shape }));
const CHECKS = 12;

/** A GeneratedQuery operation of seed `seed`. */
function planned(seq: number, seed: number): PlannedOp {
  return {
    seq,
    kind: "GeneratedQuery",
    table: 0,
    joinTables: [0, 0],
    rows: 0,
    dataSeed: seed,
    firstId: 1,
    filter: 0,
    limit: 10,
    complexity: 1 + (seed % 3),
    variant: 0,
    ddl: null,
    thinkMs: 0,
  };
}

/** Runs CHECKS generated queries through a relay that rewrites the `nth` oracle answer. */
async function throughRelay(
  endpoint: { host: string; port: number },
  path: string,
  nth: number,
): Promise<{ events: OracleEvent[]; rewrites: [string, string][] }> {
  const relay = await startRewriteRelay(endpoint, "whole", nth);
  const conn = connect({ host: "127.0.0.1", port: relay.port }, path);
  const ctx: OpContext = {
    conn,
    tables,
    copyEncoder: new HyperBinaryEncoder(),
    batches: new Map(),
    read: (sql) => conn.countRows(sql),
    readTransport: "libpq",
    ...ledgerContext(endpoint, path),
  };
  try {
    const events: OracleEvent[] = [];
    for (let seq = 0; seq < CHECKS; seq++) {
      events.push((await generatedQuery(ctx, planned(seq, 4000 + seq), 0)).oracle!);
    }
    return { events, rewrites: relay.rewrites };
  } finally {
    await conn.sql.end({ timeout: 5 });
    await relay.close();
  }
}

Deno.test("an oracle reports the answer a relay rewrote as a wrong result, with both answers; without the rewrite, nothing", async () => {
  await withHyperd(async (hyperd, dir) => {
    const path = `${dir}/relay.hyper`;
    await createDatabase(hyperd, path);
    const setup = connect(hyperd, path);
    try {
      const encoder = new HyperBinaryEncoder();
      for (const [i, t] of tables.entries()) {
        await setup.sql.unsafe(createTableSql(t.name, t.shape));
        const batch = generateBatch(t.shape, SEED_ROWS, new Rng(`relay-${i}`), 1);
        await copyIn(setup, copyInSql(t.name, t.shape, "HYPERBINARY"), encoder.encode(batch));
      }
    } finally {
      await setup.sql.end({ timeout: 5 });
    }
    // Clean: the same relay with the rewrite off.
    const clean = await throughRelay(hyperd, path, 0);
    assert.deepEqual(clean.rewrites, []);
    assert.ok(clean.events.every((e) => e.kind === "passed" || e.kind === "expected"));
    const answered = clean.events.filter((e) => e.kind === "passed").length;
    assert.ok(answered >= CHECKS - 2, `${answered} of ${CHECKS} answered`);

    // The fifth answered oracle statement gets one digit of its first value changed.
    const nth = 5;
    const faulty = await throughRelay(hyperd, path, nth);
    assert.equal(faulty.rewrites.length, 1);
    const wrong = faulty.events.filter((e) => e.kind === "wrong-result");
    assert.equal(wrong.length, 1, JSON.stringify(faulty.events));
    const event = wrong[0] as Extract<OracleEvent, { kind: "wrong-result" }>;
    const [before, after] = faulty.rewrites[0];
    // Both answers: the rewritten one from the query side, the true one from the partitions.
    assert.equal(event.result.whole, after);
    assert.equal(event.result.parts, before);
    assert.ok(event.result.statement.includes(event.result.query));
    assert.ok(event.result.statement.includes(event.result.partitions));
    // The others, and the clean run's same statements, agree.
    const index = faulty.events.indexOf(event);
    assert.equal(clean.events[index].kind, "passed");
    assert.equal(faulty.events.filter((e) => e.kind === "passed").length, answered - 1);
  });
});

Deno.test("a wrong result is shrunk right away, on the same connection, to what still fails", async () => {
  await withHyperd(async (hyperd, dir) => {
    const path = `${dir}/relay.hyper`;
    await createDatabase(hyperd, path);
    const setup = connect(hyperd, path);
    try {
      await setup.sql.unsafe(createTableSql(tables[2].name, tables[2].shape));
      const batch = generateBatch(tables[2].shape, SEED_ROWS, new Rng("relay-shrink"), 1);
      await copyIn(
        setup,
        copyInSql(tables[2].name, tables[2].shape, "HYPERBINARY"),
        new HyperBinaryEncoder().encode(batch),
      );
    } finally {
      await setup.sql.end({ timeout: 5 });
    }
    // A server that is wrong about every statement with a LIKE in it.
    const relay = await startRewriteRelay(hyperd, "whole", / LIKE /);
    const conn = connect({ host: "127.0.0.1", port: relay.port }, path);
    const ctx: OpContext = {
      conn,
      tables: [tables[2]],
      copyEncoder: new HyperBinaryEncoder(),
      batches: new Map(),
      read: (sql) => conn.countRows(sql),
      readTransport: "libpq",
      ...ledgerContext(hyperd, path),
    };
    try {
      let event: OracleEvent | undefined;
      for (let seed = 0; event?.kind !== "wrong-result"; seed++) {
        const op = { ...planned(seed, seed), complexity: 3 };
        event = (await generatedQuery(ctx, op, 0)).oracle;
      }
      const { result } = event as Extract<OracleEvent, { kind: "wrong-result" }>;
      assert.ok(result.statement.includes(" LIKE "));
      assert.ok(result.shrunk, "shrunk");
      assert.ok(result.shrunk.statement.includes(" LIKE "), result.shrunk.statement);
      assert.ok(result.shrunk.statement.length < result.statement.length);
      assert.ok(result.shrunk.steps > 0 && result.shrunk.attempts >= result.shrunk.steps);
      assert.notEqual(result.shrunk.whole, result.shrunk.parts);
    } finally {
      await conn.sql.end({ timeout: 5 });
      await relay.close();
    }
  });
});
