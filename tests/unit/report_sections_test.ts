import assert from "node:assert/strict";
import { reportHtml } from "../../src/results/report/page.ts";
import { shellLine } from "../../src/results/report/run_details.ts";
import { backpressureBands } from "../../src/results/report/run_charts.ts";
import { lineChart, type Series } from "../../src/results/report/svg_chart.ts";
import type { Summary } from "../../src/results/summary.ts";
import {
  crashedSummaryFixture,
  emptySummaryFixture,
  findingsSummaryFixture,
  summaryFixture,
} from "../helpers/summary_fixture.ts";

/** The `<svg>` element with `id`, or undefined. */
function svgById(html: string, id: string): string | undefined {
  return new RegExp(`<svg id="${id}"[^>]*>[\\s\\S]*?</svg>`).exec(html)?.[0];
}

/** The card whose <h2> is `title`. */
function cardByTitle(html: string, title: string): string {
  const at = html.indexOf(`<h2>${title}</h2>`);
  assert.ok(at >= 0, `no card titled ${title}`);
  return html.slice(at, html.indexOf("</section>", at));
}

/** Each drawn series' points, as [x, y] pairs. */
function seriesPoints(svg: string): [number, number][][] {
  return [...svg.matchAll(/<path class="series" d="([^"]+)"/g)].map((m) =>
    [...m[1].matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((p) => [Number(p[1]), Number(p[2])])
  );
}

/** A summary as written before the new fields existed. */
function oldSummary(): Summary {
  const {
    hyperstress: _h,
    commandLine: _c,
    host: _o,
    latencySpectrum: _l,
    errorGroups: _e,
    watch: _w,
    ...rest
  } = summaryFixture();
  return {
    ...rest,
    timeline: rest.timeline.map(({ readRows: _r, byOp: _b, ...p }) => p),
  } as unknown as Summary;
}

Deno.test("reportHtml() has no NaN, Infinity, undefined or null in any kind of run", () => {
  const runs = {
    full: summaryFixture(),
    empty: emptySummaryFixture(),
    crashed: crashedSummaryFixture(),
    findings: findingsSummaryFixture(),
    old: oldSummary(),
  };
  for (const [name, summary] of Object.entries(runs)) {
    const html = reportHtml(summary);
    assert.doesNotMatch(html, /NaN|Infinity|undefined|>null</, name);
  }
  // A summary written before the new charts existed still renders them, as 'no data'.
  const old = reportHtml(oldSummary());
  assert.match(svgById(old, "chart-distribution")!, />no data<\/text>/);
  assert.match(svgById(old, "chart-client")!, />no data<\/text>/);
  assert.match(old, /<dt>command<\/dt><dd><span class="muted">not recorded/);
});

Deno.test("reportHtml() gives the run info: versions, command line, host and settings by flag", () => {
  const html = reportHtml(summaryFixture());
  assert.match(html, /<dt>hyperstress<\/dt><dd>0\.1\.0 <span class="muted">on Deno 2\.9\.6/);
  assert.match(html, /<dt>hyperd<\/dt><dd>0\.0\.21200 &lt;test &amp; build&gt;/);
  // The command line as a shell takes it back, escaped for HTML.
  assert.match(
    html,
    /<code>hyperstress stress --seed 424242 --duration 60 --threshold &#39;p95_ms&lt;200&#39; --output-dir &#39;\/tmp\/it&#39;\\&#39;&#39;s here&#39;<\/code>/,
  );
  assert.match(html, /<dt>host<\/dt><dd>linux x86_64; 2 cores, <span[^>]*>CPU model unknown/);
  assert.match(html, /23\.5 GB memory/);
  const config = html.slice(html.indexOf("Configuration and run details"));
  // Flags, not config keys; the settings this run changed come first, in bold.
  assert.match(config, /<code>--batch-min<\/code><\/td><td>100<\/td>/);
  assert.doesNotMatch(config, /<code>batchMin<\/code>/);
  const flags = [...config.matchAll(/<td><code>(--[a-z-]+)<\/code><\/td>/g)].map((m) => m[1]);
  assert.equal(flags[0], "--duration");
  assert.match(config, /<code>--duration<\/code><\/td><td><strong>60<\/strong><\/td>/);
  // Set where the default is none, default where it was left unset.
  const fromOf = (flag: string) =>
    new RegExp(`<code>${flag}</code></td>(?:<td>.*?</td>){2}<td>(.*?)</td>`).exec(config)?.[1];
  assert.equal(fromOf("--junit"), `<span class="muted">default</span>`);
  const withJunit = reportHtml(summaryFixture({
    config: { ...summaryFixture().config, junit: "out/junit.xml" },
  }));
  assert.match(withJunit, /<code>--junit<\/code><\/td><td><strong>out\/junit\.xml<\/strong>/);
  // A random seed's default is no value to compare with: neither set nor default.
  assert.match(
    config,
    /<code>--seed<\/code><\/td><td>424242<\/td><td>[^<]*<code[^>]*>STRESS_SEED<\/code><\/td><td><\/td>/,
  );
});

