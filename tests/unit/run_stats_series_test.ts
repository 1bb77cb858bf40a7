import assert from "node:assert/strict";
import { Latency, SPECTRUM_PERCENTILES } from "../../src/stats/latency.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { MAX_ERROR_GROUPS, RunStats } from "../../src/stats/run_stats.ts";
import { percentiles } from "../../src/stats/timeline.ts";

/** Equal within HdrHistogram's 3 significant digits. */
function near(actual: number | undefined, expected: number, what = ""): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= expected * 1e-3,
    `${what} ${actual} is not ${expected}`,
  );
}

/** A worker's tick with `n` operations of each given kind taking `ms`, and `rows` rows each. */
function tick(kinds: Record<string, { n: number; ms: number; rows?: number }>) {
  const worker = new OpStats();
  for (const [kind, { n, ms, rows = 0 }] of Object.entries(kinds)) {
    for (let i = 0; i < n; i++) worker.recordSuccess(0, kind as "BulkInsert", ms, rows);
  }
  return worker.tick();
}

Deno.test("the timeline has each kind's ops and percentiles per second, and read rows apart", () => {
  const run = new RunStats();
  for (let sec = 1; sec <= 8; sec++) {
    run.addTick(
      tick({
        BulkInsert: { n: 4, ms: 10 * sec, rows: 1000 },
        SimpleSelect: { n: 2, ms: 2, rows: 50 },
        ...(sec % 2 === 0 ? { SchemaDdl: { n: 1, ms: 30 } } : {}),
      }),
      sec - 0.5,
    );
  }
  const timeline = run.timeline();
  assert.equal(timeline.length, 8);
  for (const point of timeline) {
    const sec = point.atSec;
    const bulk = point.byOp?.BulkInsert;
    assert.equal(bulk?.ops, 4);
    for (const p of ["p50", "p95", "p99"] as const) near(bulk?.[p], 10 * sec, p);
    assert.equal(point.byOp?.SimpleSelect?.ops, 2);
    assert.equal(point.byOp?.SchemaDdl?.ops, sec % 2 === 0 ? 1 : undefined);
    // 100 rows read by the selects; BulkInsert's rows are not reads.
    assert.equal(point.readRows, 100);
  }
  // The same figures whether the second was closed (early ones) or still open (the last).
  assert.deepEqual(run.second(2).byOp, timeline[1].byOp);
  assert.deepEqual(run.second(8).byOp, timeline[7].byOp);
});

Deno.test("a second's percentiles are exact, ranked as HdrHistogram ranks them", () => {
  const values = Array.from({ length: 200 }, (_, i) => (200 - i) * 0.25); // 0.25 .. 50 ms
  const exact = percentiles(values);
  assert.deepEqual(exact, { p50: 25, p95: 47.5, p99: 49.5, max: 50, mean: 25.125 });
  const hdr = new Latency();
  hdr.recordAll(values);
  const summary = hdr.summary();
  for (const p of ["p50", "p95", "p99", "max", "mean"] as const) near(exact[p], summary[p], p);
  assert.deepEqual(percentiles([]), { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  assert.deepEqual(percentiles([7.0004]), { p50: 7, p95: 7, p99: 7, max: 7, mean: 7 });
});

Deno.test("second() gives zeros for a second no tick arrived in", () => {
  const run = new RunStats();
  run.addTick(tick({ Aggregate: { n: 3, ms: 5 } }), 2.2);
  assert.deepEqual(run.second(1), {
    atSec: 1,
    ops: 0,
    failures: 0,
    insertedRows: 0,
    readRows: 0,
    latencyMs: { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 },
    byOp: {},
  });
  assert.equal(run.second(3).ops, 3);
});

Deno.test("a tick for a second already closed counts, but adds no latency to it", () => {
  const run = new RunStats();
  for (let sec = 1; sec <= 6; sec++) run.addTick(tick({ Aggregate: { n: 1, ms: 5 } }), sec);
  // Second 2 was closed when the tick of second 5 arrived (three seconds behind).
  run.addTick(tick({ ComplexJoin: { n: 2, ms: 9 } }), 1.5);
  const point = run.second(2);
  assert.equal(point.ops, 3);
  assert.equal(point.byOp?.ComplexJoin, undefined);
  assert.equal(point.byOp?.Aggregate?.ops, 1);
});

Deno.test("errorGroups() counts failures by kind and message with first and last second", () => {
  const run = new RunStats();
  const worker = new OpStats();
  const fail = (atSec: number, op: "Aggregate" | "BulkInsert", message: string) =>
    worker.recordFailure(op, 1, { atSec, user: 0, op, message });
  fail(3, "Aggregate", "division by zero");
  fail(1.5, "Aggregate", "division by zero");
  fail(7, "Aggregate", "division by zero");
  fail(2, "BulkInsert", "division by zero");
  fail(4, "BulkInsert", "disk full");
  run.addTick(worker.tick(), 8);
  assert.deepEqual(run.errorGroups(), [
    { op: "Aggregate", message: "division by zero", count: 3, firstAtSec: 1.5, lastAtSec: 7 },
    { op: "BulkInsert", message: "division by zero", count: 1, firstAtSec: 2, lastAtSec: 2 },
    { op: "BulkInsert", message: "disk full", count: 1, firstAtSec: 4, lastAtSec: 4 },
  ]);
});

Deno.test("errorGroups() stays bounded: messages past the limit count as one group per kind", () => {
  const run = new RunStats();
  for (let i = 0; i < MAX_ERROR_GROUPS + 50; i++) {
    const worker = new OpStats();
    worker.recordFailure("Aggregate", 1, {
      atSec: i,
      user: 0,
      op: "Aggregate",
      message: `row ${i} is bad`,
    });
    run.addTick(worker.tick(), i + 1);
  }
  const groups = run.errorGroups();
  assert.equal(groups.length, MAX_ERROR_GROUPS + 1);
  const other = groups.find((g) => g.message === null)!;
  assert.equal(other.count, 50);
  assert.equal(other.firstAtSec, MAX_ERROR_GROUPS);
  assert.equal(groups.reduce((n, g) => n + g.count, 0), MAX_ERROR_GROUPS + 50);
});

Deno.test("Latency.spectrum() rises from the minimum to the maximum", () => {
  const latency = new Latency();
  for (let ms = 1; ms <= 1000; ms++) latency.record(ms);
  const spectrum = latency.spectrum();
  assert.equal(spectrum.length, SPECTRUM_PERCENTILES.length);
  near(spectrum[0], 1);
  near(spectrum.at(-1), 1000);
  for (let i = 1; i < spectrum.length; i++) assert.ok(spectrum[i] >= spectrum[i - 1]);
  // HdrHistogram's 3 significant digits: the median of 1..1000 ms is 500 ms within 0.1%.
  near(spectrum[SPECTRUM_PERCENTILES.indexOf(50)], 500);
  assert.deepEqual(new Latency().spectrum(), []);
});

Deno.test("byOp() gives the run's spectrum, overall and for the kinds that ran only", () => {
  const run = new RunStats();
  run.addTick(tick({ Aggregate: { n: 10, ms: 5 }, BulkInsert: { n: 10, ms: 50 } }), 1);
  const { spectrum } = run.byOp();
  assert.deepEqual(spectrum.percentiles, [...SPECTRUM_PERCENTILES]);
  assert.deepEqual(Object.keys(spectrum.byOpMs), ["BulkInsert", "Aggregate"]);
  near(spectrum.allMs[0], 5);
  near(spectrum.allMs.at(-1), 50);
});
