import assert from "node:assert/strict";
import { join } from "node:path";
import type { SweepFile } from "../../src/sweep/sweep_file.ts";
import type { Summary } from "../../src/results/summary.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

Deno.test("a swarm sweep that draws the ledger, range and fault kinds finds nothing on a healthy hyperd but known bugs", async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, "sweep");
    // Over every kind (all-ops), seed 300's first three runs draw the ledger's, the range and the
    // fault kinds between them, with and without ledger users (checked below, so a change to the
    // draw shows).
    const run = await runCli([
      "sweep",
      "--runs=3",
      "--seed=300",
      "--swarm",
      "--preset=all-ops",
      "--duration=6",
      "--databases=1",
      "--inserter-users=2",
      "--query-users=2",
      "--mixed-users=2",
      "--ledger-users=2",
      "--batch-max=2000",
      "--progress-interval=0",
      `--output-dir=${out}`,
    ], hyperdEnv());
    assert.equal(run.code, 0, run.stderr);
    const sweep: SweepFile = JSON.parse(await Deno.readTextFile(join(out, "sweep.json")));
    const drawn = new Set(sweep.runs.flatMap((r) => r.config!.opKinds));
    for (const kind of ["Transfer", "UpdateRange", "DeleteRange", "Cancel", "Disconnect"]) {
      assert.ok(drawn.has(kind as never), `no run drew ${kind}`);
    }
    assert.ok(sweep.runs.some((r) => r.config!.ledgerUsers > 0));
    for (const r of sweep.runs) {
      assert.equal(r.signature, null, `run ${r.index}: ${r.signature}`);
      assert.deepEqual(r.newFindings, [], `run ${r.index}`);
      const summary: Summary = JSON.parse(await Deno.readTextFile(join(r.dir, "summary.json")));
      assert.equal(summary.totals.failures, 0, JSON.stringify(summary.errors.slice(0, 3)));
      if (summary.ledger) {
        assert.equal(summary.ledger.violations, 0);
        assert.ok(summary.ledger.check.databases.every((d) => d.exact));
      }
    }
  });
});
