/**
 * The open workload model against a real hyperd: the rate it achieves, what a freeze of hyperd
 * does to the response time (and not to a closed run's latency), saturation, stages and warm-up.
 * Light operations and several users, so the rates hold on a busy 2-core machine.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gunzip } from "node:zlib";
import { promisify } from "node:util";
import type { Summary } from "../../src/results/summary.ts";
import type { ScheduleEntry } from "../../src/stats/op_records.ts";
import { ArrivalSchedule, arrivalsUntil } from "../../src/workload/arrivals.ts";
import { LoadCurve } from "../../src/workload/stages.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { processExists } from "../helpers/hyperd.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { readSummary } from "../helpers/quick_run.ts";
import { freezeFor } from "../helpers/freeze.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

/** Six users (two of each class) of cheap reads and single-row inserts in one database. */
function light(seed: number): string[] {
  return [
    `--seed=${seed}`,
    "--databases=1",
    "--inserter-users=2",
    "--query-users=2",
    "--mixed-users=2",
    "--ops=SimpleSelect,SingleInsert",
    "--batch-min=10",
    "--batch-max=100",
    "--log-interval=1",
    "--progress-interval=1",
  ];
}

/** The operations schedule.jsonl.gz holds, every one the run executed. */
async function scheduleOf(dir: string): Promise<ScheduleEntry[]> {
  const bytes = await Deno.readFile(join(dir, "schedule.jsonl.gz"));
  const text = new TextDecoder().decode(await promisify(gunzip)(bytes));
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}

/** Runs `stress` to the end in `dir` and returns its summary; it must exit 0. */
async function stress(dir: string, args: string[]): Promise<Summary> {
  const run = await runCli(["stress", `--output-dir=${dir}`, ...args], hyperdEnv());
  assert.equal(run.code, 0, run.stderr);
  return await readSummary(dir);
}

Deno.test("an open run at 40 ops/s for 20 s achieves 36 to 44 ops/s without drops", async () => {
  // The schedule is the seed's: about 800 arrivals in 20 s, whatever the machine.
  const planned = arrivalsUntil(
    new ArrivalSchedule({
      seed: 41,
      rate: new LoadCurve(40),
      process: "poisson",
      classCounts: { inserter: 2, query: 2, mixed: 2 },
    }),
    20_000,
  ).length;
  assert.ok(planned >= 760 && planned <= 840, `the seed plans ${planned} arrivals`);
  await withTempDir(async (dir) => {
    // The warm-up keeps the workers' start (before the schedule starts) out of the rate.
    const summary = await stress(dir, [
      "--duration=20",
      "--warmup-sec=2",
      "--arrival-rate=40",
      ...light(41),
    ]);
    assert.equal(summary.model, "open");
    const rate = summary.totals.opsPerSec;
    assert.ok(rate >= 36 && rate <= 44, `achieved ${rate.toFixed(1)} ops/s`);
    const arrivals = summary.arrivals!;
    assert.equal(arrivals.dropped, 0);
    assert.equal(summary.totals.failures, 0, JSON.stringify(summary.errors));
    // Every arrival ran: arrivals count by when they were due, operations by their completion.
    assert.ok(Math.abs(summary.totals.ops - arrivals.arrivals) <= 3, JSON.stringify(arrivals));
    assert.ok(
      arrivals.startedAtSec !== null && arrivals.startedAtSec < 2,
      JSON.stringify(arrivals),
    );
    assert.ok(summary.serviceTimeMs.p50 <= summary.latencyMs.p50);
    assert.ok(summary.timeline.some((p) => p.target === 40));
    console.log(
      `40/s: achieved ${rate.toFixed(1)} ops/s, response p50/p99 ${summary.latencyMs.p50}/` +
        `${summary.latencyMs.p99} ms, service p50/p99 ${summary.serviceTimeMs.p50}/` +
        `${summary.serviceTimeMs.p99} ms, longest queue ${summary.arrivals?.maxQueue}`,
    );
  });
});

