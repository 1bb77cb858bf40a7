import assert from "node:assert/strict";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { readSummary } from "../helpers/quick_run.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

Deno.test("oracles give no wrong result while twelve users insert into the tables they read", async () => {
  await withTempDir(async (dir) => {
    // The bench's high load, shorter: inserts of 1k-50k rows with no think time, beside query
    // users whose GeneratedQuery checks (nine in ten of their operations) read the same tables.
    const result = await runCli([
      "stress",
      "--ops=BulkInsert,SingleInsert,GeneratedQuery",
      "--seed=29",
      "--databases=1",
      "--inserter-users=6",
      "--query-users=4",
      "--mixed-users=2",
      "--think-min-ms=0",
      "--think-max-ms=5",
      "--batch-min=1000",
      "--batch-max=50000",
      "--duration=20",
      `--output-dir=${dir}/run`,
    ], hyperdEnv());
    const summary = await readSummary(`${dir}/run`);
    const oracles = summary.oracles!;
    const note = JSON.stringify({ ...oracles, wrongResults: oracles.wrongResults.slice(0, 1) });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(oracles.wrongResultCount, 0, note);
    assert.deepEqual(oracles.generatorErrors, {}, note);
    assert.equal(oracles.internalErrorCount, 0, note);
    // The checks ran while rows went in: about a hundred checks (each reads its tables up to
    // nine times) beside a million rows or more.
    const passed = Object.values(oracles.passed).reduce((a, b) => a + (b ?? 0), 0);
    assert.ok(passed >= 50, note);
    assert.ok(summary.totals.insertedRows >= 500_000, String(summary.totals.insertedRows));
    assert.equal(summary.findings.filter((f) => f.kind === "wrong-result").length, 0);
  });
});
