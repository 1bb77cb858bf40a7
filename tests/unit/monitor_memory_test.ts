import assert from "node:assert/strict";
import { fakeClock } from "../helpers/fake_clock.ts";
import { join } from "node:path";
import { parseLogTime } from "../../src/hyperd/log_entries.ts";
import { Monitor } from "../../src/hyperd/monitor.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

// Real resource samples of one hyperd: tracked memory 0, 2.2, 198.8, 297.9 and 0 MB, while
// physical memory is 117, 128, 324, 712 and 177 MB (95 to 370 MB of it file mappings).
const SAMPLES = new URL("../fixtures/hyperd_log_sample.jsonl", import.meta.url);

/** The fixture's lines, each changed by `edit` (for log modes hyperd was not run with). */
async function logLines(edit: (entry: Record<string, unknown>) => void = () => {}) {
  const text = await Deno.readTextFile(SAMPLES);
  return text.split("\n").filter((l) => l !== "").map((line) => {
    const entry = JSON.parse(line);
    edit(entry);
    return JSON.stringify(entry);
  });
}

/**
 * Runs a monitor over `lines` as hyperd's log and returns its report and flag changes; the run
 * started `runStartMs` (epoch ms; default: before the fixture's first line).
 */
async function monitorOver(lines: string[], maxMemoryMb: number, runStartMs = 0) {
  return await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "hyperd.log"), lines.join("\n") + "\n");
    const flags: boolean[] = [];
    const wall = fakeClock(Date.parse("2026-12-01T00:00:00Z"));
    const monitor = new Monitor({
      log: { file: join(dir, "hyperd.log"), startAtEnd: false },
      onBackpressure: (engaged) => flags.push(engaged),
      maxMemoryMb,
      // CPU never engages here: only memory is under test.
      maxCpuPercent: 100,
      memoryLimitMb: 300,
      // The run's seconds and the log's times on one wall clock that stands still: no sample's
      // second depends on how long reading the log took.
      elapsedSec: () => (wall.now() - runStartMs) / 1000,
      wallClock: wall.now,
      heldSec: () => 0,
    });
    monitor.start();
    await monitor.close();
    return { report: monitor.report(), flags: flags.slice(0, -1) };
  });
}

Deno.test("Monitor engages backpressure on tracked memory and releases when it falls", async () => {
  const { report, flags } = await monitorOver(await logLines(), 100);
  assert.deepEqual(flags, [false, false, true, true, false]);
  assert.equal(report.backpressure.events, 1);
  assert.deepEqual(report.memory, { signal: "tracked", limitMb: 300 });
  assert.equal(report.peak.trackedMemoryMb, 297.901);
  assert.equal(report.peak.memoryMb, 712.438);
  assert.equal(report.peak.fileMappingsMb, 369.734);
  assert.deepEqual(report.timeline.map((p) => p.trackedMemoryMb), [0, 2.233, 198.774, 297.901, 0]);
  assert.deepEqual(report.timeline.map((p) => p.backpressure), flags);
});

Deno.test("Monitor places samples by the log's time; those before the run only steer the gate", async () => {
  const lines = await logLines();
  const sampleMs = lines.map((line) => JSON.parse(line))
    .filter((entry) => entry.k === "resource-metrics").map((entry) => parseLogTime(entry.ts));
  // The run started between the second and the third of the five samples; read in one burst.
  const runStartMs = (sampleMs[1] + sampleMs[2]) / 2;
  const { report, flags } = await monitorOver(lines, 100, runStartMs);
  assert.deepEqual(flags, [false, false, true, true, false]);
  assert.deepEqual(report.timeline.map((p) => p.trackedMemoryMb), [198.774, 297.901, 0]);
  const expected = sampleMs.slice(2).map((ms) => Math.round(ms - runStartMs) / 1000);
  report.timeline.forEach((p, i) =>
    assert.ok(Math.abs(p.atSec - expected[i]) <= 0.005, `${p.atSec}`)
  );
});

Deno.test("Monitor ignores mapped files: physical memory over the limit, tracked under it", async () => {
  // Physical memory passes 300 MB twice; tracked memory stays under it.
  const { report, flags } = await monitorOver(await logLines(), 300);
  assert.ok(report.peak.memoryMb! > 300);
  assert.deepEqual(flags, [false, false, false, false, false]);
  assert.equal(report.backpressure.events, 0);
});

Deno.test("Monitor falls back to physical minus file mappings without mem-trackers, and says so", async () => {
  const lines = await logLines((entry) => {
    delete (entry.v as Record<string, unknown>)["mem-trackers"];
  });
  // Physical minus mappings: 21.5, 25.3, 207.8, 342.7 and 60.3 MB.
  const { report, flags } = await monitorOver(lines, 200);
  assert.equal(report.memory.signal, "physical-minus-mappings");
  assert.deepEqual(flags, [false, false, true, true, false]);
  assert.equal(report.peak.trackedMemoryMb, null);
  assert.ok(report.timeline.every((p) => p.trackedMemoryMb === null));
});

Deno.test("Monitor without a log is off: no samples, no backpressure, nothing to close", async () => {
  const flags: boolean[] = [];
  const monitor = new Monitor({
    log: null,
    onBackpressure: (engaged) => flags.push(engaged),
    maxMemoryMb: 1,
    maxCpuPercent: 1,
    elapsedSec: () => 0,
    heldSec: () => 0,
  });
  monitor.start();
  await monitor.close();
  const report = monitor.report();
  assert.equal(report.samples, 0);
  assert.equal(report.memory.signal, null);
  assert.equal(report.peak.memoryMb, null);
  assert.deepEqual(flags, [false]);
});
