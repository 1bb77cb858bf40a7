import assert from "node:assert/strict";
import { OpStats } from "../../src/stats/op_stats.ts";
import { RunStats } from "../../src/stats/run_stats.ts";
import { peakAfter } from "../../src/results/summary.ts";
import { fakeClock } from "../helpers/fake_clock.ts";

/** Equal within HdrHistogram's 3 significant digits. */
function near(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= expected * 2e-3,
    `${what}: ${actual} is not ${expected}`,
  );
}

/** Begins and ends one operation of `user` that arrived `queuedMs` before its send. */
function run(stats: OpStats, user: number, ms: number, queuedMs?: number): void {
  stats.begin({
    user,
    seq: 0,
    kind: "SimpleSelect",
    table: "t0",
    rows: 0,
    startedAtSec: 10,
    sql: "SELECT 1",
    ...(queuedMs === undefined ? {} : { arrivedAtSec: 10 - queuedMs / 1000 }),
  });
  stats.recordSuccess(user, "SimpleSelect", ms, 1);
}

Deno.test("open model: the latency runs from the arrival, the service time from the send", () => {
  const worker = new OpStats();
  for (let i = 0; i < 100; i++) run(worker, i, 10, i < 50 ? 0 : 500);
  const tally = worker.tick();
  assert.equal(tally.byOp.SimpleSelect.serviceMs?.length, 100, "no service times");
  assert.equal(tally.schedule[60].arrivalMs, 9500);
  const stats = new RunStats();
  stats.addTick(tally, 1);
  const { byOp, latencyMs, serviceTimeMs } = stats.byOp();
  near(latencyMs.p50, 10, "response p50");
  near(latencyMs.p99, 510, "response p99");
  near(serviceTimeMs.p99, 10, "service p99");
  near(byOp.SimpleSelect.serviceTimeMs!.max, 10, "per-kind service max");
  near(byOp.SimpleSelect.latencyMs.max, 510, "per-kind response max");
  const [second] = stats.timeline();
  near(second.latencyMs.p99, 510, "second's response p99");
  near(second.serviceMs!.p99, 10, "second's service p99");
});

Deno.test("closed model: no service times are sent, and the service time is the latency", () => {
  const worker = new OpStats();
  for (let i = 0; i < 10; i++) run(worker, i, 20);
  const tally = worker.tick();
  assert.equal(tally.byOp.SimpleSelect.serviceMs, undefined);
  assert.equal(tally.schedule[0].arrivalMs, undefined);
  const stats = new RunStats();
  stats.addTick(tally, 1);
  assert.deepEqual(stats.byOp().serviceTimeMs, stats.byOp().latencyMs);
  assert.equal(stats.timeline()[0].serviceMs, undefined);
});

Deno.test("the warm-up's operations are cut into their own tally and left out of every total", () => {
  const clock = fakeClock();
  const worker = new OpStats({ warmupEndMs: clock.now() + 80, now: clock.now });
  for (let i = 0; i < 3; i++) run(worker, i, 5);
  const during = worker.tick();
  assert.equal(during.warmup, true);
  run(worker, 3, 7);
  clock.advance(100);
  // The first completion after the warm-up cuts the interval: the earlier one stays warm-up.
  run(worker, 4, 9);
  run(worker, 5, 9);
  const cut = worker.takeWarmup();
  assert.equal(cut?.warmup, true);
  assert.equal(cut?.byOp.SimpleSelect.ops, 1);
  assert.equal(worker.takeWarmup(), null, "taken once");
  const after = worker.tick();
  assert.equal(after.warmup, undefined);
  assert.equal(after.byOp.SimpleSelect.ops, 2);
  // Warm-up operations do not crowd the slowest list.
  assert.deepEqual(after.slowest.map((op) => op.user).sort(), [4, 5]);
  assert.equal(during.slowest.length + cut!.slowest.length, 0);

  const stats = new RunStats({ warmupSec: 2 });
  stats.addTick(during, 1);
  stats.addTick(cut!, 2);
  stats.addTick(after, 3);
  const { byOp } = stats.byOp();
  assert.equal(byOp.SimpleSelect.count, 2);
  near(byOp.SimpleSelect.latencyMs.max, 9, "only measured latencies");
  assert.deepEqual(stats.warmupTotals(), { sec: 2, ops: 4, failures: 0 });
  assert.equal(stats.live().ops, 6, "progress still counts the warm-up");
  assert.equal(stats.userCounts(0).ops, 0);
  const timeline = stats.timeline();
  assert.deepEqual(timeline.map((p) => [p.atSec, p.ops, p.warmup ?? false]), [
    [1, 3, true],
    [2, 1, true],
    [3, 2, false],
  ]);
});

Deno.test("arrivals count per second by when they were due; the warm-up's are in no total", () => {
  const stats = new RunStats({ warmupSec: 1 });
  stats.recordArrival(0.5, false, 0);
  stats.recordArrival(1.2, false, 3);
  stats.recordArrival(1.4, true, 4);
  stats.recordArrival(2.1, false, 1);
  stats.recordTarget(1.9, 40.123);
  assert.deepEqual(stats.arrivalTotals(), { arrivals: 3, dropped: 1, maxQueue: 4 });
  assert.deepEqual(stats.liveArrivals(), { arrivals: 4, dropped: 1 });
  const timeline = stats.timeline();
  assert.deepEqual(
    timeline.map((p) => [p.atSec, p.arrivals, p.dropped, p.queue, p.target]),
    [[1, 1, 0, 0, undefined], [2, 2, 1, 4, 40.12], [3, 1, 0, 1, undefined]],
  );
});

Deno.test("a stall's operations in flight fail with their response time from the arrival", () => {
  const worker = new OpStats();
  worker.begin({
    user: 0,
    seq: 0,
    kind: "Aggregate",
    table: "t0",
    rows: 0,
    startedAtSec: 4,
    sql: "SELECT 1",
    arrivedAtSec: 3,
  });
  const stats = new RunStats();
  stats.addTick(worker.tick(), 5);
  stats.failInFlight(() => "stalled", 6);
  const { byOp } = stats.byOp();
  near(byOp.Aggregate.latencyMs.max, 3000, "response");
  near(byOp.Aggregate.serviceTimeMs!.max, 2000, "service");
});

Deno.test("hyperd's peaks leave the warm-up's resource samples out, unless none came after it", () => {
  const point = (atSec: number, memoryMb: number, cpu: number | null) => ({
    atSec,
    memoryMb,
    fileMappingsMb: null,
    trackedMemoryMb: memoryMb / 10,
    overallLoad: 0.1,
    schedulerLoad: null,
    processCpuPercent: cpu,
    backpressure: false,
  });
  const report = {
    peak: {
      memoryMb: 900,
      fileMappingsMb: null,
      trackedMemoryMb: 90,
      overallLoad: 0.1,
      schedulerLoad: null,
      processCpuPercent: 95,
    },
    timeline: [point(1, 900, 95), point(4, 300, null), point(6, 500, 40)],
  } as unknown as Parameters<typeof peakAfter>[0];
  assert.deepEqual(peakAfter(report, 3), {
    memoryMb: 500,
    fileMappingsMb: null,
    trackedMemoryMb: 50,
    overallLoad: 0.1,
    schedulerLoad: null,
    processCpuPercent: 40,
  });
  assert.equal(peakAfter(report, 0), report.peak);
  assert.equal(peakAfter(report, 10), report.peak);
});
