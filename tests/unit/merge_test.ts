import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import { parseThreshold, type Threshold } from "../../src/config/thresholds.ts";
import { integritySkipped } from "../../src/run/integrity.ts";
import { acknowledgedTotal, mergeSummaries } from "../../src/results/merge.ts";
import { mergeProblems, type SegmentInput } from "../../src/results/merge_check.ts";
import { mergedSecond, mergeTimelines } from "../../src/results/merge_timeline.ts";
import type { Summary } from "../../src/results/summary.ts";
import { Latency } from "../../src/stats/latency.ts";
import type { OpTotals, TimelinePoint } from "../../src/stats/run_stats.ts";
import { OP_KINDS, type OpKind, SEED_OP_KINDS } from "../../src/workload/op_table.ts";
import { summaryFixture } from "../helpers/summary_fixture.ts";

const START = Date.parse("2026-11-24T10:00:00.000Z");

/** A histogram of `values` (ms) for every kind, and the totals that go with it. */
function measured(values: number[]): { histograms: Summary["histograms"]; byOp: Summary["byOp"] } {
  const overall = new Latency();
  const histograms = {} as Record<OpKind, string>;
  const byOp = {} as Record<OpKind, OpTotals>;
  for (const kind of OP_KINDS) {
    // The kinds off by default (GeneratedQuery, the ledger's, ...) did not run: an empty histogram, no operations.
    const latency = new Latency();
    const ran = (SEED_OP_KINDS as readonly string[]).includes(kind);
    if (ran) { for (const ms of values) latency.record(ms); }
    overall.add(latency);
    histograms[kind] = latency.encode();
    byOp[kind] = ran
      ? { count: values.length, failures: 1, rows: 10, latencyMs: latency.summary() }
      : { count: 0, failures: 0, rows: 0, latencyMs: latency.summary() };
  }
  return { histograms: { overall: overall.encode(), byOp: histograms }, byOp };
}

/** One point a second for `seconds` seconds, `ops` each. */
function timeline(seconds: number, ops: number): TimelinePoint[] {
  return Array.from({ length: seconds }, (_, i) => ({
    atSec: i + 1,
    ops,
    failures: 0,
    insertedRows: ops * 10,
    readRows: 0,
    latencyMs: { p50: 1, p95: 2, p99: 3, max: 4, mean: 1 },
  }));
}

/** Segment `index` of 2 of the fixture's run: its users, its figures, its start. */
function segment(
  index: number,
  values: number[],
  overrides: Partial<Summary> = {},
  count = 2,
): SegmentInput {
  const base = summaryFixture();
  const { histograms, byOp } = measured(values);
  const summary: Summary = {
    ...base,
    startedAt: new Date(START + index * 2000).toISOString(),
    durationSec: 10,
    stopReason: "DurationElapsed",
    stopDetail: null,
    byOp,
    histograms,
    users: base.users.filter((u) => u.id % count === index),
    segment: { index, count, layoutDigest: "abcd" },
    acknowledged: { "0/t0_small": 100 * (index + 1), "1/t0_wide": 7 },
    timeline: timeline(10, 5 + index),
    server: {
      mode: "attached",
      endpoint: "hyperd:7483",
      databaseDir: "/data",
      log: null,
      monitorOff: "no --hyperd-log",
      diskOff: "elsewhere",
    },
    peak: { ...base.peak, memoryMb: null },
    resources: [],
    errorGroups: [],
    thresholds: [],
    ...overrides,
  };
  return { dir: `/results/segment-${index}`, summary };
}

const options = (thresholds: Threshold[] = []) => ({
  outputDir: "/results/all",
  integrity: integritySkipped("not counted here"),
  thresholds,
  junit: undefined,
  failOnFindings: false,
});

