import assert from "node:assert/strict";
import { join } from "node:path";
import { processExists } from "../helpers/hyperd.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { resume } from "../helpers/freeze.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";

const QUICK = quickRun(17);

Deno.test("SIGSTOP on hyperd mid-run gives Stalled, exit 6, the earlier operations counted and the stuck ones failed", async () => {
  await withTempDir(async (dir) => {
    const run = new LiveRun([
      "stress",
      "--duration=120",
      "--stall-sec=5",
      `--output-dir=${dir}`,
      ...QUICK,
    ]);
    const pid = Number((await run.waitFor(/hyperd pid (\d+)/))[1]);
    try {
      await run.waitFor(/\[[3-9]\/120s\]/);
      Deno.kill(pid, "SIGSTOP");
      await run.waitFor(/no operation completed for \d+ s/, 30_000);
      const code = await run.code();
      assert.equal(code, 6, run.stderr);
    } finally {
      resume(pid);
      await run.code();
    }
    assert.equal(processExists(pid), false, "the frozen hyperd must be ended");
    const summary = await readSummary(dir);
    assert.equal(summary.stopReason, "Stalled");
    assert.equal(summary.exitCode, 6);
    assert.match(summary.stopDetail ?? "", /no operation completed for \d+ s/);
    // What completed before the freeze is kept, though the workers never sent a final report.
    const completed = summary.totals.ops - summary.totals.failures;
    assert.ok(completed > 20, `only ${completed} operations counted before the freeze`);
    const stalled = summary.errors.filter((e) => /^stalled after \d+ s: /.test(e.message));
    assert.ok(stalled.length >= 1, JSON.stringify(summary.errors));
    assert.ok(summary.users.every((u) => u.unfinished === true));
    assert.ok(
      summary.stall && summary.stall.inFlight.length >= 1,
      "nothing in flight at the stall",
    );
    assert.match(run.stdout, /^In flight when it stalled:$/m);
    assert.equal(summary.users.length, 3);
    assert.equal(summary.integrity.checked, false);
    assert.match(run.stdout, /Stop reason:\s+Stalled/);
    for (const file of ["summary.json", "replay.json", "report.html"]) {
      assert.ok((await Deno.stat(join(dir, file))).size > 0, `${file} is missing`);
    }
    const replay = JSON.parse(await Deno.readTextFile(join(dir, "replay.json")));
    assert.equal(replay.stopReason, "Stalled");
  });
});

Deno.test("SIGSTOP on hyperd during set-up ends within the start timeout as Stalled", async () => {
  await withTempDir(async (dir) => {
    // Many databases make set-up long enough to freeze hyperd in the middle of it.
    const run = new LiveRun([
      "stress",
      "--duration=30",
      "--databases=64",
      "--start-timeout-sec=6",
      `--output-dir=${dir}`,
      ...QUICK.filter((flag) => !flag.startsWith("--databases")),
    ]);
    const pid = Number((await run.waitFor(/hyperd pid (\d+)/))[1]);
    const frozenAt = performance.now();
    try {
      Deno.kill(pid, "SIGSTOP");
      assert.equal(await run.code(), 6, run.stderr);
    } finally {
      resume(pid);
      await run.code();
    }
    const tookSec = (performance.now() - frozenAt) / 1000;
    assert.ok(tookSec < 6 + 10, `set-up took ${tookSec} s to end`);
    assert.equal(processExists(pid), false);
    const summary = await readSummary(dir);
    assert.equal(summary.stopReason, "Stalled");
    assert.match(summary.stopDetail ?? "", /set-up did not finish within 6 s/);
    assert.equal(summary.totals.ops, 0);
  });
});

Deno.test("the first SIGTERM during set-up stops it at once, writes the artifacts and exits 130", async () => {
  await withTempDir(async (dir) => {
    const run = new LiveRun([
      "stress",
      "--duration=30",
      "--databases=64",
      "--start-timeout-sec=60",
      `--output-dir=${dir}`,
      ...QUICK.filter((flag) => !flag.startsWith("--databases")),
    ]);
    const pid = Number((await run.waitFor(/hyperd pid (\d+)/))[1]);
    Deno.kill(pid, "SIGSTOP");
    const signalled = performance.now();
    try {
      run.child.kill("SIGTERM");
      assert.equal(await run.code(), 130, run.stderr);
    } finally {
      resume(pid);
      await run.code();
    }
    const tookSec = (performance.now() - signalled) / 1000;
    assert.ok(tookSec < 10, `the interrupt took ${tookSec} s`);
    assert.equal(processExists(pid), false);
    const summary = await readSummary(dir);
    assert.equal(summary.stopReason, "Interrupted");
    assert.ok((await Deno.stat(join(dir, "report.html"))).size > 0);
  });
});
