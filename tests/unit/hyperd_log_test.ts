import assert from "node:assert/strict";
import {
  type LogEntry,
  parseLogLine,
  parseLogTime,
  readResourceSample,
  readServerError,
} from "../../src/hyperd/log_entries.ts";

// Lines captured from a real hyperd (main.0.0.26359, Linux, 2 cores, --memory_limit=300m).
const FIXTURE = new URL("../fixtures/hyperd_log_sample.jsonl", import.meta.url);
const ROTATED_FIXTURE = new URL("../fixtures/hyperd_log_rotated_sample.jsonl", import.meta.url);
// One resource-metrics entry (log mode 2047) from the end of a 10-minute run.
const MEM_TRACKERS_FIXTURE = new URL(
  "../fixtures/hyperd_resource_metrics_mem_trackers.jsonl",
  import.meta.url,
);

async function fixtureLines(url = FIXTURE): Promise<string[]> {
  return (await Deno.readTextFile(url)).split("\n").filter((line) => line !== "");
}

async function fixtureEntries(url = FIXTURE): Promise<LogEntry[]> {
  return (await fixtureLines(url)).map((line) => {
    const entry = parseLogLine(line);
    assert.ok(entry, `fixture line does not parse: ${line.slice(0, 80)}`);
    return entry;
  });
}

function assertNear(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-6, `${actual} ≉ ${expected}`);
}

Deno.test("parseLogLine() reads every line of a real hyperd log", async () => {
  const entries = [...await fixtureEntries(), ...await fixtureEntries(ROTATED_FIXTURE)];
  const kinds = new Set(entries.map((e) => e.k));
  for (
    const kind of [
      "startup-info",
      "server-ready",
      "resource-metrics",
      "query-end",
      "query-end-user-error",
      "query-end-system-error",
      "log-rotate",
    ]
  ) {
    assert.ok(kinds.has(kind), `no ${kind} entry`);
  }
  const ready = entries.find((e) => e.k === "server-ready")!;
  assert.equal(ready.pid, 24661);
  assert.equal(ready.tid, "7f4fd08a6940|hyperdMain");
  assert.equal(ready.sev, "info");
  assert.equal(ready.sess, "-");
  assert.deepEqual(ready.v, { elapsed: 0.0086978 });
});

Deno.test("parseLogLine() returns null for lines that are not log entries", () => {
  const good = '{"ts":"2026-11-23T22:32:20.374509","k":"server-ready","v":{}}';
  assert.ok(parseLogLine(good));
  for (
    const bad of [
      "",
      "not json",
      good.slice(0, 30),
      "[]",
      "null",
      "42",
      '{"k":"server-ready"}',
      '{"ts":"2026-11-23T22:32:20.374509"}',
      '{"ts":1,"k":"server-ready"}',
    ]
  ) {
    assert.equal(parseLogLine(bad), null, bad);
  }
});

Deno.test("parseLogTime() reads ts as local time and keeps the microseconds", () => {
  const expected = new Date(2026, 10, 23, 22, 32, 21).getTime() + 375.702;
  assertNear(parseLogTime("2026-11-23T22:32:21.375702"), expected);
  assert.equal(parseLogTime("2026-11-23T22:32:21"), expected - 375.702);
  assert.ok(Number.isNaN(parseLogTime("yesterday")));
});

Deno.test("readResourceSample() reads memory, load, threads and CPU from real samples", async () => {
  const samples = (await fixtureEntries()).map(readResourceSample).filter((s) => s !== null);
  assert.equal(samples.length, 5);

  const idle = samples[0];
  assertNear(idle.atMs, new Date(2026, 10, 23, 22, 32, 21).getTime() + 375.702);
  assert.equal(idle.memoryMb, 116.836);
  assert.equal(idle.overallLoad, 0);
  assert.equal(idle.activeThreads, 0);
  assert.equal(idle.inactiveThreads, 4);
  assert.equal(idle.waitingJobs, 0);
  // Idle on Linux is a measured zero, not "unknown".
  assert.equal(idle.processCpuPercent, 0);
  assertNear(idle.systemCpuPercent, 18.6435);

  const busy = samples[1];
  assert.equal(busy.activeThreads, 2);
  assert.equal(busy.inactiveThreads, 2);
  assert.equal(busy.schedulerLoad, 0.5);
  assertNear(busy.processCpuPercent, 99);
  assertNear(busy.systemCpuPercent, 100);

  const nearLimit = samples[3];
  assert.equal(nearLimit.memoryMb, 712.438);
  assert.equal(nearLimit.overallLoad, 0.993002);
  assert.equal(nearLimit.memoryLoad, 0.993002);
});

