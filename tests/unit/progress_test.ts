import assert from "node:assert/strict";
import { Progress, progressLine, type ProgressView } from "../../src/cli/progress.ts";
import type { Config } from "../../src/config/settings.ts";
import type { LiveView } from "../../src/run/stress.ts";
import type { ResourceSample } from "../../src/hyperd/log_entries.ts";
import { type IntervalTally, OpStats } from "../../src/stats/op_stats.ts";
import { RunStats } from "../../src/stats/run_stats.ts";
import { SharedFlags } from "../../src/users/shared_flags.ts";

const CONFIG = { duration: 60, maxDiskMb: 2048, maxMemoryMb: 4096 };
const MB = 1024 * 1024;

/** A worker's interval: `ops` simple selects of `ms` each, `failures` of them failed. */
function tick(ops: number, ms: number, insertedRows = 0, failures = 0): IntervalTally {
  const stats = new OpStats();
  for (let i = 0; i < ops; i++) {
    if (i < failures) {
      stats.recordFailure("SimpleSelect", ms, {
        atSec: 0,
        user: 0,
        op: "SimpleSelect",
        message: "",
      });
    } else {
      stats.recordSuccess(0, "SimpleSelect", ms, 0);
    }
  }
  if (insertedRows > 0) stats.recordInsert(0, "orders", insertedRows);
  return stats.tick();
}

function sample(
  memoryMb: number,
  overallLoad: number,
  memory: Pick<ResourceSample, "fileMappingsMb" | "trackedMemoryMb"> = {
    fileMappingsMb: null,
    trackedMemoryMb: null,
  },
): ResourceSample {
  return {
    atMs: 0,
    memoryMb,
    ...memory,
    overallLoad,
    schedulerLoad: 0.1,
    memoryLoad: 0.1,
    activeThreads: 4,
    inactiveThreads: 0,
    waitingJobs: 0,
    processCpuPercent: 20,
    systemCpuPercent: 30,
  };
}

/** A view of a run at `elapsedSec`; the monitor is the only stand-in, for its latest sample. */
function view(
  stats: RunStats,
  options: {
    elapsedSec?: number;
    latest?: ResourceSample | null;
    diskMb?: number;
    flags?: SharedFlags;
  } = {},
): ProgressView {
  return {
    elapsedSec: options.elapsedSec ?? 10,
    stats,
    monitor: { latest: () => options.latest ?? null },
    diskBytes: (options.diskMb ?? 0) * MB,
    flags: options.flags ?? new SharedFlags(),
  };
}

/** The line's fields, split on the two spaces between them. */
function fields(line: string): string[] {
  return line.split("  ");
}

Deno.test("progressLine() reports ops/s, rows/s and p95 over the interval, not the whole run", () => {
  const stats = new RunStats();
  // Seconds 1 to 5, before the interval: many slow ops that must not count.
  for (let sec = 1; sec <= 5; sec++) stats.addTick(tick(400, 500, 90_000, 1), sec);
  const first = fields(progressLine(view(stats, { elapsedSec: 5 }), CONFIG, 0));
  assert.equal(first[3], "p95 500.0 ms");
  // Seconds 6 to 10: 30 ops and 5,000 rows a second, 10 ms each.
  for (let sec = 6; sec <= 10; sec++) stats.addTick(tick(30, 10, 5_000), sec);

  const line = fields(progressLine(view(stats, { elapsedSec: 10 }), CONFIG, 5));
  assert.equal(line[0], "[10/60s]");
  assert.equal(line[1], "30.0 ops/s");
  assert.equal(line[2], "5,000 rows/s");
  assert.equal(line[3], "p95 10.0 ms");
  // Failures count the whole run so far.
  assert.equal(line[4], "failures 5");
});

Deno.test("progressLine() divides by the seconds since the last line, fractions included", () => {
  const stats = new RunStats();
  for (let sec = 1; sec <= 3; sec++) stats.addTick(tick(25, 2), sec);
  // 75 ops over 2.5 seconds.
  const line = fields(progressLine(view(stats, { elapsedSec: 2.5 }), CONFIG, 0));
  assert.equal(line[0], "[3/60s]");
  assert.equal(line[1], "30.0 ops/s");
  assert.equal(line[2], "0 rows/s");
});

