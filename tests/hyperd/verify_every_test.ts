/**
 * `--verify-every`: checkpoints pause users, check every table by content and resume. A clean run
 * stays clean at every checkpoint; a row deleted behind the run's back right after set-up is
 * found by the first checkpoint and named at the end.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../../src/wire/connection.ts";
import { databaseSpecs, databaseTables, SEED_ROWS } from "../../src/workload/layout.ts";
import { EXIT } from "../../src/verdict_policy.ts";
import { STOPPED } from "../../src/run/checkpoints.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";
import { withStandaloneHyperd } from "../helpers/standalone_hyperd.ts";
import { withHyperd } from "../helpers/hyperd.ts";

const SEED = 44;
// Checkpoints every 2 s over 8 s: two at least begin, and one at least ends before the stop,
// whatever the pauses (two worker reports and the check) take on a busy machine.
const VERIFIED = ["--duration=8", "--verify-every=2", ...quickRun(SEED)];

Deno.test("--verify-every: checkpoints pause users, find a clean run clean, and leave the pause out of the rates", async () => {
  await withHyperd(async (_hyperd, dir) => {
    const out = join(dir, "out");
    const run = await runCli(["stress", `--output-dir=${out}`, ...VERIFIED], hyperdEnv());
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const summary = await readSummary(out);
    const all = summary.integrity.checkpoints ?? [];
    // The end of the run may cut the last one short; every other one checked and found nothing.
    const checkpoints = all.filter((c) => c.skipped !== STOPPED);
    assert.ok(checkpoints.length >= 1 && all.length >= 2, JSON.stringify(all));
    for (const c of checkpoints) {
      assert.deepEqual([c.skipped, c.mismatches, c.findings], [null, 0, []]);
      assert.ok(c.pauseSec > 0 && c.atSec < summary.durationSec);
    }
    const paused = all.reduce((n, c) => n + c.pauseSec, 0);
    const rate = summary.totals.ops / (summary.durationSec - paused);
    assert.ok(Math.abs(summary.totals.opsPerSec - rate) <= 0.11, `${summary.totals.opsPerSec}`);
    assert.match(
      run.stdout,
      /\d+ checkpoints \(users paused [\d.]+ s in all, left out of the rates\)/,
    );
    assert.deepEqual(summary.integrity.findings, []);
  });
});

Deno.test("--verify-every: a seed row deleted behind the run's back is lost at a checkpoint and at the end", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const out = join(dir, "out");
    const [spec] = databaseSpecs(SEED, 1);
    const table = databaseTables(spec.schemaSeed)[0].name;
    const running = runCli(
      ["stress", `--endpoint=${hyperd.endpoint}`, `--output-dir=${out}`, ...VERIFIED],
      hyperdEnv(),
    );
    // As soon as the table holds its seed rows, before the first checkpoint (2 s after users
    // start), one of them goes.
    const endpoint = { host: "127.0.0.1", port: hyperd.port };
    let deleted = 0;
    for (let tries = 0; tries < 600 && deleted === 0; tries++) {
      const { sql } = connect(endpoint, join(out, spec.file));
      try {
        const [{ n }] = await sql.unsafe(`SELECT count(*) AS n FROM "${table}"`);
        if (Number(n) >= SEED_ROWS) {
          deleted = (await sql.unsafe(`DELETE FROM "${table}" WHERE id = 7 AND name = 'name_7'`))
            .count;
        }
      } catch {
        /* the database or table is not there yet */
      } finally {
        await sql.end({ timeout: 1 });
      }
      if (deleted === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const run = await running;
    assert.equal(deleted, 1);
    assert.equal(run.code, EXIT.dataIntegrity, run.stderr + run.stdout);
    const summary = await readSummary(out);
    const first = summary.integrity.checkpoints![0];
    assert.deepEqual(first.findings.map((f) => [f.kind, f.table, f.examples[0]?.id]), [
      ["lost", table, 7],
    ]);
    assert.deepEqual(summary.findings.map((f) => f.kind), ["lost"]);
    assert.match(run.stdout, /FAILED: data integrity in 1 of \d+ tables? \(exit 5\)/);
  });
});