Deno.test("readResourceSample() reads physical, file-mapped and tracked memory apart", async () => {
  // The end of a 10-minute run: physical memory is mostly the mapped .hyper files.
  const [line] = await fixtureLines(MEM_TRACKERS_FIXTURE);
  const sample = readResourceSample(parseLogLine(line)!);
  assert.ok(sample);
  assert.equal(sample.memoryMb, 4125.7);
  assert.equal(sample.fileMappingsMb, 3522.66);
  assert.equal(sample.trackedMemoryMb, 200.466);
  // An idle hyperd tracks nothing: a measured zero, not a missing figure.
  const idle = readResourceSample(
    (await fixtureEntries()).find((e) => e.k === "resource-metrics")!,
  );
  assert.equal(idle?.trackedMemoryMb, 0);
  assert.equal(idle?.fileMappingsMb, 95.3359);
});

Deno.test("readResourceSample() gives null tracked memory without mem-trackers (log mode bit 2)", async () => {
  const [line] = await fixtureLines(MEM_TRACKERS_FIXTURE);
  const { "mem-trackers": _trackers, ...v } = JSON.parse(line).v;
  const entry = parseLogLine(JSON.stringify({ ...JSON.parse(line), v }))!;
  const sample = readResourceSample(entry);
  assert.ok(sample);
  assert.equal(sample.trackedMemoryMb, null);
  assert.equal(sample.memoryMb, 4125.7);
  assert.equal(sample.fileMappingsMb, 3522.66);
  // An older hyperd without the file-mapping figure.
  const { process_file_mappings_mb: _mappings, ...memory } = v.memory;
  const older = readResourceSample({ ...entry, v: { ...v, memory } });
  assert.equal(older?.fileMappingsMb, null);
  assert.equal(older?.memoryMb, 4125.7);
});

Deno.test("readResourceSample() reports CPU as null, not zero, when v.cpu is {} (macOS)", async () => {
  const line = (await fixtureLines()).find((l) => l.includes('"k":"resource-metrics"'))!;
  const raw = JSON.parse(line);
  raw.v.cpu = {};
  const sample = readResourceSample(parseLogLine(JSON.stringify(raw))!);
  assert.ok(sample);
  assert.equal(sample.processCpuPercent, null);
  assert.equal(sample.systemCpuPercent, null);
  assert.equal(sample.memoryMb, 116.836);
});

Deno.test("readResourceSample() returns null for other kinds and for samples without memory", async () => {
  const entries = await fixtureEntries();
  assert.equal(readResourceSample(entries.find((e) => e.k === "query-end")!), null);
  const metrics = entries.find((e) => e.k === "resource-metrics")!;
  const { memory: _memory, ...withoutMemory } = metrics.v;
  assert.equal(readResourceSample({ ...metrics, v: withoutMemory }), null);
});

Deno.test("readServerError() reads user and system query errors and nothing else", async () => {
  const entries = await fixtureEntries();
  const errors = entries.map(readServerError).filter((e) => e !== null);
  assert.deepEqual(errors.map((e) => [e.kind, e.code]), [
    ["user", "22012"],
    ["user", "42P01"],
    ["user", "22003"],
    ["system", "53S02"],
  ]);
  assert.equal(errors[0].message, "division by zero");
  assert.match(errors[3].message, /global memory limit/);
  assertNear(errors[0].atMs, new Date(2026, 10, 23, 22, 32, 26).getTime() + 748.64);
  // A cancelled query is neither.
  assert.equal(readServerError(entries.find((e) => e.k === "query-end-canceled")!), null);
});
