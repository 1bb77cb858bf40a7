import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import {
  changePercent,
  type ComparedSummary,
  compareRuns,
  perSecondSamples,
  statusOf,
} from "../../src/results/compare.ts";
import { compareText, formatChange, formatP } from "../../src/results/compare_text.ts";
import { compareHtml } from "../../src/results/report/compare_page.ts";
import type { Summary } from "../../src/results/summary.ts";
import { summaryFixture } from "../helpers/summary_fixture.ts";

/** The fixture with every count and rate times `factor` (latency as it is). */
function scaled(summary: Summary, factor: number, overrides: Partial<Summary> = {}): Summary {
  const n = (value: number) => Math.round(value * factor);
  return {
    ...summary,
    totals: {
      ...summary.totals,
      ops: n(summary.totals.ops),
      insertedRows: n(summary.totals.insertedRows),
    },
    byOp: Object.fromEntries(
      Object.entries(summary.byOp).map((
        [k, op],
      ) => [k, { ...op, count: n(op.count), rows: n(op.rows) }]),
    ) as Summary["byOp"],
    timeline: summary.timeline.map((p) => ({
      ...p,
      ops: n(p.ops),
      insertedRows: n(p.insertedRows),
    })),
    ...overrides,
  };
}

const run = (path: string, summary: ComparedSummary) => ({ path, summary });

Deno.test("compareRuns() of a run with itself changes nothing and passes", () => {
  const summary = summaryFixture();
  const comparison = compareRuns(run("a", summary), run("a", summary), 10);
  assert.equal(comparison.exitCode, 0);
  assert.deepEqual(comparison.regressions, []);
  const all = comparison.rows[0];
  assert.equal(all.name, "all");
  for (const m of all.metrics) {
    assert.equal(m.changePercent, 0, m.metric);
    assert.equal(m.p, 1, m.metric);
    assert.equal(m.status, "same", m.metric);
  }
  // Every kind that ran has a row, untested.
  assert.deepEqual(
    comparison.rows.slice(1).map((r) => r.name),
    Object.keys(summary.byOp).filter((k) => summary.byOp[k as keyof typeof summary.byOp].count > 0),
  );
  assert.ok(comparison.rows.slice(1).every((r) => r.metrics.every((m) => m.p === null)));
  assert.deepEqual(comparison.notes, []);
});

Deno.test("compareRuns() calls a run at half the throughput a significant regression (exit 3)", () => {
  const base = summaryFixture();
  const slow = scaled(base, 0.5);
  const comparison = compareRuns(run("base", base), run("slow", slow), 10);
  assert.equal(comparison.exitCode, 3);
  const [ops, rows] = comparison.rows[0].metrics;
  assert.equal(ops.status, "regression");
  assert.ok(ops.changePercent! < -49 && ops.changePercent! > -51, String(ops.changePercent));
  assert.ok(ops.p! < 0.001, String(ops.p));
  assert.equal(rows.status, "regression");
  // The per-kind rows are as slow but have no per-second samples: marked, never failing.
  const bulk = comparison.rows.find((r) => r.name === "BulkInsert")!;
  assert.equal(bulk.metrics[0].status, "untested");
  assert.deepEqual(
    comparison.regressions.map((r) => `${r.name} ${r.metric}`),
    ["all opsPerSec", "all rowsPerSec"],
  );
  // The other way round it is an improvement.
  const back = compareRuns(run("slow", slow), run("base", base), 10);
  assert.equal(back.exitCode, 0);
  assert.equal(back.rows[0].metrics[0].status, "better");
});

Deno.test("compareRuns() lets a regression within the limit pass", () => {
  const base = summaryFixture();
  const comparison = compareRuns(run("base", base), run("slow", scaled(base, 0.5)), 60);
  assert.equal(comparison.exitCode, 0);
  assert.equal(comparison.rows[0].metrics[0].status, "worse");
});

Deno.test("statusOf() needs significance, the bad direction and the limit for a regression", () => {
  const newLower = { u1: 50, u2: 14, p: 0.01 };
  const newHigher = { u1: 14, u2: 50, p: 0.01 };
  assert.equal(statusOf("opsPerSec", -20, newLower, 10), "regression");
  assert.equal(statusOf("opsPerSec", -5, newLower, 10), "worse");
  assert.equal(statusOf("opsPerSec", -20, { ...newLower, p: 0.3 }, 10), "noise");
  assert.equal(statusOf("opsPerSec", -5, { ...newLower, p: 0.3 }, 10), "same");
  assert.equal(statusOf("opsPerSec", 20, newHigher, 10), "better");
  // The rank test and the totals disagree: nothing is claimed.
  assert.equal(statusOf("opsPerSec", -20, newHigher, 10), "same");
  // Latency: higher is worse.
  assert.equal(statusOf("p99", 20, newHigher, 10), "regression");
  assert.equal(statusOf("p99", -20, newLower, 10), "better");
  // Exactly at the limit is not beyond it.
  assert.equal(statusOf("p95", 10, newHigher, 10), "worse");
  // No samples: a kind's change beyond the limit is flagged, not failed.
  assert.equal(statusOf("p95", 30, null, 10), "untested");
  assert.equal(statusOf("p95", -30, null, 10), "same");
});

