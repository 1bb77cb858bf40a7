import assert from "node:assert/strict";
import { formatSize, startLine } from "../../src/cli/run_footprint.ts";
import { readOnlyPhase } from "../../src/results/read_only.ts";
import { type VerdictInput, verdictLine } from "../../src/results/verdict.ts";

/** One watch look a second for `sec` seconds, read-only from `fromSec` on. */
function looks(sec: number, fromSec: number) {
  return Array.from({ length: sec }, (_, i) => ({ atSec: i + 1, readOnly: i + 1 >= fromSec }));
}

Deno.test("readOnlyPhase() is null when the disk budget was never spent", () => {
  assert.equal(readOnlyPhase(looks(10, 99), 10, 0, 500), null);
  // A summary written before the watch recorded read-only looks.
  assert.equal(readOnlyPhase([{ atSec: 1 }, { atSec: 2 }], 2, 0, 500), null);
});

Deno.test("readOnlyPhase() rates inserts over the time they were allowed, not the whole run", () => {
  // 300 s run, read-only from 218 s: 82 s reading only, 218 s of inserts.
  const phase = readOnlyPhase(looks(300, 218), 300, 0, 218_000)!;
  assert.equal(phase.fromSec, 218);
  assert.equal(phase.insertSec, 218);
  assert.equal(phase.insertRowsPerSec, 1000);
});

Deno.test("readOnlyPhase() leaves the warm-up out of the seconds inserts were allowed", () => {
  const phase = readOnlyPhase(looks(100, 51), 100, 10, 41_000)!;
  assert.equal(phase.insertSec, 41);
  assert.equal(phase.insertRowsPerSec, 1000);
});

Deno.test("verdictLine() says a passed run stopped early, and why", () => {
  const base: Omit<VerdictInput, "stopReason"> = {
    exitCode: 0,
    thresholds: [],
    integrity: { checked: true, skipped: null, mismatches: 0, tables: [] },
    findings: [],
  };
  assert.equal(verdictLine({ ...base, stopReason: "DurationElapsed", stopDetail: null }), "PASSED");
  assert.equal(verdictLine({ ...base, stopReason: "UsersFinished", stopDetail: "x" }), "PASSED");
  assert.equal(
    verdictLine({
      ...base,
      stopReason: "ResourceLimit",
      stopDetail: "backpressure held for 61 s",
    }),
    "PASSED (stopped early: ResourceLimit: backpressure held for 61 s)",
  );
});

Deno.test("startLine() says how long, how much disk and where, and what a spent budget does", () => {
  const config = {
    duration: 300,
    maxDiskMb: 2048,
    stopOnDiskBudget: false,
    endpoint: undefined,
    databaseDir: undefined,
  };
  assert.equal(
    startLine(config, "/tmp/run"),
    "runs 300 s (--duration); its databases may use 2,048 MB in /tmp/run (--max-disk-mb), " +
      "then inserts turn into reads and the run goes on",
  );
  assert.match(startLine({ ...config, stopOnDiskBudget: true }, "/tmp/run"), /then it stops$/);
  assert.equal(formatSize(2.5 * 1024 ** 3), "2.5 GB");
  assert.equal(formatSize(12 * 1024 ** 2), "12 MB");
  assert.equal(formatSize(100), "1 kB");
});