Deno.test("progressLine() flags BACKPRESSURE while users are paused, else says flowing", () => {
  const stats = new RunStats();
  const flags = new SharedFlags();
  assert.ok(progressLine(view(stats, { flags }), CONFIG, 0).includes("  flowing  "));
  assert.ok(!progressLine(view(stats, { flags }), CONFIG, 0).includes("BACKPRESSURE"));
  flags.backpressure = true;
  const line = progressLine(view(stats, { flags }), CONFIG, 0);
  assert.ok(fields(line).includes("BACKPRESSURE"), line);
  assert.ok(!line.includes("flowing"), line);
  // A --verify-every checkpoint holds users on purpose: it says so.
  flags.backpressure = false;
  flags.verifyPause = true;
  const verifying = progressLine(view(stats, { flags }), CONFIG, 0);
  assert.ok(fields(verifying).includes("verifying"), verifying);
  assert.ok(!verifying.includes("flowing"), verifying);
});

Deno.test("progressLine() notes read-only mode once the disk budget is spent", () => {
  const stats = new RunStats();
  const flags = new SharedFlags();
  const under = fields(progressLine(view(stats, { flags, diskMb: 1500.4 }), CONFIG, 0));
  assert.equal(under.at(-1), "disk 1,500/2,048 MB");
  flags.diskFull = true;
  const full = fields(progressLine(view(stats, { flags, diskMb: 2049.6 }), CONFIG, 0));
  assert.equal(full.at(-1), "disk 2,050/2,048 MB (read-only)");
});

Deno.test("progressLine() says it waits for hyperd's first resource sample until there is one", () => {
  const stats = new RunStats();
  const before = fields(progressLine(view(stats, { latest: null }), CONFIG, 0));
  assert.equal(before[5], "waiting for the first resource sample");
  // At 80 columns too: the zero p95 of the first seconds makes room for it.
  const fitted = progressLine(view(stats, { latest: null, elapsedSec: 1 }), CONFIG, 0, 79);
  assert.equal(fitted, "[1/60s]  0.0 ops/s  failures 0  waiting for the first resource sample");
  const tracked = sample(4125.7, 0.456, { fileMappingsMb: 3522.7, trackedMemoryMb: 200.46 });
  const after = fields(progressLine(view(stats, { latest: tracked }), CONFIG, 0));
  assert.equal(after[5], "hyperd 200.5/4,096 MB tracked load 0.46");
});

Deno.test("progressLine() names the stand-in memory figure when hyperd logs no tracked memory", () => {
  const stats = new RunStats();
  const untracked = sample(1234.4, 0.1, { fileMappingsMb: 1000, trackedMemoryMb: null });
  const line = fields(progressLine(view(stats, { latest: untracked }), CONFIG, 0));
  assert.equal(line[5], "hyperd 234.4/4,096 MB physical-minus-mappings load 0.10");
  const physical = fields(progressLine(view(stats, { latest: sample(1234.4, 0.1) }), CONFIG, 0));
  assert.equal(physical[5], "hyperd 1,234.4/4,096 MB physical load 0.10");
});

Deno.test("progressLine() shows zero rates and a zero p95 for an interval without ticks", () => {
  const stats = new RunStats();
  stats.addTick(tick(10, 3), 1);
  progressLine(view(stats, { elapsedSec: 2 }), CONFIG, 0);
  const line = fields(progressLine(view(stats, { elapsedSec: 7 }), CONFIG, 2));
  assert.deepEqual(line.slice(1, 5), ["0.0 ops/s", "0 rows/s", "p95 0.0 ms", "failures 0"]);
});

Deno.test("progressLine() says how long no operation completed, and flags a saturated client", () => {
  const stats = new RunStats();
  const quiet = progressLine({ ...view(stats), quietSec: 12 }, CONFIG, 5);
  assert.match(quiet, /no operation completed for 12 s/);
  const brief = progressLine({ ...view(stats), quietSec: 2 }, CONFIG, 5);
  assert.doesNotMatch(brief, /no operation completed/);
  const busy = progressLine(
    { ...view(stats), clientSaturated: true, clientCpuPercent: 93.4 },
    CONFIG,
    5,
  );
  assert.match(busy, /CLIENT SATURATED \(93% of cores\)/);
  assert.doesNotMatch(progressLine(view(stats), CONFIG, 5), /SATURATED/);
});

/** A busy run's view: every field shown, long numbers, hyperd sampled. */
function busyView(flags = new SharedFlags()): ProgressView {
  const stats = new RunStats();
  for (let sec = 1; sec <= 10; sec++) stats.addTick(tick(12_345, 123.4, 1_234_567, 3), sec);
  const latest = sample(3000, 0.97, { fileMappingsMb: 2000, trackedMemoryMb: 1234.5 });
  return { ...view(stats, { elapsedSec: 10, latest, diskMb: 1999, flags }), quietSec: 0 };
}