Deno.test("compareRuns() notes differing workload settings, early stops and too-short runs", () => {
  const base = summaryFixture();
  const config = resolveConfig({
    seed: "424242",
    duration: "60",
    thinkMinMs: "200",
    thinkMaxMs: "400",
  }, {});
  const other = summaryFixture({ config, stopReason: "CrashDetected", exitCode: 4 });
  const comparison = compareRuns(run("base", base), run("new", other), 10);
  assert.match(comparison.notes[0], /--think-min-ms 10 vs 200, --think-max-ms 200 vs 400/);
  assert.match(comparison.notes[1], /^new stopped with CrashDetected \(exit 4\) after 60.042 s$/);
  assert.equal(comparison.notes.length, 2);

  // Three seconds each: even complete separation gives p 0.081, so nothing can be significant.
  const short = summaryFixture({ durationSec: 3.2, timeline: base.timeline.slice(0, 4) });
  const slowShort = scaled(short, 0.2);
  const tooShort = compareRuns(run("a", short), run("b", slowShort), 10);
  assert.match(tooShort.notes.at(-1)!, /runs of 3 and 3 whole seconds are too short/);
  assert.equal(tooShort.rows[0].metrics[0].status, "noise");
  assert.equal(tooShort.exitCode, 0);
});

Deno.test("perSecondSamples() fills quiet seconds, drops the partial last one, skips empty latency", () => {
  const point = (atSec: number, ops: number) => ({
    atSec,
    ops,
    failures: 0,
    insertedRows: ops * 10,
    latencyMs: { p50: atSec, p95: atSec * 2, p99: atSec * 3, max: 0, mean: 0 },
  });
  const samples = perSecondSamples({
    durationSec: 4.6,
    timeline: [point(1, 5), point(2, 0), point(4, 7), point(5, 1)],
  });
  assert.deepEqual(samples.opsPerSec, [5, 0, 0, 7]);
  assert.deepEqual(samples.rowsPerSec, [50, 0, 0, 70]);
  assert.deepEqual(samples.p50, [1, 4]);
  assert.deepEqual(samples.p99, [3, 12]);
  assert.deepEqual(samples.latencyAtSec, [1, 4]);
});

Deno.test("changePercent() has no meaning from nothing, formatChange() and formatP() print it", () => {
  assert.equal(changePercent(100, 90), -10);
  assert.equal(changePercent(0, 0), 0);
  assert.equal(changePercent(0, 5), null);
  assert.equal(changePercent(null, 5), null);
  assert.equal(formatChange(-61.25), "-61.3%");
  assert.equal(formatChange(4), "+4.0%");
  assert.equal(formatChange(-0.01), "0.0%");
  assert.equal(formatChange(null), "–");
  assert.equal(formatP(0.0004), "<0.001");
  assert.equal(formatP(0.41234), "0.412");
  assert.equal(formatP(null), "–");
});

Deno.test("compareText() prints both runs, the table and the verdict last", () => {
  const base = summaryFixture();
  const text = compareText(
    compareRuns(run("/r/base", base), run("/r/slow", scaled(base, 0.5)), 10),
  );
  const lines = text.split("\n");
  assert.deepEqual(lines.slice(1, 3), [
    "  base  /r/base: seed 424242, 60.0 s (DurationElapsed)",
    "        hyperd 0.0.21200 <test & build>, /opt/hyper/hyperd",
  ]);
  assert.match(text, /^all +ops\/s +34\.2 +17\.1 +-50\.0% +<0\.001 +REGRESSION$/m);
  assert.match(text, /^BulkInsert +ops\/s +13\.7 +6\.8 +-50\.\d% +– +untested$/m);
  assert.equal(
    lines.at(-1),
    "FAILED: 2 significant regressions beyond 10% (exit 3): all ops/s -50.0% (p <0.001); " +
      "all rows/s -50.0% (p <0.001)",
  );
  const same = compareText(compareRuns(run("a", base), run("a", base), 12.5));
  assert.equal(
    same.split("\n").at(-1),
    "PASSED: no significant regression beyond 12.5% (p < 0.05)",
  );
});

Deno.test("compareHtml() is one self-contained page with the table and both runs' charts", () => {
  const base = summaryFixture();
  const html = compareHtml(
    compareRuns(run("/r/base", base), run("/r/slow", scaled(base, 0.5)), 10),
  );
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(!/(src|href)=/.test(html), "no external resources");
  assert.match(html, /<svg id="compare-opsPerSec"/);
  assert.match(html, /<svg id="compare-p95"/);
  assert.match(html, /<span class="pill bad">REGRESSION<\/span>/);
  assert.ok(html.includes("0.0.21200 &lt;test &amp; build&gt;"), "escaped");
  assert.ok(!html.includes("<test & build>"));
});

Deno.test("--max-regression takes 10% or 10, defaults to 10 and rejects words", () => {
  assert.equal(resolveConfig({}, {}).maxRegression, 10);
  assert.equal(resolveConfig({ maxRegression: "25%" }, {}).maxRegression, 25);
  assert.equal(resolveConfig({}, { STRESS_MAX_REGRESSION: "2.5" }).maxRegression, 2.5);
  assert.throws(
    () => resolveConfig({ maxRegression: "ten" }, {}),
    /--max-regression: expected a percentage above 0 and at most 1000, e.g. "10%" or 10, got "ten"/,
  );
  assert.throws(() => resolveConfig({ maxRegression: "0%" }, {}), /--max-regression/);
});
