/**
 * `--verify-after-crash`: after hyperd is killed mid-run, hyperstress starts it again on the same
 * files and measures which acknowledged rows survived, without calling anything a bug.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXIT } from "../../src/verdict_policy.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { processExists } from "../helpers/hyperd.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

Deno.test("--verify-after-crash restarts hyperd on the crashed files and measures what survived", async () => {
  await withTempDir(async (dir) => {
    const run = new LiveRun([
      "stress",
      "--duration=60",
      "--verify-after-crash",
      `--output-dir=${dir}`,
      ...quickRun(13),
    ]);
    const pid = Number((await run.waitFor(/hyperd pid (\d+)/))[1]);
    await run.waitFor(/ops\/s/);
    Deno.kill(pid, "SIGKILL");
    assert.equal(await run.code(), EXIT.crashed, run.stderr);
    const summary = await readSummary(dir);
    assert.equal(summary.stopReason, "CrashDetected");
    const { integrity } = summary;
    assert.equal(integrity.checked, false);
    const after = integrity.afterCrash!;
    assert.equal(after.skipped, null, JSON.stringify(after));
    // Every table was read back: at least the seed rows of each are there.
    assert.ok(after.expectedRows >= 100 && after.presentRows >= 100, JSON.stringify(after));
    // A measurement, not a verdict: nothing it saw is a finding, the crash decides the code.
    assert.deepEqual(summary.findings.map((f) => f.kind), ["crash"]);
    assert.equal(integrity.mismatches, 0);
    assert.match(run.stdout, /after the crash, hyperd restarted on its files holds [\d,]+ rows of/);
    // The restarted hyperd logged on its own, and is gone.
    const log = await Deno.readTextFile(join(dir, "log-after-crash", "hyperd.log"));
    const restartedPid = Number(/"pid":(\d+)/.exec(log)?.[1]);
    assert.ok(restartedPid > 0 && restartedPid !== pid);
    assert.ok(!processExists(restartedPid), "the restarted hyperd must be stopped");
  });
});