Deno.test("progressLine() with a width fits it, dropping the least important fields first", () => {
  const full = progressLine(busyView(), CONFIG, 5);
  assert.ok(full.length > 100, full);
  const fitted = progressLine(busyView(), CONFIG, 5, 79);
  assert.ok(fitted.length <= 79, fitted);
  // Kept in their order; "flowing", disk, rows/s and p95 go first, hyperd's state is shortened.
  assert.deepEqual(fields(fitted), [
    "[10/60s]",
    "12,345.0 ops/s",
    "failures 30",
    "hyperd 1,235/4,096 MB load 0.97",
  ]);
  assert.deepEqual(fields(progressLine(busyView(), CONFIG, 5, 96)), [
    "[10/60s]",
    "12,345.0 ops/s",
    "p95 123.4 ms",
    "failures 30",
    "hyperd 1,234.5/4,096 MB tracked load 0.97",
  ]);
  assert.deepEqual(fields(progressLine(busyView(), CONFIG, 5, 40)), [
    "[10/60s]",
    "12,345.0 ops/s",
    "failures 30",
  ]);
  assert.equal(progressLine(busyView(), CONFIG, 5, 500), full);
});

Deno.test("progressLine() keeps alarms longest and cuts only what never fits", () => {
  const flags = new SharedFlags();
  flags.backpressure = true;
  flags.diskFull = true;
  const alarms = { ...busyView(flags), quietSec: 12, clientSaturated: true, clientCpuPercent: 96 };
  const line = progressLine(alarms, CONFIG, 5, 79);
  assert.ok(line.length <= 79, line);
  assert.deepEqual(fields(line).slice(0, 3), [
    "[10/60s]",
    "BACKPRESSURE",
    "disk 1,999/2,048 MB (read-only)",
  ]);
  // Alarms go too when nothing else is left; narrower than the elapsed time, it is cut.
  assert.equal(progressLine(alarms, CONFIG, 5, 20), "[10/60s]");
  assert.equal(progressLine(alarms, CONFIG, 5, 5), "[10/…");
  for (let width = 1; width <= 120; width++) {
    assert.ok(progressLine(alarms, CONFIG, 5, width).length <= width, `width ${width}`);
  }
});

Deno.test("Progress redraws one fitted line on a terminal and prints full lines in a log", () => {
  const written: string[] = [];
  const write = Deno.stderr.writeSync;
  Deno.stderr.writeSync = (bytes: Uint8Array) => {
    written.push(new TextDecoder().decode(bytes));
    return bytes.length;
  };
  try {
    const config = { ...CONFIG, progressInterval: 1 } as unknown as Config;
    const terminal = new Progress(config, true, () => 80);
    terminal.update(busyView() as unknown as LiveView);
    terminal.finish();
    const log = new Progress(config, false, () => 80);
    log.update(busyView() as unknown as LiveView);
    log.finish();
  } finally {
    Deno.stderr.writeSync = write;
  }
  const [redrawn, end, logged] = written;
  assert.ok(redrawn.startsWith("\r\x1b[2K"), JSON.stringify(redrawn));
  assert.ok(redrawn.length - "\r\x1b[2K".length <= 79, redrawn);
  assert.equal(end, "\n");
  assert.ok(logged.endsWith("\n") && logged.length > 100, logged);
  assert.equal(written.length, 3);
});

Deno.test("progressLine() says hyperd is not monitored when there is no log to read", () => {
  const stats = new RunStats();
  const line = progressLine(
    { ...view(stats), monitor: { latest: () => null, watching: false } },
    CONFIG,
    5,
  );
  assert.match(line, /hyperd not monitored \(no --hyperd-log\)/);
  assert.doesNotMatch(line, /waiting for the first resource sample/);
});

Deno.test("progressLine() says how long the monitor has had no resource sample once it is blind", () => {
  const stats = new RunStats();
  const seeing = { ...view(stats), monitor: { latest: () => null, blindForSec: () => 0 } };
  assert.ok(!progressLine(seeing, CONFIG, 0).includes("no resource sample"));
  const blind = { ...view(stats), monitor: { latest: () => null, blindForSec: () => 12.7 } };
  const line = progressLine(blind, CONFIG, 0, 60);
  assert.ok(line.includes("no resource sample for 12 s"), line);
});
