/**
 * `--verify-every`: checkpoints pause users, check every table by content and resume. A clean run
 * stays clean at every checkpoint; a row deleted behind the run's back once users run is found
 * by the next checkpoint and named at the end.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../../src/wire/connection.ts";
import { databaseSpecs, databaseTables } from "../../src/workload/layout.ts";
import { EXIT } from "../../src/verdict_policy.ts";
import { STOPPED } from "../../src/run/checkpoints.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { LiveRun } from "../helpers/live_run.ts";
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
    const run = new LiveRun(
      ["stress", `--endpoint=${hyperd.endpoint}`, `--output-dir=${out}`, ...VERIFIED],
    );
    // Once users run (set-up is done: opening a database while CREATE DATABASE makes it can
    // hang every later connection to it, see docs/hyper-bugs.md), one seed row goes.
    await run.waitFor(/\[\d\/8s\]/);
    const { sql } = connect({ host: "127.0.0.1", port: hyperd.port }, join(out, spec.file));
    let deleted: number;
    try {
      deleted = (await sql.unsafe(`DELETE FROM "${table}" WHERE id = 7 AND name = 'name_7'`)).count;
    } finally {
      await sql.end({ timeout: 1 });
    }
    const code = await run.code();
    assert.equal(deleted, 1);
    assert.equal(code, EXIT.dataIntegrity, run.stderr + run.stdout);
    const summary = await readSummary(out);
    // The first checkpoint after the delete names the row, and so does every later one.
    const found = (summary.integrity.checkpoints ?? []).filter((c) => c.findings.length > 0);
    assert.ok(found.length >= 1, JSON.stringify(summary.integrity.checkpoints));
    for (const c of found) {
      assert.deepEqual(c.findings.map((f) => [f.kind, f.table, f.examples[0]?.id]), [
        ["lost", table, 7],
      ]);
    }
    assert.deepEqual(summary.findings.map((f) => f.kind), ["lost"]);
    assert.match(run.stdout, /FAILED: data integrity in 1 of \d+ tables? \(exit 5\)/);
  });
});
