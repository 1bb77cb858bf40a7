import assert from "node:assert/strict";
import { join } from "node:path";
import { type LogEntry, parseLogLine } from "../../src/hyperd/log_entries.ts";
import { Monitor } from "../../src/hyperd/monitor.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const SAMPLES = new URL("../fixtures/hyperd_log_sample.jsonl", import.meta.url);

/** A real resource-metrics entry of the fixture with tracked memory set to `trackedMb`. */
async function sampleEntry(trackedMb: number): Promise<LogEntry> {
  const line = (await Deno.readTextFile(SAMPLES)).split("\n")
    .find((l) => l.includes('"resource-metrics"'))!;
  const entry = parseLogLine(line)!;
  const trackers = entry.v["mem-trackers"] as Record<string, Record<string, number>>;
  trackers.memory_tracked_current_usage_mb.global = trackedMb;
  return entry;
}

/**
 * A monitor on fake time (`clock.ms`), hyperd logging every second (stale after 3 s), its log
 * a file that never comes: entries are handed to it by the test. Users are held 0 s.
 */
async function withFakeTimeMonitor(
  body: (m: { monitor: Monitor; clock: { ms: number }; flags: boolean[] }) => Promise<void>,
) {
  await withTempDir(async (dir) => {
    const clock = { ms: 0 };
    const flags: boolean[] = [];
    const monitor = new Monitor({
      log: { file: join(dir, "hyperd.log"), startAtEnd: true },
      onBackpressure: (engaged) => flags.push(engaged),
      maxMemoryMb: 100,
      maxCpuPercent: 100,
      elapsedSec: () => clock.ms / 1000,
      heldSec: () => 0,
      logIntervalSec: 1,
      now: () => clock.ms,
    });
    monitor.start();
    try {
      await body({ monitor, clock, flags });
    } finally {
      await monitor.close();
    }
  });
}

Deno.test("Monitor releases backpressure when samples stop, and reports itself blind", async () => {
  await withFakeTimeMonitor(async ({ monitor, clock, flags }) => {
    assert.equal(monitor.staleAfterSec, 3);
    monitor.read(await sampleEntry(500));
    assert.deepEqual(flags, [true]);
    // hyperd goes quiet (idle, log_resource_usage_always=0): the gate holds up to the bound.
    clock.ms = 3000;
    monitor.tick();
    assert.deepEqual(flags, [true]);
    assert.equal(monitor.blindForSec(), 0);
    assert.ok(Math.abs(monitor.backpressureHeldSec() - 3) < 1e-9);
    clock.ms = 3100;
    monitor.tick();
    assert.deepEqual(flags, [true, false], "released once the sample is stale");
    assert.equal(monitor.backpressureHeldSec(), 0);
    clock.ms = 12_000;
    monitor.tick();
    assert.deepEqual(flags, [true, false], "a stale figure never engages it again");
    assert.equal(monitor.blindForSec(), 12, "the progress line's 'no resource sample for 12 s'");
    // A sample again: sight back, the blind spell is over (3 s to 15 s).
    clock.ms = 15_000;
    monitor.read(await sampleEntry(10));
    assert.equal(monitor.blindForSec(), 0);
    const { sight, backpressure } = monitor.report();
    assert.deepEqual(sight, {
      staleAfterSec: 3,
      blindSec: 12,
      blindSpells: 1,
      longestBlindSec: 12,
      staleReleases: 1,
      cpuSignal: "cpu",
    });
    assert.equal(backpressure.events, 1);
  });
});

Deno.test("Monitor that gets a sample every interval is never blind and holds while told to", async () => {
  await withFakeTimeMonitor(async ({ monitor, clock, flags }) => {
    for (let sec = 0; sec <= 20; sec++) {
      clock.ms = sec * 1000;
      monitor.read(await sampleEntry(500));
      clock.ms += 900;
      monitor.tick();
    }
    assert.ok(flags.every((f) => f), "held throughout");
    assert.ok(monitor.backpressureHeldSec() > 20);
    const { sight } = monitor.report();
    assert.equal(sight.blindSec, 0);
    assert.equal(sight.blindSpells, 0);
    assert.equal(sight.staleReleases, 0);
  });
});

Deno.test("Monitor with no sample at all is blind from the stale bound after its start", async () => {
  await withFakeTimeMonitor(async ({ monitor, clock, flags }) => {
    clock.ms = 2000;
    monitor.tick();
    assert.equal(monitor.blindForSec(), 0);
    clock.ms = 10_000;
    monitor.tick();
    assert.equal(monitor.blindForSec(), 10);
    assert.deepEqual(flags, []);
    await monitor.close();
    clock.ms = 50_000;
    // Blindness counts while the run goes on, not after the monitor has closed.
    assert.equal(monitor.report().sight.blindSec, 7);
    assert.equal(monitor.report().sight.cpuSignal, null);
  });
});

Deno.test("Monitor reports the users' held seconds, not a count from samples", () => {
  const monitor = new Monitor({
    log: null,
    onBackpressure: () => {},
    maxMemoryMb: 100,
    maxCpuPercent: 100,
    elapsedSec: () => 0,
    heldSec: () => 12.34,
  });
  assert.equal(monitor.report().backpressure.seconds, 12.3);
});

Deno.test("Monitor says once, at the first sample without CPU, that load stands in for it", async () => {
  let said = 0;
  const monitor = new Monitor({
    log: null,
    onBackpressure: () => {},
    onLoadOnly: () => said++,
    maxMemoryMb: 100,
    maxCpuPercent: 100,
    elapsedSec: () => 0,
    heldSec: () => 0,
  });
  monitor.read(await sampleEntry(1));
  assert.equal(said, 0, "this sample has a CPU figure");
  for (let i = 0; i < 3; i++) {
    const entry = await sampleEntry(1);
    // hyperd on macOS logs `cpu: {}`; mode 1875 leaves it out.
    entry.v.cpu = {};
    monitor.read(entry);
  }
  assert.equal(said, 1);
  assert.equal(monitor.report().sight.cpuSignal, "load");
});
