import assert from "node:assert/strict";
import { join } from "node:path";
import { LiveRun } from "../helpers/live_run.ts";
import { processExists } from "../helpers/hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";

const QUICK = quickRun(11);

async function assertArtifacts(dir: string): Promise<void> {
  for (const file of ["summary.json", "replay.json", "report.html"]) {
    assert.ok((await Deno.stat(join(dir, file))).size > 0, `${file} is missing`);
  }
}

Deno.test("kill -9 of hyperd mid-run gives CrashDetected, exit 4 and complete artifacts", async () => {
  await withTempDir(async (dir) => {
    const run = new LiveRun(["stress", "--duration=60", `--output-dir=${dir}`, ...QUICK]);
    const pid = Number((await run.waitFor(/hyperd pid (\d+)/))[1]);
    await run.waitFor(/ops\/s/);
    const killedAt = performance.now();
    Deno.kill(pid, "SIGKILL");
    assert.equal(await run.code(), 4, run.stderr);
    assert.ok(performance.now() - killedAt < 15_000, "the run should end soon after the crash");
    const summary = await readSummary(dir);
    assert.equal(summary.stopReason, "CrashDetected");
    assert.equal(summary.exitCode, 4);
    assert.equal(summary.crash?.signal, "SIGKILL");
    assert.ok(summary.crash!.atSec > 0);
    assert.ok(summary.crash!.logTail.length > 0);
    assert.equal(summary.integrity.checked, false);
    assert.ok(summary.totals.ops > 0);
    await assertArtifacts(dir);
    const replay = JSON.parse(await Deno.readTextFile(join(dir, "replay.json")));
    assert.equal(replay.stopReason, "CrashDetected");
  });
});

Deno.test("SIGINT gives Interrupted, exit 130, complete artifacts and no hyperd left", async () => {
  await withTempDir(async (dir) => {
    const run = new LiveRun(["stress", "--duration=60", `--output-dir=${dir}`, ...QUICK]);
    const pid = Number((await run.waitFor(/hyperd pid (\d+)/))[1]);
    await run.waitFor(/ops\/s/);
    run.child.kill("SIGINT");
    assert.equal(await run.code(), 130, run.stderr);
    assert.equal(processExists(pid), false, "hyperd is still running");
    const summary = await readSummary(dir);
    assert.equal(summary.stopReason, "Interrupted");
    assert.equal(summary.integrity.checked, true);
    assert.equal(summary.integrity.mismatches, 0);
    await assertArtifacts(dir);
  });
});

Deno.test("a memory limit below hyperd's tracked memory engages backpressure until ResourceLimit", async () => {
  await withTempDir(async (dir) => {
    const run = new LiveRun([
      "stress",
      "--duration=60",
      "--max-memory-mb=1",
      "--max-backpressure-sec=3",
      `--output-dir=${dir}`,
      ...QUICK,
    ]);
    assert.equal(await run.code(), 0, run.stderr);
    assert.match(run.stderr, /BACKPRESSURE/);
    const summary = await readSummary(dir);
    assert.equal(summary.stopReason, "ResourceLimit");
    assert.match(summary.stopDetail!, /backpressure held/);
    assert.ok(summary.backpressure.events >= 1);
    assert.ok(summary.backpressure.seconds >= 3, `backpressure ${summary.backpressure.seconds} s`);
    assert.ok(summary.durationSec < 30);
    assert.ok(summary.resources.some((r) => r.backpressure));
    // Tracked memory is what passed the limit: hyperd logs it with the default log mode.
    assert.equal(summary.memory.signal, "tracked");
    assert.ok(summary.peak.trackedMemoryMb! > 1, `tracked ${summary.peak.trackedMemoryMb} MB`);
    assert.match(run.stderr, /hyperd [\d.,]+\/1 MB tracked/);
  });
});

Deno.test("a tiny disk budget turns inserts into reads and the run goes on to its end", async () => {
  await withTempDir(async (dir) => {
    const run = new LiveRun([
      "stress",
      "--duration=12",
      "--max-disk-mb=1",
      // Once the stop after this long held read-only: now it must not stop the run.
      "--max-backpressure-sec=2",
      `--output-dir=${dir}`,
      ...QUICK,
    ]);
    assert.equal(await run.code(), 0, run.stderr);
    const summary = await readSummary(dir);
    assert.equal(summary.stopReason, "DurationElapsed", summary.stopDetail ?? "");
    assert.ok(summary.disk.writesRedirected > 0, "no write was redirected");
    assert.ok(summary.disk.usedMb > 1);
    // Read-only from the watch's first look over the budget to the stop, as wall time (the
    // users' clock of it); the watch looks once a second, so within a second and a half.
    const over = summary.watch.find((p) => p.diskMb > 1)!.atSec;
    const expected = summary.durationSec - over;
    assert.ok(
      Math.abs(summary.disk.readOnlySec! - expected) <= 1.5,
      `read-only ${summary.disk.readOnlySec} s; over the budget from ${over} s of ${summary.durationSec} s`,
    );
    assert.equal(summary.totals.failures, 0);
    assert.equal(summary.integrity.mismatches, 0);
    assert.match(run.stderr, /read-only/);
    const phase = summary.readOnly!;
    assert.ok(phase, "no read-only phase in the summary");
    assert.ok(summary.disk.readOnlySec! > 3 && phase.fromSec < 10, JSON.stringify(summary.disk));
    assert.ok(phase.insertRowsPerSec > summary.totals.insertRowsPerSec, JSON.stringify(phase));
    assert.match(run.stdout, /^Read-only: {4}from [\d.]+ s on/m);
    assert.match(run.stdout, /^PASSED/m);
    assert.match(run.stderr, /runs 12 s \(--duration\); its databases may use 1 MB in /);
    assert.match(run.stderr, /holds [\d.,]+ [kMG]B; remove its databases with: rm .*db_\*\.hyper/);
  });
});

Deno.test("--stop-on-disk-budget stops a run whose budget stays spent, and its verdict says so", async () => {
  await withTempDir(async (dir) => {
    const run = new LiveRun([
      "stress",
      "--duration=60",
      "--max-disk-mb=1",
      "--max-backpressure-sec=2",
      "--stop-on-disk-budget",
      "--remove-databases",
      `--output-dir=${dir}`,
      ...QUICK,
    ]);
    assert.equal(await run.code(), 0, run.stderr);
    const summary = await readSummary(dir);
    assert.equal(summary.stopReason, "ResourceLimit");
    assert.ok(summary.durationSec < 40, `ran ${summary.durationSec} s`);
    assert.match(run.stdout, /^PASSED \(stopped early: ResourceLimit: disk budget of 1 MB spent/m);
    // --remove-databases: the databases are gone, the artifacts stay.
    assert.match(run.stderr, /removed the databases \([\d.,]+ [kMG]B, --remove-databases\)/);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.ok(!left.some((name) => name.endsWith(".hyper")), left.join(", "));
    await assertArtifacts(dir);
  });
});
