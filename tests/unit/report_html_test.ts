import assert from "node:assert/strict";
import { reportHtml } from "../../src/results/report/page.ts";
import { ticks } from "../../src/results/report/svg_chart.ts";
import { emptySummaryFixture, summaryFixture } from "../helpers/summary_fixture.ts";
import { CHART_IDS, svgById } from "../helpers/report_charts.ts";

Deno.test("reportHtml() draws every chart, each an <svg> with a <title>", () => {
  const html = reportHtml(summaryFixture());
  for (const id of CHART_IDS) {
    const svg = svgById(html, id);
    assert.ok(svg, `missing <svg id="${id}">`);
    assert.match(svg, /^<svg[^>]*><title>[^<]+<\/title>/);
  }
  // Ops, failed ops, inserted rows and read rows, each a line of its own.
  assert.equal(svgById(html, "chart-throughput")!.match(/<path class="series"/g)?.length, 4);
  assert.equal(svgById(html, "chart-latency")!.match(/<path class="series"/g)?.length, 3);
  // Tracked memory, physical, file mappings, CPU, 2 loads; the limits (4,096 and 19,284.5 MB)
  // lie far above the fixture's 280 MB, so they are named in the legend instead of drawn.
  const resources = svgById(html, "chart-resources")!;
  assert.equal(resources.match(/<path class="series"/g)?.length, 6);
  assert.match(resources, />backpressure limit 4,096 MB \(above the scale\)</);
  assert.match(resources, />memory_limit 19,285 MB \(above the scale\)</);
  // One line per kind that ran, at each percentile; all kinds and all operations in the spectrum.
  for (const p of ["p50", "p95", "p99"]) {
    assert.equal(
      svgById(html, `chart-latency-kind-${p}`)!.match(/<path class="series"/g)?.length,
      6,
    );
  }
  assert.equal(svgById(html, "chart-distribution")!.match(/<path class="series"/g)?.length, 7);
  // Disk use against its budget, and hyperstress's CPU.
  assert.equal(svgById(html, "chart-client")!.match(/<path class="series"/g)?.length, 3);
  // The fixture's backpressure from 30 s to 40 s is one band in each of the four panels.
  assert.equal(svgById(html, "chart-resources")!.match(/<rect class="band"/g)?.length, 4);
  // 3 classes + expected + measured, one segment per operation kind.
  assert.equal(svgById(html, "chart-opmix")!.match(/<rect class="bar"/g)?.length, 5 * 6);
});

Deno.test("reportHtml() refers to nothing outside the file", () => {
  const html = reportHtml(summaryFixture());
  const tags = html.match(/<[^>]*>/g) ?? [];
  for (const tag of tags) assert.doesNotMatch(tag, /https?:|\/\/|src=|href=/i, tag);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(/i);
  // A URL in an error message is text, shown as such.
  assert.match(html, /see https:\/\/tableau\.github\.io\/hyper-db for the memory limit/);
});

