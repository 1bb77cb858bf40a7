import assert from "node:assert/strict";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { connect, createDatabase } from "../../src/wire/connection.ts";
import { copyIn } from "../../src/wire/copy.ts";
import { copyInSql, createTableSql } from "../../src/wire/sql.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { SEED_ROWS } from "../../src/workload/layout.ts";
import { judge } from "../../src/workload/query_gen/oracles.ts";
import { Rng } from "../../src/workload/rng.ts";
import { SHAPES } from "../../src/workload/table_shapes.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { withHyperd } from "../helpers/hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const tables = SHAPES.map((shape, i) => ({ name: `t${i}_${shape.name}`, shape }));

Deno.test("shrink --until wrong-result writes a psql reproduction of the run's wrong result that fails on a fresh database", async () => {
  await withTempDir(async (dir) => {
    // A real run for its replay.json and summary.json.
    const run = `${dir}/run`;
    const ran = await runCli([
      "stress",
      "--duration=2",
      "--databases=1",
      "--inserter-users=1",
      "--query-users=0",
      "--mixed-users=0",
      `--output-dir=${run}`,
    ], hyperdEnv());
    assert.equal(ran.code, 0, ran.stderr);
    // Its database replaced by the three seeded tables on which seed 6111 (--query-known-bugs)
    // hits Hyper's NOT IN bug, and its findings by that wrong result.
    await withHyperd(async (hyperd) => {
      const path = `${run}/found.hyper`;
      await createDatabase(hyperd, path);
      const conn = connect(hyperd, path);
      try {
        for (const [i, t] of tables.entries()) {
          await conn.sql.unsafe(createTableSql(t.name, t.shape));
          const batch = generateBatch(t.shape, SEED_ROWS, new Rng(`x${i}`), 1);
          await copyIn(
            conn,
            copyInSql(t.name, t.shape, "HYPERBINARY"),
            new HyperBinaryEncoder().encode(batch),
          );
        }
      } finally {
        await conn.sql.end({ timeout: 5 });
      }
    });
    const summary = JSON.parse(await Deno.readTextFile(`${run}/summary.json`));
    summary.databases = [{
      index: 0,
      path: `${run}/found.hyper`,
      tables: tables.map((t) => t.name),
    }];
    summary.findings = [{
      kind: "wrong-result",
      description: "norec gave two answers",
      evidence: { seed: 6111, complexity: 3, knownBugs: true, database: 0, oracle: "norec" },
      atSec: 1,
      signature: "wrong-result",
    }];
    await Deno.writeTextFile(`${run}/summary.json`, JSON.stringify(summary));

    const shrunk = await runCli([
      "shrink",
      `--replay-file=${run}/replay.json`,
      "--until=wrong-result",
      `--output-dir=${dir}/shrink`,
    ], hyperdEnv());
    assert.equal(shrunk.code, 0, shrunk.stderr);
    const report = JSON.parse(await Deno.readTextFile(`${dir}/shrink/shrink.json`));
    assert.ok(report.steps > 0 && report.shrunk.statement.length < report.original.length);
    const script = await Deno.readTextFile(`${dir}/shrink/repro.sql`);
    assert.match(script, /NOT IN \(SELECT/);
    // The script alone, statement by statement as psql sends them, on a fresh database.
    await withHyperd(async (hyperd, hyperdDir) => {
      const path = `${hyperdDir}/repro.hyper`;
      await createDatabase(hyperd, path);
      const conn = connect(hyperd, path);
      try {
        let rows: Record<string, unknown>[] = [];
        for (const statement of script.split(/;\n/)) {
          const sql = statement.split("\n").filter((l) => !l.startsWith("--")).join("\n").trim();
          if (sql) rows = await conn.sql.unsafe(sql);
        }
        assert.equal(judge(rows).ok, false, script);
      } finally {
        await conn.sql.end({ timeout: 5 });
      }
    });
  });
});