Deno.test("mergeSummaries() sums counts and merges the histograms, so percentiles are exact", () => {
  const fast = Array.from({ length: 900 }, (_, i) => 1 + (i % 10) / 10);
  const slow = Array.from({ length: 100 }, (_, i) => 200 + i);
  const segments = [segment(0, fast), segment(1, slow)];
  const merged = mergeSummaries(segments, options());
  assert.equal(merged.byOp.BulkInsert.count, 1000);
  assert.equal(merged.byOp.BulkInsert.failures, 2);
  assert.equal(merged.totals.ops, 6000);
  // Exactly the figures of all the values in one histogram, the slowest one included.
  const all = new Latency();
  for (const ms of [...fast, ...slow]) all.record(ms);
  assert.deepEqual(merged.byOp.Aggregate.latencyMs, all.summary());
  assert.deepEqual(merged.latencyMs, all.summary());
  assert.equal(merged.latencyMs.max, 299);
  // p99 sits in the slow segment's values: averaging the two p99s would be far off.
  assert.ok(merged.latencyMs.p99 >= 200, `p99 ${merged.latencyMs.p99}`);
  assert.equal(new Latency(merged.histograms!.overall).count, 6000);
  assert.deepEqual(merged.users.map((u) => u.id), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(merged.acknowledged, { "0/t0_small": 300, "1/t0_wide": 14 });
  assert.deepEqual(acknowledgedTotal([segment(0, fast)]), { "0/t0_small": 100, "1/t0_wide": 7 });
  assert.equal(merged.segment, null);
  assert.deepEqual(merged.merged?.map((m) => m.index), [0, 1]);
  assert.equal(merged.config.segment, undefined);
  assert.equal(merged.outputDir, "/results/all");
});

Deno.test("mergeSummaries() aligns timelines and spans on wall-clock time", () => {
  const merged = mergeSummaries([segment(1, [5]), segment(0, [5])], options());
  // Segment 1 started 2 s after segment 0 and ran 10 s: the run lasts 12 s.
  assert.equal(merged.startedAt, new Date(START).toISOString());
  assert.equal(merged.durationSec, 12);
  const ops = new Map(merged.timeline.map((p) => [p.atSec, p.ops]));
  assert.equal(ops.get(1), 5);
  assert.equal(ops.get(2), 5);
  assert.equal(ops.get(3), 5 + 6);
  assert.equal(ops.get(12), 6);
  assert.equal(merged.timeline.length, 12);
});

Deno.test("mergeTimelines() sums a second's counts and keeps its highest percentiles", () => {
  const a = timeline(1, 10);
  const b = [{ ...timeline(1, 30)[0], latencyMs: { p50: 5, p95: 9, p99: 20, max: 30, mean: 3 } }];
  const [point] = mergeTimelines([{ offsetSec: 0, points: a }, { offsetSec: 0.2, points: b }]);
  assert.equal(point.ops, 40);
  assert.equal(point.insertedRows, 400);
  assert.deepEqual(point.latencyMs, { p50: 5, p95: 9, p99: 20, max: 30, mean: 2.5 });
  assert.equal(mergedSecond(1, 0.3), 1);
  assert.equal(mergedSecond(1, 0.7), 2);
  assert.equal(mergedSecond(1, -0.9), 1);
});

Deno.test("mergeSummaries() takes hyperd's peaks and resources from the segment that read its log", () => {
  const base = summaryFixture();
  const withLog = segment(1, [5], {
    server: {
      ...segment(1, [5]).summary.server!,
      log: "/results/log/hyperd.log",
      monitorOff: null,
    },
    peak: { ...base.peak, memoryMb: 512 },
    resources: [{ ...base.resources[0], atSec: 1, memoryMb: 512 }],
  });
  const merged = mergeSummaries([segment(0, [5]), withLog], options());
  assert.equal(merged.peak.memoryMb, 512);
  assert.deepEqual(merged.resources.map((r) => r.atSec), [3]);
  assert.equal(merged.server?.log, "/results/log/hyperd.log");
  assert.equal(merged.server?.monitorOff, null);
  const none = mergeSummaries([segment(0, [5]), segment(1, [5])], options());
  assert.match(none.server?.monitorOff ?? "", /no segment read hyperd's log/);
});

Deno.test("mergeSummaries() checks thresholds on the merged figures and ranks the stop reasons", () => {
  const ops = parseThreshold("ops>=1500") as Threshold;
  // 900 ops a segment (150 of each kind) fail the threshold alone; the run's 1,800 pass.
  const values = Array.from({ length: 150 }, () => 2);
  const merged = mergeSummaries([segment(0, values), segment(1, values)], options([ops]));
  assert.deepEqual(merged.thresholds.map((t) => [t.value, t.ok]), [[1800, true]]);
  assert.equal(merged.exitCode, 0);
  const crashed = mergeSummaries(
    [segment(0, values), segment(1, values, { stopReason: "ServerUnreachable", stopDetail: "x" })],
    options(),
  );
  assert.equal(crashed.stopReason, "ServerUnreachable");
  assert.equal(crashed.stopDetail, "segment 1: x");
  assert.equal(crashed.exitCode, 4);
});

Deno.test("mergeProblems() accepts one run's segments, each once", () => {
  assert.deepEqual(mergeProblems([segment(0, [1]), segment(1, [1])]), []);
});

Deno.test("mergeProblems() names what differs between runs", () => {
  const other = resolveConfig({ seed: "7", duration: "60" }, {});
  const seed = mergeProblems([segment(0, [1]), segment(1, [1], { config: { ...other } })]);
  assert.match(
    seed[0],
    /^seed differs: \/results\/segment-0 has 424242, \/results\/segment-1 has 7$/,
  );
  const layout = mergeProblems([
    segment(0, [1]),
    segment(1, [1], { segment: { index: 1, count: 2, layoutDigest: "ffff" } }),
  ]);
  assert.deepEqual(layout, [
    "layout (users and databases) differs: /results/segment-0 has abcd, /results/segment-1 has ffff",
  ]);
  const batch = mergeProblems([
    segment(0, [1]),
    segment(1, [1], { config: { ...summaryFixture().config, batchMax: 5 } }),
  ]);
  assert.match(batch[0], /^--batch-max differs: .* has 10000, .* has 5$/);
});

Deno.test("mergeProblems() refuses missing and duplicate segments and whole runs", () => {
  assert.deepEqual(mergeProblems([segment(0, [1])]), ["segment 1/2 is missing"]);
  const twice = mergeProblems([segment(0, [1]), { ...segment(0, [1]), dir: "/elsewhere" }]);
  assert.deepEqual(twice, [
    "segment 0/2 appears twice: /results/segment-0 and /elsewhere",
    "segment 1/2 is missing",
  ]);
  const whole = mergeProblems([segment(0, [1], { segment: null })]);
  assert.match(whole[0], /^\/results\/segment-0: not a segment's summary/);
  const strangers = mergeProblems([
    segment(0, [1]),
    segment(1, [1], { users: summaryFixture().users.slice(0, 2) }),
  ]);
  assert.deepEqual(strangers, [
    "/results/segment-1: users 0 do not belong to segment 1",
  ]);
});