Deno.test("reportHtml() escapes error messages and the hyperd version", () => {
  const html = reportHtml(summaryFixture());
  assert.ok(!html.includes(`<script>alert`));
  assert.ok(html.includes("COPY rejected: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  assert.ok(html.includes("0.0.21200 &lt;test &amp; build&gt;"));
});

Deno.test("reportHtml() shows thresholds, the operations table and the header facts", () => {
  const html = reportHtml(summaryFixture());
  assert.match(html, /<code>failure_rate&lt;0\.001<\/code>/);
  assert.match(html, /<dt>seed<\/dt><dd>424242<\/dd>/);
  assert.match(html, /DurationElapsed/);
  assert.match(html, /a threshold failed/);
  assert.match(html, /BulkInsert<\/td><td class="num">820<\/td>/);
});

Deno.test("reportHtml() copes with an empty run: 'no data' charts, dashes, no NaN", () => {
  const html = reportHtml(emptySummaryFixture());
  for (const id of CHART_IDS.filter((id) => id !== "chart-opmix")) {
    assert.match(svgById(html, id)!, />no data<\/text>/, id);
  }
  assert.match(svgById(html, "chart-opmix")!, />no data<\/text>/);
  assert.doesNotMatch(html, /NaN|Infinity|undefined|null/);
  assert.match(html, /hyperd crashed/);
  assert.match(html, /fatal: &lt;boom&gt;/);
  assert.match(html, /No thresholds were set/);
});

/** The value of the key figure labelled `label`. */
function figureValue(html: string, label: string): string | undefined {
  return new RegExp(`<div class="label">${label}</div><div class="value">([^<]*)<`).exec(html)?.[1];
}

Deno.test("reportHtml() writes numbers with thousands separators, units and dashes", () => {
  const html = reportHtml(summaryFixture());
  assert.equal(figureValue(html, "operations"), "2,055");
  assert.equal(figureValue(html, "peak memory"), "280.0 MB");
  assert.match(html, /<td class="num">2,150,000<\/td>/);
  const empty = reportHtml(emptySummaryFixture());
  assert.equal(figureValue(empty, "peak memory"), "–");
  assert.equal(figureValue(empty, "latency p50 / p95 / p99"), "– / – / –");
  // A kind that never ran has no latency: dashes, not 0 ms.
  assert.match(
    empty,
    /BulkInsert<\/td>(<td class="num">[^<]*<\/td>){7}(<td class="num">–<\/td>){5}<\/tr>/,
  );
});

Deno.test("ticks() steps by 1, 2 or 5 times a power of ten, ending at or within the maximum", () => {
  assert.deepEqual(ticks(400, 4), [0, 100, 200, 300, 400]);
  assert.deepEqual(ticks(95, 4), [0, 50, 100]);
  assert.deepEqual(ticks(95, 8, true), [0, 20, 40, 60, 80]);
  assert.deepEqual(ticks(0.3, 3), [0, 0.1, 0.2, 0.3]);
  assert.deepEqual(ticks(0, 4), [0, 0.5, 1]);
});

Deno.test("reportHtml() shows hyperstress's own CPU, and warns when the client was saturated", () => {
  assert.match(reportHtml(summaryFixture()), /hyperstress CPU[\s\S]*?8\.8 s/);
  assert.doesNotMatch(reportHtml(summaryFixture()), /SATURATED/);
  const busy = summaryFixture({
    client: { cpuSec: 110, cpuPercentOfCores: 91.8, saturated: true },
  });
  assert.match(reportHtml(busy), /91\.8%[^<]*SATURATED/);
});

Deno.test("reportHtml() counts users whose worker never sent its final report", () => {
  const summary = summaryFixture();
  summary.users[0] = { ...summary.users[0], sequenceDigest: null, unfinished: true };
  assert.match(reportHtml(summary), /<th[^>]*>unfinished<\/th>/);
  // User 0 is an inserter: that row counts one unfinished user, the others none.
  const rows = reportHtml(summary).match(/<tr><td[^>]*>(inserter|query|mixed)<\/td>.*?<\/tr>/g)!;
  const lastCell = (row: string) => /<td[^>]*>([^<]*)<\/td><\/tr>$/.exec(row)![1];
  assert.deepEqual(rows.map(lastCell), ["1", "0", "0"]);
});

Deno.test("reportHtml() shows how long the monitor was blind, and read-only time on the disk figure", () => {
  const summary = summaryFixture({
    sight: {
      staleAfterSec: 3,
      blindSec: 11.6,
      blindSpells: 2,
      longestBlindSec: 10.5,
      staleReleases: 2,
      cpuSignal: "load",
    },
  });
  summary.disk = { ...summary.disk, writesRedirected: 40, readOnlySec: 7.5 };
  const html = reportHtml(summary);
  assert.match(
    html,
    /<div class="figure warn"><div class="label">monitor blind<\/div><div class="value">11\.6 s<\/div><div class="detail">no resource sample for over 3\.0 s: 2 spells, backpressure let go 2 times; load stood in for CPU<\/div>/,
  );
  assert.match(html, /40 writes redirected, read-only 7\.5 s/);
  // Off, or a summary from before: no figure.
  assert.doesNotMatch(reportHtml(summaryFixture({ sight: null })), /monitor blind/);
});

Deno.test("report.html heads a run with the policy's word for its exit: failed, interrupted, passed", () => {
  // The fixture's run failed a threshold.
  assert.match(reportHtml(summaryFixture()), />failed: exit 3</);
  const interrupted = summaryFixture({ exitCode: 130, stopReason: "Interrupted" });
  assert.match(reportHtml(interrupted), />interrupted: exit 130</);
  assert.match(reportHtml(summaryFixture({ exitCode: 0, thresholds: [] })), />passed</);
});
