/**
 * The preset that hunts wrong answers, as the README shows it, on a healthy hyperd: every check
 * runs (content at checkpoints and at the end, the ledger, the oracles) and none finds anything.
 */
import assert from "node:assert/strict";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { readSummary } from "../helpers/quick_run.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

Deno.test("--preset wrong-answers: a healthy hyperd passes every check it runs, with no finding", async () => {
  await withTempDir(async (dir) => {
    const run = await runCli([
      "stress",
      "--preset=wrong-answers",
      "--duration=15",
      "--verify-every=6s",
      "--seed=5",
      "--databases=2",
      "--progress-interval=0",
      `--output-dir=${dir}`,
    ], hyperdEnv());
    assert.equal(run.code, 0, run.stderr);
    const summary = await readSummary(dir);
    assert.deepEqual(summary.findings, []);
    assert.equal(summary.totals.failures, 0, JSON.stringify(summary.errors));
    // The end check ran by content, and so did at least one checkpoint.
    assert.equal(summary.integrity.checked, true, summary.integrity.skipped ?? "");
    assert.equal(summary.integrity.mismatches, 0);
    const checkpoints = summary.integrity.checkpoints ?? [];
    assert.ok(checkpoints.some((c) => c.skipped === null), JSON.stringify(checkpoints));
    // The ledger: transfers committed, every read and the end check right.
    const ledger = summary.ledger!;
    assert.ok(ledger.transfers.committed > 0);
    assert.ok(ledger.reads > 0);
    assert.equal(ledger.violations, 0);
    assert.equal(ledger.check.checked, true, ledger.check.skipped ?? "");
    assert.ok(ledger.check.databases.every((d) => d.exact), JSON.stringify(ledger.check));
    // The oracles: checks ran and none was wrong.
    const oracles = summary.oracles!;
    assert.ok(oracles.checks > 0);
    assert.equal(oracles.wrongResultCount, 0);
    assert.equal(oracles.internalErrorCount, 0);
    assert.deepEqual(oracles.generatorErrors, {});
  });
});
