import assert from "node:assert/strict";
import { join } from "node:path";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { processExists } from "../helpers/hyperd.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";
import { stillListening, withStandaloneHyperd } from "../helpers/standalone_hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { EXIT } from "../../src/verdict_policy.ts";

Deno.test("an attached run passes with integrity, reads peaks from the given log and leaves hyperd running", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const out = join(dir, "out");
    // What the server logged before the run is not the run's: the monitor starts at the end.
    const logBefore = (await Deno.stat(hyperd.logFile)).size;
    const result = await runCli([
      "stress",
      `--endpoint=${hyperd.endpoint}`,
      `--hyperd-log=${hyperd.logFile}`,
      "--duration=5",
      `--output-dir=${out}`,
      ...quickRun(41),
    ], hyperdEnv());
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /attached to hyperd at 127\.0\.0\.1:\d+: Hyper .*hyper version/);
    assert.doesNotMatch(result.stderr, /hyperd pid/);
    const summary = await readSummary(out);
    assert.equal(summary.stopReason, "DurationElapsed");
    assert.equal(summary.totals.failures, 0);
    assert.ok(summary.totals.ops > 0);
    assert.equal(summary.integrity.checked, true);
    assert.equal(summary.integrity.mismatches, 0);
    assert.deepEqual(summary.server, {
      mode: "attached",
      endpoint: hyperd.endpoint,
      databaseDir: out,
      log: hyperd.logFile,
      monitorOff: null,
      diskOff: null,
      logging: null,
    });
    // A hyperd that logs as backpressure needs: no warning, and the monitor never blind.
    assert.doesNotMatch(result.stderr, /cannot steer backpressure|load only/);
    assert.equal(summary.sight?.staleAfterSec, 3, "1-s interval from hyperd's startup-settings");
    assert.equal(summary.sight?.blindSec, 0);
    assert.equal(summary.sight?.cpuSignal, "cpu");
    assert.ok(!summary.findings.some((f) => f.kind === "blind-monitor"));
    assert.ok((summary.peak.memoryMb ?? 0) > 0, "peaks come from the server's log");
    assert.ok(summary.resources.length >= 2, "one resource sample a second");
    assert.ok((await Deno.stat(hyperd.logFile)).size > logBefore);
    // hyperstress started no hyperd of its own, and the one it loaded still serves.
    await assert.rejects(Deno.stat(join(out, "log")), Deno.errors.NotFound);
    assert.ok(processExists(hyperd.pid), "the attached hyperd must still run");
    assert.ok(await stillListening(hyperd), "the attached hyperd must still answer");
  });
});

Deno.test("an attached run without --hyperd-log says the monitor is off", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const out = join(dir, "out");
    const result = await runCli([
      "stress",
      `--endpoint=${hyperd.endpoint}`,
      "--duration=2",
      `--output-dir=${out}`,
      ...quickRun(42),
    ], hyperdEnv());
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /monitor off: no --hyperd-log given/);
    const summary = await readSummary(out);
    assert.match(summary.server?.monitorOff ?? "", /no --hyperd-log/);
    assert.equal(summary.resources.length, 0);
    const report = await Deno.readTextFile(join(out, "report.html"));
    assert.match(report, /Monitor off: no --hyperd-log/);
  });
});

Deno.test("the attached hyperd killed mid-run gives ServerUnreachable, exit 4 and artifacts", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const out = join(dir, "out");
    const run = new LiveRun([
      "stress",
      `--endpoint=${hyperd.endpoint}`,
      "--duration=60",
      "--stall-sec=3",
      `--output-dir=${out}`,
      ...quickRun(43),
    ]);
    await run.waitFor(/ops\/s/);
    hyperd.kill("SIGKILL");
    assert.equal(await run.code(), 4, run.stderr);
    const summary = await readSummary(out);
    assert.equal(summary.stopReason, "ServerUnreachable");
    // The probe runs once a second and may be late under load: at least --stall-sec, never far past.
    const refusedSec = Number(
      /refused connections for (\d+) s/.exec(summary.stopDetail ?? "")?.[1],
    );
    assert.ok(refusedSec >= 3 && refusedSec <= 10, summary.stopDetail ?? "no detail");
    assert.equal(summary.exitCode, 4);
    assert.equal(summary.integrity.checked, false);
    assert.ok(summary.totals.ops > 0);
    for (const file of ["summary.json", "replay.json", "report.html"]) {
      assert.ok((await Deno.stat(join(out, file))).size > 0, `${file} is missing`);
    }
  });
});

Deno.test("attaching refuses what cannot work before anything starts", async () => {
  await withTempDir(async (dir) => {
    const segments = await runCli(["stress", "--segment=0/2", `--output-dir=${dir}`]);
    assert.equal(segments.code, 2, segments.stderr);
    // Given as a flag, it is named as the flag.
    assert.match(segments.stderr, /--segment: expected --endpoint \(STRESS_ENDPOINT\)/);
    // Port 1 on loopback: nothing listens there.
    const nobody = await runCli(["stress", "--endpoint=127.0.0.1:1", `--output-dir=${dir}`]);
    assert.equal(nobody.code, EXIT.environment, nobody.stderr);
    assert.match(nobody.stderr, /nothing answers at --endpoint 127\.0\.0\.1:1: start hyperd/);
    // A remote server needs its host in --allow-net, which the tasks do not grant.
    const remote = await runCli(["stress", "--endpoint=192.0.2.1:7483", `--output-dir=${dir}`]);
    assert.equal(remote.code, 2, remote.stderr);
    assert.match(remote.stderr, /missing permission.*--allow-net/);
  });
});