/** A 16-second run with hyperd frozen for 3 s from its 5th second; its summary. */
async function frozenRun(args: string[]): Promise<Summary> {
  return await withTempDir(async (dir) => {
    const run = new LiveRun(["stress", "--duration=16", `--output-dir=${dir}`, ...args]);
    const pid = Number((await run.waitFor(/hyperd pid (\d+)/))[1]);
    await run.waitFor(/\[[5-9]\/16s\]/);
    await freezeFor(pid, 3000);
    assert.equal(await run.code(), 0, run.stderr);
    assert.equal(processExists(pid), false);
    return await readSummary(dir);
  });
}

Deno.test("a 3-second freeze of hyperd raises an open run's p99 above 1.5 s, not a closed run's", async () => {
  const open = await frozenRun(["--arrival-rate=30", ...light(42)]);
  const closed = await frozenRun(["--think-min-ms=0", "--think-max-ms=20", ...light(42)]);
  console.log(
    `frozen 3 s: open p95/p99 ${open.latencyMs.p95}/${open.latencyMs.p99} ms (service ` +
      `${open.serviceTimeMs.p95}/${open.serviceTimeMs.p99} ms, ${open.totals.ops} ops, ${open.arrivals?.dropped} dropped); closed p99 ` +
      `${closed.latencyMs.p99} ms (${closed.totals.ops} ops)`,
  );
  assert.equal(open.model, "open");
  // 1.5 s is half the freeze: far above what a loaded machine adds to an operation of a light
  // run (tens of ms), far below what waiting out the freeze adds.
  assert.ok(open.latencyMs.p99 > 1500, `open p99 ${open.latencyMs.p99} ms`);
  // The freeze is in the service time only of the few operations it caught in flight (about
  // 1% here), but in the response time of every arrival that waited it out (about 10%).
  assert.ok(open.latencyMs.p95 > 1500, `open p95 ${open.latencyMs.p95} ms`);
  assert.ok(open.serviceTimeMs.p95 < 1500, `open service p95 ${open.serviceTimeMs.p95} ms`);
  assert.equal(closed.model, "closed");
  assert.ok(closed.latencyMs.p99 < 1500, `closed p99 ${closed.latencyMs.p99} ms`);
  assert.ok(closed.latencyMs.max > 2000, `the freeze never showed: max ${closed.latencyMs.max}`);
});

Deno.test("a rate far above capacity with a small queue drops arrivals and ends on time", async () => {
  await withTempDir(async (dir) => {
    const started = performance.now();
    const summary = await stress(dir, [
      "--duration=6",
      "--arrival-rate=3000",
      "--max-queue=5",
      ...light(43),
    ]);
    const wallSec = (performance.now() - started) / 1000;
    const { arrivals } = summary;
    console.log(
      `saturated: ${arrivals?.arrivals} arrivals, ${arrivals?.dropped} dropped, ` +
        `${summary.totals.opsPerSec} ops/s, ${wallSec.toFixed(1)} s in all`,
    );
    assert.equal(summary.stopReason, "DurationElapsed");
    assert.ok(summary.durationSec < 6.5, `stopped at ${summary.durationSec} s`);
    // A 6 s run with set-up and artifacts: 45 s only fails a run that did not stop on time,
    // however loaded the 2-core machine is.
    assert.ok(wallSec < 45, `the run took ${wallSec} s`);
    assert.ok(arrivals && arrivals.dropped > arrivals.arrivals / 2, JSON.stringify(arrivals));
    assert.equal(arrivals.maxQueue, 5);
    assert.ok(summary.timeline.some((p) => (p.dropped ?? 0) > 0));
    assert.ok(summary.totals.ops > 0);
  });
});

