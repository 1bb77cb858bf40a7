/**
 * A monitor whose log stops bringing resource samples: a hyperd with its default logging (no
 * sample while idle, no CPU figure), and a log copy that stops growing. Users must never be held
 * for longer than the stale bound, the summary must count the time they were held, and the
 * monitor must say it is blind.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";
import { withStandaloneHyperd } from "../helpers/standalone_hyperd.ts";
import type { ScheduleEntry } from "../../src/stats/op_records.ts";

/** Pauses longer than this between a user's operations are holds (think time is <= 10 ms). */
const HOLD_MIN_MS = 200;
/**
 * How far past the stale bound a hold may end: the monitor looks at the age every 250 ms, a
 * held user every 50 ms, and this 2-core machine is shared with other runs' hyperds.
 */
const RELEASE_SLACK_SEC = 1.5;

/** Every operation in the schedule of the run in `dir`. */
async function scheduleOf(dir: string): Promise<ScheduleEntry[]> {
  const file = await Deno.open(join(dir, "schedule.jsonl.gz"));
  const text = await new Response(
    file.readable.pipeThrough(new DecompressionStream("gzip")),
  ).text();
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

/**
 * Each user's pauses between operations longer than HOLD_MIN_MS (and from its last operation to
 * the run's end), in ms from the run's start: the time it was held, seen from the operations it
 * ran rather than from the gate's own clock.
 */
function pauses(entries: ScheduleEntry[], endMs: number): [number, number][] {
  const byUser = Map.groupBy(entries, (e) => e.user);
  const spans: [number, number][] = [];
  for (const ops of byUser.values()) {
    ops.sort((a, b) => a.startMs - b.startMs);
    for (let i = 0; i < ops.length; i++) {
      const from = ops[i].startMs + ops[i].durationMs;
      const to = i + 1 < ops.length ? ops[i + 1].startMs : endMs;
      if (to - from > HOLD_MIN_MS) spans.push([from, to]);
    }
  }
  return spans;
}

/** Seconds covered by the union of `spans`. */
function unionSec(spans: [number, number][]): number {
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total / 1000;
}

Deno.test("attached to a hyperd with default logging: the start warns, holds end at the stale bound and are counted", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const out = join(dir, "out");
    // --max-memory-mb=1: tracked memory (which mode 1875 logs) engages the gate at once, so
    // users are held, hyperd goes idle and (log_resource_usage_always=0) stops logging.
    const result = await runCli([
      "stress",
      `--endpoint=${hyperd.endpoint}`,
      `--hyperd-log=${hyperd.logFile}`,
      "--duration=20",
      "--max-memory-mb=1",
      `--output-dir=${out}`,
      ...quickRun(51),
    ], hyperdEnv());
    assert.equal(result.code, 0, result.stderr);
    // One line at the start, before any progress, names the settings that fix it.
    const start = result.stderr.split("\n[")[0];
    assert.match(
      start,
      /hyperd's resource log cannot steer backpressure well: it logs no resource sample while idle \(log_resource_usage_always=0\); its samples have no CPU \(log_resource_usage_mode=1875\); start hyperd with --log_resource_usage_always=1 --log_resource_usage_mode=2047/,
    );
    assert.match(start, /backpressure on load only/);
    const summary = await readSummary(out);
    assert.equal(summary.stopReason, "DurationElapsed");
    assert.equal(summary.integrity.mismatches, 0);
    assert.match(summary.server?.logging ?? "", /log_resource_usage_always=1/);
    const sight = summary.sight!;
    assert.equal(
      sight.staleAfterSec,
      3,
      "hyperd's default 1-s interval, from its startup-settings",
    );
    assert.equal(sight.cpuSignal, "load");
    // The gate did engage, and only staleness let it go: else this test shows nothing.
    assert.ok(summary.backpressure.events >= 1, JSON.stringify(summary.backpressure));
    assert.ok(sight.staleReleases >= 1, JSON.stringify(sight));
    assert.ok(sight.blindSec > 0, JSON.stringify(sight));

    const spans = pauses(await scheduleOf(out), summary.durationSec * 1000);
    const longest = Math.max(0, ...spans.map(([from, to]) => (to - from) / 1000));
    assert.ok(
      longest <= sight.staleAfterSec + RELEASE_SLACK_SEC,
      `a user was held ${longest} s; the stale bound is ${sight.staleAfterSec} s`,
    );
    const held = unionSec(spans);
    assert.ok(held >= 1, `users were held ${held} s in all`);
    assert.ok(
      Math.abs(summary.backpressure.seconds - held) <= 1,
      `summary says ${summary.backpressure.seconds} s, the operations show ${held} s held`,
    );
    assert.match(result.stdout, /Backpressure: \d+ times?, users held \d+\.\d s/);
    assert.match(result.stdout, /Monitor: +blind /);
  }, { logging: "default" });
});

Deno.test("a log that stops growing: the monitor says it is blind and backpressure lets go", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const out = join(dir, "out");
    // The copy hyperstress reads; the test appends what hyperd writes until it freezes it.
    const copy = join(dir, "copy.log");
    await Deno.writeTextFile(copy, "");
    let offset = (await Deno.stat(hyperd.logFile)).size;
    let frozen = false;
    const relay = setInterval(async () => {
      if (frozen) return;
      const bytes = await Deno.readFile(hyperd.logFile);
      const end = bytes.lastIndexOf(0x0a) + 1;
      if (end > offset) await Deno.writeFile(copy, bytes.subarray(offset, end), { append: true });
      offset = Math.max(offset, end);
    }, 100);
    try {
      const run = new LiveRun([
        "stress",
        `--endpoint=${hyperd.endpoint}`,
        `--hyperd-log=${copy}`,
        "--duration=20",
        "--max-memory-mb=1",
        `--output-dir=${out}`,
        ...quickRun(52),
      ]);
      // Samples flow (every second, always): the gate holds the users.
      await run.waitFor(/\] .*BACKPRESSURE/);
      frozen = true;
      const frozenAt = run.stderr.length;
      const blind = await run.waitFor(/no resource sample for \d+ s/);
      assert.ok((blind.index ?? 0) >= frozenAt, "blind only after the freeze");
      assert.equal(await run.code(), 0, run.stderr);
      // After the freeze, lines go on flowing and say the monitor is blind.
      const after = run.stderr.slice(frozenAt).split("\n").filter((l) => l.startsWith("["));
      assert.ok(
        after.some((l) => /flowing.*no resource sample for \d+ s/.test(l)),
        after.join("\n"),
      );
      assert.ok(!after.at(-1)!.includes("BACKPRESSURE"), after.join("\n"));

      const summary = await readSummary(out);
      assert.equal(summary.server?.logging, null, "the copy carried a sample with every figure");
      const sight = summary.sight!;
      assert.equal(sight.staleAfterSec, 3);
      assert.ok(sight.staleReleases >= 1, JSON.stringify(sight));
      assert.ok(sight.longestBlindSec >= 10, JSON.stringify(sight));
      const finding = summary.findings.find((f) => f.kind === "blind-monitor");
      assert.ok(finding, JSON.stringify(summary.findings));
      // Users ran again after the release: operations completed in the run's last seconds.
      const lastOps = summary.timeline.filter((p) => p.atSec > summary.durationSec - 5);
      assert.ok(lastOps.some((p) => p.ops > 0), JSON.stringify(lastOps));
    } finally {
      clearInterval(relay);
    }
  });
});
