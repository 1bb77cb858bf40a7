import assert from "node:assert/strict";
import { progressLine, type ProgressView } from "../../src/cli/progress.ts";
import { reportHtml } from "../../src/results/report/page.ts";
import { summaryText } from "../../src/results/summary_text.ts";
import type { LoadView } from "../../src/run/load_driver.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { RunStats } from "../../src/stats/run_stats.ts";
import { SharedFlags } from "../../src/users/shared_flags.ts";
import { openSummaryFixture, summaryFixture } from "../helpers/summary_fixture.ts";

const CONFIG = { duration: 60, maxDiskMb: 2048, maxMemoryMb: 4096, warmupSec: 5 };

/** A run with `ops` completed in each of the first 10 seconds and the given arrivals. */
function view(load: LoadView | null, elapsedSec = 10, dropped = 0): ProgressView {
  const stats = new RunStats();
  for (let sec = 1; sec <= 10; sec++) {
    const worker = new OpStats();
    for (let i = 0; i < 39; i++) worker.recordSuccess(0, "SimpleSelect", 2, 0);
    stats.addTick(worker.tick(), sec);
  }
  for (let i = 0; i < dropped; i++) stats.recordArrival(3, true, 7);
  return {
    elapsedSec,
    stats,
    monitor: { latest: () => null },
    diskBytes: 0,
    flags: new SharedFlags(),
    load,
  };
}

const openLoad: LoadView = {
  model: "open",
  users: 9,
  target: () => 40,
  queued: () => 7,
  idle: () => false,
};

Deno.test("progressLine() shows the achieved against the target rate, the queue and the drops", () => {
  const line = progressLine(view(openLoad, 10, 12), CONFIG, 5);
  assert.ok(line.startsWith("[10/60s]  39.0/40.0 ops/s  "), line);
  assert.ok(line.includes("  queue 7  "), line);
  assert.ok(line.includes("  dropped 12"), line);
  assert.ok(!line.includes("warm-up"), line);
  // Narrow: the target goes before the throughput, and drops stay as an alarm.
  const narrow = progressLine(view(openLoad, 10, 12), CONFIG, 5, 40);
  assert.ok(narrow.length <= 40, narrow);
  assert.ok(narrow.includes("dropped 12"), narrow);
  const closed = progressLine(view(null), CONFIG, 5);
  assert.ok(closed.includes("  39.0 ops/s  ") && !closed.includes("queue"), closed);
});

Deno.test("progressLine() says warm-up during it, and a closed ramp's active users", () => {
  const ramp: LoadView = { ...openLoad, model: "closed", target: () => 4, queued: () => 0 };
  const line = progressLine(view(ramp, 3), CONFIG, 0);
  const [time, warmup, ops, users] = line.split("  ");
  assert.deepEqual([time, warmup, users], ["[3/60s]", "warm-up", "users 4/9"]);
  assert.match(ops, /^\d+\.\d ops\/s$/);
  assert.ok(!line.includes("queue"), line);
});

Deno.test("summaryText() gives the open model's service time, arrivals, drops and the warm-up", () => {
  const text = summaryText(openSummaryFixture());
  assert.match(text, /^Latency: .*\(response time, from each arrival\)$/m);
  assert.match(text, /^Service time: p50 4\.20 ms, p95 13\.44 ms, p99 27\.30 ms, max 46\.20 ms/m);
  const lines = text.split("\n");
  assert.ok(
    lines.includes(
      "Arrivals:     2,200 (poisson, 40.0/s set), 36 dropped (1.6%), queue up to 90 of 90",
    ),
    text,
  );
  assert.ok(
    lines.some((l) => /^Warm-up: +first 5(\.0)? s left out \(190 ops, 0 failed\)$/.test(l)),
  );
  const closed = summaryText(summaryFixture());
  assert.doesNotMatch(closed, /Service time:|Arrivals:|Warm-up:|response time/);
});

Deno.test("reportHtml() shows arrivals, queue and drops over time, and response against service time", () => {
  const html = reportHtml(openSummaryFixture());
  assert.match(html, /<h2>Open model: arrivals and response time<\/h2>/);
  assert.match(html, /<svg id="chart-load"/);
  for (const name of ["target rate", "arrivals/s", "longest queue", "dropped/s", "response p99"]) {
    assert.ok(html.includes(`>${name}</text>`), name);
  }
  assert.ok(html.includes(">warm-up (left out of every statistic)</text>"));
  assert.match(html, /<th class="num">response p99<\/th><th class="num">response max<\/th>/);
  assert.match(html, /<svg id="chart-throughput"[^]*?warm-up ends[^]*?<\/svg>/);
  assert.doesNotMatch(reportHtml(summaryFixture()), /chart-load|warm-up ends/);
});