Deno.test("shellLine() quotes what a shell would split or expand", () => {
  assert.equal(shellLine(["stress", "--seed", "1"]), "stress --seed 1");
  assert.equal(shellLine(["--threshold", "p95_ms<200"]), "--threshold 'p95_ms<200'");
  assert.equal(shellLine(["it's"]), `'it'\\''s'`);
  assert.equal(shellLine(["--out", "jsonl=/tmp/a b.jsonl"]), "--out 'jsonl=/tmp/a b.jsonl'");
});

Deno.test("reportHtml() groups errors by message with counts, kinds, first and last second", () => {
  const errors = cardByTitle(reportHtml(summaryFixture()), "Errors");
  assert.match(errors, /<h3>By message<\/h3>/);
  assert.match(errors, /<th>first \(s\)<\/th>|first \(s\)/);
  assert.match(
    errors,
    /<td class="num">5<\/td><td>ComplexJoin<\/td><td class="num">12\.5<\/td><td class="num">51\.0<\/td><td><code>query canceled: timeout<\/code><\/td>/,
  );
  // Escaped, and the server's own words beside the normalised message.
  assert.match(errors, /COPY rejected: &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  assert.doesNotMatch(errors, /<script>/);
  assert.match(errors, /ComplexJoin, BulkInsert/);
  assert.match(errors, /e\.g\. out of memory; see https:\/\/tableau/);
  // The fixture's groups hold all 8 failures; one fewer is said to be not itemised.
  assert.doesNotMatch(errors, /not itemised/);
  const fewer = summaryFixture({ errorCount: 9 });
  assert.match(cardByTitle(reportHtml(fewer), "Errors"), /1 more failure not itemised/);
  // The one-by-one list is still there, folded.
  assert.match(errors, /<details><summary>The first 3 failures, one by one<\/summary>/);
});

Deno.test("reportHtml() keeps inserted and read rows apart and puts a unit in numeric headers", () => {
  const html = reportHtml(summaryFixture());
  const operations = cardByTitle(html, "Operations");
  const heads = [...operations.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
  assert.deepEqual(heads, [
    "kind",
    "ops",
    "failures",
    "failed (%)",
    "aborted",
    "aborted (%)",
    "inserted rows",
    "read rows",
    "p50 (ms)",
    "p95 (ms)",
    "p99 (ms)",
    "max (ms)",
    "mean (ms)",
  ]);
  // BulkInsert inserts and reads nothing; SimpleSelect the other way round; all sums each apart.
  assert.match(
    operations,
    /BulkInsert<\/td>(<td class="num">[^<]*<\/td>){5}<td class="num">2,150,000<\/td><td class="num">–<\/td>/,
  );
  assert.match(
    operations,
    /SimpleSelect<\/td>(<td class="num">[^<]*<\/td>){5}<td class="num">–<\/td><td class="num">21,600<\/td>/,
  );
  assert.match(
    operations,
    /all<\/strong><\/td>(<td class="num">[^<]*<\/td>){5}<td class="num">1,961,575<\/td><td class="num">44,400<\/td>/,
  );
  // Latency with one rule: two decimals, trailing zeros kept.
  assert.match(operations, /<td class="num">1\.50<\/td>/);
  // Every time and duration column names its unit.
  for (const title of ["Slowest operations (2)"]) {
    const card = cardByTitle(html, title);
    assert.match(card, /took \(ms\)/);
    assert.match(card, /started \(s\)/);
  }
  assert.match(html, /<div class="label">read rows<\/div><div class="value">44,400</);
});

Deno.test("reportHtml() switches the per-kind latency charts by percentile without script", () => {
  const html = reportHtml(summaryFixture());
  const radios = [
    ...html.matchAll(/<input type="radio" name="latency-kind" id="([^"]+)"( checked)?>/g),
  ];
  assert.deepEqual(radios.map((r) => r[1]), ["latency-kind-0", "latency-kind-1", "latency-kind-2"]);
  assert.deepEqual(radios.map((r) => Boolean(r[2])), [true, false, false]);
  assert.match(html, /<label for="latency-kind-0">p95<\/label>/);
  assert.match(html, /\.switch > input:nth-of-type\(1\):checked ~ \.views > \.view:nth-child\(1\)/);
  assert.doesNotMatch(html, /<script|onclick|javascript:/i);
  // A log axis: ticks at powers of ten.
  const p95 = svgById(html, "chart-latency-kind-p95")!;
  const labels = [...p95.matchAll(/text-anchor="end">([^<]+)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(labels, ["1", "10", "100", "1,000"]);
});

Deno.test("the latency distribution spreads the tail: 90%, 99%, 99.9% at equal steps", () => {
  const svg = svgById(reportHtml(summaryFixture()), "chart-distribution")!;
  const x = (label: string) =>
    Number(
      new RegExp(`<text x="([\\d.]+)"[^>]*>${label.replace(".", "\\.")}</text>`).exec(svg)![1],
    );
  const step = x("99%") - x("90%");
  assert.ok(step > 50, `90% and 99% are only ${step} apart`);
  assert.ok(Math.abs(x("99.9%") - x("99%") - step) < 0.2);
  assert.ok(x("min") < x("50%") && x("99.99%") < x("max"));
  // Each kind's line rises (slower) from the left to the right, as the y axis points down.
  for (const points of seriesPoints(svg)) {
    for (let i = 1; i < points.length; i++) assert.ok(points[i][1] <= points[i - 1][1]);
  }
});

Deno.test("time charts end at the stop: the partial second after it is not drawn as a dip", () => {
  const summary = summaryFixture();
  summary.timeline.push({ ...summary.timeline[59], atSec: 61, ops: 3, insertedRows: 100 });
  const svg = svgById(reportHtml(summary), "chart-throughput")!;
  const [ops] = seriesPoints(svg);
  assert.equal(ops.length, 60);
  // The axis ends at the run's 60.042 s: its last tick is 60, and no point lies right of it.
  const lastTick = [...svg.matchAll(/text-anchor="middle">(\d+)<\/text>/g)].map((m) => m[1]).at(-1);
  assert.equal(lastTick, "60");
  assert.ok(Math.max(...ops.map(([x]) => x)) <= 640 - 14);
});

Deno.test("the load panel reads against a load of 1, and CPU against 100%", () => {
  const svg = svgById(reportHtml(summaryFixture()), "chart-resources")!;
  const labels = [...svg.matchAll(/text-anchor="end">([^<]+)<\/text>/g)].map((m) => m[1]);
  // The panels' y labels in order: tracked, physical, CPU, load.
  assert.deepEqual(labels.slice(-6), ["0", "50", "100", "0", "0.5", "1"]);
});

/** A one-panel chart with `n` legend entries and a marker at `at` labelled `label`. */
function chartWith(n: number, marker?: { at: number; label: string }): string {
  const series: Series[] = Array.from({ length: n }, (_, i) => ({
    name: `series number ${i}`,
    color: "#000",
    points: [[0, i + 1], [10, i + 2]],
  }));
  return lineChart({
    id: "c",
    title: "t",
    xMax: 10,
    panels: [{ label: "y", series }],
    bands: [],
    bandLabel: "",
    markers: marker ? [marker] : [],
  });
}

Deno.test("lineChart() moves the plot down as the legend wraps to more rows", () => {
  const top = (svg: string) => Number(/<line class="grid"[^>]*y1="([\d.]+)"/.exec(svg)![1]);
  const lastLegendRow = (svg: string) =>
    Math.max(
      ...[...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="14"/g)].map((m) => Number(m[1])),
    );
  const one = chartWith(1);
  const nine = chartWith(9);
  assert.ok(lastLegendRow(nine) >= lastLegendRow(one) + 30, "nine entries wrap to three rows");
  // The plot's top grid line (its highest tick) stays clear of the last legend row.
  const bottomOfAxis = (svg: string) =>
    Number(/<line class="axis"[^>]*y1="([\d.]+)"/.exec(svg)![1]);
  assert.ok(bottomOfAxis(nine) - bottomOfAxis(one) >= 30);
  assert.ok(top(nine) > lastLegendRow(nine) + 10, `${top(nine)} vs ${lastLegendRow(nine)}`);
});

Deno.test("lineChart() keeps a marker's label inside the chart at either edge", () => {
  const label = "hyperd crashed, scheduler starvation, shared-mutex starvation";
  const right = chartWith(1, { at: 10, label });
  const text = /<text class="marker-label" x="([\d.]+)"( text-anchor="end")? y="[\d.]+">([^<]*)</
    .exec(right)!;
  assert.equal(text[2], ' text-anchor="end"');
  // It runs leftwards from the line and starts right of the y axis.
  assert.ok(Number(text[1]) - text[3].length * 6.3 >= 62, `${text[1]} ${text[3]}`);
  const left = /<text class="marker-label" x="([\d.]+)"( text-anchor="end")?/.exec(
    chartWith(1, { at: 0, label: "crash" }),
  )!;
  assert.equal(left[2], undefined);
  // Too long for either side: shortened, with the whole label as its tooltip.
  const long = chartWith(1, { at: 5, label: "x".repeat(200) });
  assert.match(long, /x…<title>x{200}<\/title><\/text>/);
});

Deno.test("lineChart() draws a reference line near the data and names one far above it", () => {
  const chart = (limit: number) =>
    lineChart({
      id: "c",
      title: "t",
      xMax: 10,
      panels: [{
        label: "MB",
        series: [
          { name: "used", color: "#000", points: [[0, 100], [10, 150]] },
          {
            name: "limit",
            color: "#f00",
            points: [[0, limit], [10, limit]],
            reference: `${limit} MB`,
          },
        ],
      }],
      bands: [],
      bandLabel: "",
      markers: [],
    });
  assert.equal(chart(400).match(/<path class="series"/g)?.length, 2);
  assert.match(chart(400), />limit</);
  const far = chart(4096);
  assert.equal(far.match(/<path class="series"/g)?.length, 1);
  assert.match(far, />limit 4096 MB \(above the scale\)</);
});

Deno.test("lineChart() puts a marker label that would overlap an earlier one a row lower", () => {
  const svg = lineChart({
    id: "c",
    title: "t",
    xMax: 10,
    panels: [{ label: "y", series: [{ name: "s", color: "#000", points: [[0, 1], [10, 2]] }] }],
    bands: [],
    bandLabel: "",
    markers: [{ at: 8.5, label: "hyperd: a memory limit exceeded" }, {
      at: 10,
      label: "hyperd crashed",
    }],
  });
  const ys = [...svg.matchAll(/<text class="marker-label"[^>]* y="([\d.]+)"/g)].map((m) =>
    Number(m[1])
  );
  assert.equal(ys.length, 2);
  assert.equal(ys[1] - ys[0], 12);
});

Deno.test("lineChart() draws a lone point as a dot and cuts bands at the axis' ends", () => {
  const svg = lineChart({
    id: "c",
    title: "t",
    xMax: 10,
    panels: [{
      label: "y",
      series: [{ name: "lone", color: "#123456", points: [[1, null], [2, 5], [3, null]] }],
    }],
    bands: [[8, 12]],
    bandLabel: "backpressure",
    markers: [],
  });
  assert.match(svg, /<circle class="dot" cx="[\d.]+" cy="[\d.]+" r="2.5" fill="#123456">/);
  const band = /<rect class="band" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(svg)!;
  assert.ok(Number(band[1]) + Number(band[2]) <= 640 - 14 + 0.1, `${band[1]} + ${band[2]}`);
  // A line of two or more points has no dots.
  assert.doesNotMatch(chartWith(1), /<circle/);
});

Deno.test("reportHtml() shows an integrity finding's wrong rows beside the model's, and its checkpoints", () => {
  const base = summaryFixture();
  const evidence = {
    kind: "corrupted" as const,
    database: 0,
    table: "t1_small",
    columns: ["value"],
    rows: 1,
    modelRows: 100,
    serverRows: 100,
    examples: [{
      kind: "corrupted" as const,
      id: 7,
      columns: ["value"],
      model: { values: [7, "name_7", 1_500_000], hash: "1" },
      server: { values: [7, "name_7", 1_501_000], hash: "2" },
    }],
  };
  const summary = {
    ...base,
    integrity: {
      ...base.integrity,
      checkpoints: [{ atSec: 20, pauseSec: 2.5, skipped: null, mismatches: 1, findings: [] }],
    },
    findings: [{
      kind: "corrupted",
      description: "corrupted: 1 row of t1_small (db 0) differs in value",
      evidence,
      atSec: 60,
      signature: "integrity | corrupted | small | value",
    }],
  } as unknown as Summary;
  const html = reportHtml(summary);
  assert.match(html, /<summary>1 row beside the model's<\/summary>/);
  assert.match(
    html,
    /<td>7<\/td><td><code>id=7, name=&quot;name_7&quot;, value=1\.5<\/code><\/td>/,
  );
  assert.match(html, /value=1\.501<\/code>/);
  assert.match(html, /checkpoint 2\.5 s, 1 mismatches/);
});

Deno.test("backpressureBands() ends a band at the stale bound when the next sample comes later", () => {
  const point = (atSec: number, backpressure: boolean): Summary["resources"][number] => ({
    atSec,
    memoryMb: 100,
    fileMappingsMb: 50,
    trackedMemoryMb: 10,
    overallLoad: 0.5,
    schedulerLoad: 0.5,
    processCpuPercent: null,
    backpressure,
  });
  // Samples every second, then none for 9 s (hyperd idle with log_resource_usage_always=0).
  const resources = [
    point(1, false),
    point(2, true),
    point(3, true),
    point(12, true),
    point(13, false),
  ];
  assert.deepEqual(backpressureBands(resources), [[2, 13]]);
  // With a 3-s stale bound the gate let go at 6 s, and held again from 12 s.
  assert.deepEqual(backpressureBands(resources, 3), [[2, 6], [12, 13]]);
});