/** Due arrivals and completed operations per second over run seconds (from, to]. */
function rates(summary: Summary, from: number, to: number): { arrivals: number; ops: number } {
  const points = summary.timeline.filter((p) => p.atSec > from && p.atSec <= to);
  const sum = (pick: (p: Summary["timeline"][number]) => number) =>
    points.reduce((n, p) => n + pick(p), 0) / (to - from);
  return { arrivals: sum((p) => p.arrivals ?? 0), ops: sum((p) => p.ops) };
}

Deno.test("stages ramp the arrival rate, and a closed run's active users, to their targets", async () => {
  await withTempDir(async (dir) => {
    // 20/s held from 3 s to 8 s, 60/s from 11 s on (from the schedule's start).
    const open = await stress(dir, [
      "--duration=17",
      "--arrival-rate=0",
      "--arrivals=constant",
      "--stages=3s:20,5s:20,3s:60,6s:60",
      ...light(44),
    ]);
    // The stages count from the schedule's start, once every worker was ready.
    const start = open.arrivals!.startedAtSec!;
    const holds = [
      [Math.ceil(start + 4), Math.floor(start + 8), 20],
      [Math.ceil(start + 12), 17, 60],
    ];
    for (const [from, to, target] of holds) {
      const { arrivals, ops } = rates(open, from, to);
      console.log(`open stage ${target}/s: ${arrivals} arrivals/s, ${ops.toFixed(1)} ops/s`);
      assert.ok(Math.abs(arrivals - target) <= target * 0.1, `${arrivals} arrivals/s`);
      assert.ok(Math.abs(ops - target) <= target * 0.1, `${ops} ops/s for ${target}`);
    }
  });
  await withTempDir(async (dir) => {
    // 2 of the 6 users from 2 s to 5 s, all 6 from 7 s on.
    const closed = await stress(dir, [
      "--duration=12",
      "--think-min-ms=0",
      "--think-max-ms=20",
      "--stages=2s:2,3s:2,2s:6,5s:6",
      ...light(45),
    ]);
    const schedule = await scheduleOf(dir);
    const usersBetween = (from: number, to: number) =>
      new Set(
        schedule.filter((op) => op.startMs >= from * 1000 && op.startMs < to * 1000)
          .map((op) => op.user),
      ).size;
    console.log(`closed stages: ${usersBetween(2.5, 5)} users, then ${usersBetween(8, 12)}`);
    assert.equal(usersBetween(2.5, 5), 2);
    assert.equal(usersBetween(8, 12), 6);
    assert.ok(closed.timeline.some((p) => p.target === 6));
  });
});

Deno.test("the warm-up's operations are absent from the counts and its seconds are marked", async () => {
  await withTempDir(async (dir) => {
    const summary = await stress(dir, [
      "--duration=8",
      "--warmup-sec=3",
      "--think-min-ms=0",
      "--think-max-ms=20",
      ...light(46),
    ]);
    const schedule = await scheduleOf(dir);
    const after = schedule.filter((op) => op.startMs + op.durationMs >= 3000).length;
    const before = schedule.length - after;
    console.log(`warm-up: ${before} ops left out, ${summary.totals.ops} counted`);
    assert.ok(before > 20, `only ${before} operations in the warm-up`);
    // Operations are cut by their completion; the clocks of schedule and cut agree to a ms.
    assert.ok(Math.abs(summary.totals.ops - after) <= 3, `${summary.totals.ops} vs ${after}`);
    assert.equal(summary.warmup?.sec, 3);
    assert.equal(summary.warmup!.ops + summary.totals.ops, schedule.length);
    // A second in which no tick came in has no point.
    const marked = summary.timeline.filter((p) => p.warmup).map((p) => p.atSec);
    assert.ok(marked.length >= 2 && marked.every((sec) => sec <= 3), `marked ${marked}`);
    assert.ok(summary.timeline.every((p) => p.atSec > 3 || p.warmup), "an unmarked warm-up second");
    const perSec = summary.totals.ops / (summary.durationSec - 3);
    assert.ok(Math.abs(summary.totals.opsPerSec - perSec) < 0.1, "the rate leaves it out too");
  });
});
