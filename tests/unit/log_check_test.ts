import assert from "node:assert/strict";
import {
  durationSec,
  loadOnly,
  type LoggingFacts,
  loggingProblems,
  loggingWarning,
  readLogSettings,
} from "../../src/hyperd/log_check.ts";
import { type LogEntry, parseLogLine, type ResourceSample } from "../../src/hyperd/log_entries.ts";

/** hyperd 0.0.26359's startup-settings entry, cut to the resource-log settings. */
function settingsEntry(always: boolean, interval: string, mode: string): LogEntry {
  return parseLogLine(JSON.stringify({
    ts: "2026-12-06T10:01:37.044404",
    pid: 8555,
    tid: "7f08530c7940|hyperdMain",
    sev: "info",
    req: "-",
    sess: "-",
    k: "startup-settings",
    v: {
      log_resource_usage_always: always,
      log_resource_usage_interval: interval,
      log_resource_usage_mode: mode,
      memory_limit: "80%",
    },
  }))!;
}

function sample(figures: Partial<ResourceSample> = {}): ResourceSample {
  return {
    atMs: 0,
    memoryMb: 160,
    fileMappingsMb: 110,
    trackedMemoryMb: 1,
    overallLoad: 0,
    schedulerLoad: 0,
    memoryLoad: 0,
    activeThreads: 0,
    inactiveThreads: 2,
    waitingJobs: 0,
    processCpuPercent: 1,
    systemCpuPercent: 3,
    ...figures,
  };
}

Deno.test("readLogSettings() reads hyperd's resource-log settings from its startup-settings entry", () => {
  assert.deepEqual(readLogSettings(settingsEntry(false, "1s", "1875")), {
    always: false,
    intervalSec: 1,
    mode: 1875,
  });
  assert.deepEqual(readLogSettings(settingsEntry(true, "500ms", "2047")), {
    always: true,
    intervalSec: 0.5,
    mode: 2047,
  });
  const other = { ...settingsEntry(true, "1s", "2047"), k: "startup-info" };
  assert.equal(readLogSettings(other), null);
});

Deno.test("durationSec() reads hyperd's durations and refuses what it cannot read", () => {
  assert.equal(durationSec("5s"), 5);
  assert.equal(durationSec("250ms"), 0.25);
  assert.equal(durationSec("2min"), 120);
  assert.equal(durationSec("3"), 3);
  assert.equal(durationSec("0s"), null);
  assert.equal(durationSec("soon"), null);
});

Deno.test("loggingProblems() names hyperd's default logging: no idle sample, no CPU", () => {
  const defaults: LoggingFacts = {
    settings: { always: false, intervalSec: 1, mode: 1875 },
    sample: null,
    waitedSec: 0,
  };
  const problems = loggingProblems(defaults);
  assert.deepEqual(problems, [
    "it logs no resource sample while idle (log_resource_usage_always=0)",
    "its samples have no CPU (log_resource_usage_mode=1875)",
  ]);
  assert.equal(loadOnly(defaults), true);
  assert.equal(
    loggingWarning(problems),
    "hyperd's resource log cannot steer backpressure well: it logs no resource sample while " +
      "idle (log_resource_usage_always=0); its samples have no CPU " +
      "(log_resource_usage_mode=1875); start hyperd with --log_resource_usage_always=1 " +
      "--log_resource_usage_mode=2047",
  );
});

Deno.test("loggingProblems() finds nothing wrong with full logging, and judges by the sample", () => {
  const full: LoggingFacts = {
    settings: { always: true, intervalSec: 1, mode: 2047 },
    sample: sample(),
    waitedSec: 2,
  };
  assert.deepEqual(loggingProblems(full), []);
  assert.equal(loggingWarning([]), null);
  assert.equal(loadOnly(full), false);
  // No settings in the log (rotated away): the sample that came says what is there.
  const noTracked = { settings: null, sample: sample({ trackedMemoryMb: null }), waitedSec: 10 };
  assert.deepEqual(loggingProblems(noTracked), ["its samples have no tracked memory"]);
  const bare = {
    settings: null,
    sample: sample({ trackedMemoryMb: null, processCpuPercent: null }),
    waitedSec: 10,
  };
  assert.deepEqual(loggingProblems(bare), ["its samples have no CPU and no tracked memory"]);
  assert.equal(loadOnly(bare), true);
  // Nothing came while the check waited two intervals.
  assert.deepEqual(loggingProblems({ settings: null, sample: null, waitedSec: 10 }), [
    "no resource sample came within 10 s",
  ]);
});
