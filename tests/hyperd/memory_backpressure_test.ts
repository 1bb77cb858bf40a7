import assert from "node:assert/strict";
import { join } from "node:path";
import type { Summary } from "../../src/results/summary.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { quickRun } from "../helpers/quick_run.ts";

// One user of each class on one database. Measured on hyperd 0.0.26359 (2 cores): tracked
// memory 6 MB after set-up and 13 to 17 MB under this load; physical memory 140 to 265 MB, of
// which 112 to 135 MB are file mappings (hyperd's own binary, then the .hyper file).
const QUICK = [
  ...quickRun(11),
  // Only memory is under test: CPU cannot pass 100% of the cores.
  "--max-cpu-percent=100",
];

Deno.test("a limit between tracked and physical memory never engages backpressure", async () => {
  await withTempDir(async (dir) => {
    const limitMb = 100;
    const run = new LiveRun([
      "stress",
      "--duration=8",
      `--max-memory-mb=${limitMb}`,
      `--output-dir=${dir}`,
      ...QUICK,
    ]);
    assert.equal(await run.code(), 0, run.stderr);
    const summary: Summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    const { peak } = summary;
    // The ground the test stands on: mapped files alone pass the limit, tracked memory does not.
    assert.ok(peak.fileMappingsMb! > limitMb, `file mappings ${peak.fileMappingsMb} MB`);
    assert.ok(peak.memoryMb! > limitMb, `physical ${peak.memoryMb} MB`);
    assert.ok(peak.trackedMemoryMb! < 0.9 * limitMb, `tracked ${peak.trackedMemoryMb} MB`);
    assert.equal(summary.memory.signal, "tracked");
    assert.equal(summary.stopReason, "DurationElapsed");
    assert.deepEqual(summary.backpressure, { events: 0, seconds: 0 });
    assert.ok(summary.resources.length >= 5, `${summary.resources.length} samples`);
    assert.ok(summary.resources.every((r) => !r.backpressure && r.trackedMemoryMb !== null));
    assert.doesNotMatch(run.stderr, /BACKPRESSURE/);
    assert.ok(summary.totals.ops > 0);
  });
});
