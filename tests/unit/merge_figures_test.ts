import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { Config } from "../../src/config/settings.ts";
import { parseThreshold, type Threshold } from "../../src/config/thresholds.ts";
import { mergeSummaries } from "../../src/results/merge.ts";
import { buildSummary, type Summary } from "../../src/results/summary.ts";
import { integritySkipped } from "../../src/run/integrity.ts";
import { loadOutcome } from "../../src/run/load_driver.ts";
import { statsOutcome } from "../../src/run/outcome.ts";
import type { RunOutcome } from "../../src/run/run_outcome.ts";
import { Latency } from "../../src/stats/latency.ts";
import { type IntervalTally, OpStats } from "../../src/stats/op_stats.ts";
import { RunStats } from "../../src/stats/run_stats.ts";
import { OP_KINDS, type OpKind } from "../../src/workload/op_table.ts";
import { summaryFixture } from "../helpers/summary_fixture.ts";

const USERS = [0, 1, 2, 3];
const SECONDS = 10;
const WARMUP_SEC = 3;
const KINDS: OpKind[] = ["BulkInsert", "SimpleSelect", "Aggregate"];
const STARTED = new Date("2026-12-01T10:00:00.000Z");

/** One second of one user: what it did, with latencies and (open model) queueing. */
function userTick(user: number, sec: number, open: boolean): IntervalTally {
  const worker = new OpStats();
  // A few operations a second whose latency varies by user and second, one slow one in a while.
  for (let i = 0; i < 3 + user; i++) {
    const kind = KINDS[(user + i + sec) % KINDS.length];
    const ms = 2 + ((user * 7 + sec * 3 + i * 11) % 40) + (sec === 7 && user === 3 ? 900 : 0);
    const startedAtSec = sec - 1 + i * 0.1;
    worker.begin({
      user,
      seq: sec * 100 + i,
      kind,
      table: "t0_small",
      rows: 10,
      startedAtSec,
      sql: "SELECT 1",
      // Open model: each arrival waited a little for a free user.
      ...(open ? { arrivedAtSec: startedAtSec - ((user + i) % 4) * 0.005 } : {}),
    });
    if ((user + i + sec) % 9 === 0) {
      worker.recordFailure(kind, ms, { atSec: sec, user, op: kind, message: "XX000: boom" });
    } else {
      worker.recordSuccess(user, kind, ms, kind === "BulkInsert" ? 100 : 5);
      if (kind === "BulkInsert") worker.recordInsert(0, "t0_small", 100);
    }
  }
  const tick = worker.tick();
  // The first seconds are the warm-up: the workers mark them so (by their clock in a real run).
  return sec <= WARMUP_SEC ? { ...tick, warmup: true } : tick;
}

/** The run's config: with a warm-up, and open (an arrival rate) or closed. */
function config(open: boolean, segment?: string): Config {
  return {
    ...resolveConfig({
      seed: "5",
      duration: String(SECONDS),
      warmupSec: String(WARMUP_SEC),
      ...(open ? { arrivalRate: "20" } : {}),
    }, {}),
    segment,
    thresholds: THRESHOLDS,
  };
}

/** The watch's looks, once a second: the disk budget was spent from second 6 on. */
const WATCH = Array.from({ length: SECONDS }, (_, i) => ({
  atSec: i + 1,
  diskMb: 10 + i,
  clientCpuPercent: 5,
  clientSaturated: false,
  readOnly: i + 1 >= 6,
}));

const THRESHOLDS = ["ops_per_sec>10", "p99_ms<500", "failures<5"].map((t) =>
  parseThreshold(t) as Threshold
);

/** Feeds the users' ticks of every second (and the open model's arrivals) to `stats`. */
function feed(stats: RunStats, users: number[], open: boolean): void {
  for (let sec = 1; sec <= SECONDS; sec++) {
    for (const user of users) {
      stats.addTick(userTick(user, sec, open), sec, user);
      if (!open) continue;
      // Each user's segment has its own queue; drops when it was full.
      for (let a = 0; a < 3; a++) stats.recordArrival(sec - 0.5, (user + a + sec) % 11 === 0, a);
    }
  }
}

/** The summary a run of `users` builds from the per-second data, as `gatherOutcome` does. */
function summaryOf(users: number[], open: boolean, segment?: { index: number }): Summary {
  const cfg = config(open, segment ? `${segment.index}/2` : undefined);
  const stats = new RunStats({ warmupSec: WARMUP_SEC });
  feed(stats, users, open);
  const base = summaryFixture();
  const outcome: RunOutcome = {
    ...statsOutcome(stats),
    hyperd: base.hyperd,
    outputDir: "/results",
    config: cfg,
    startedAt: STARTED,
    durationSec: SECONDS,
    stopReason: "DurationElapsed",
    stopDetail: null,
    server: base.server ?? null,
    segment: segment ? { index: segment.index, count: 2, layoutDigest: "abcd" } : null,
    load: loadOutcome(cfg, users.length, stats, null),
    databases: [],
    resources: {
      peak: base.peak,
      memory: base.memory,
      backpressure: base.backpressure,
      sight: {
        staleAfterSec: 15,
        blindSec: 0,
        blindSpells: 0,
        longestBlindSec: 0,
        staleReleases: 0,
        cpuSignal: "cpu",
      },
      serverErrors: base.serverErrors,
      serverWarnings: {},
      samples: 0,
      malformedLogLines: 0,
      timeline: [],
    },
    diskBytes: 0,
    readOnlySec: 0,
    crash: null,
    stall: null,
    schedule: null,
    integrity: integritySkipped("not counted here"),
    users: [],
    workers: 1,
    watch: WATCH,
    client: base.client,
    ownFault: null,
  };
  return buildSummary(outcome);
}

/** The figures a run's summary states, decoded where they are encoded. */
function figures(s: Summary) {
  const service = Object.fromEntries(
    OP_KINDS.map((k) => [k, s.histograms?.serviceByOp?.[k] ?? null]).filter(([, h]) => h)
      .map(([k, h]) => [k, new Latency(h as string).summary()]),
  );
  return {
    totals: s.totals,
    byOp: s.byOp,
    latencyMs: s.latencyMs,
    serviceTimeMs: s.serviceTimeMs,
    latencySpectrum: s.latencySpectrum,
    overallHistogram: new Latency(s.histograms!.overall).summary(),
    serviceHistograms: service,
    warmup: s.warmup,
    readOnly: s.readOnly,
    errorCount: s.errorCount,
    model: s.model,
    arrivals: s.arrivals && {
      arrivals: s.arrivals.arrivals,
      dropped: s.arrivals.dropped,
      maxQueue: s.arrivals.maxQueue,
      unserved: s.arrivals.unserved,
    },
    thresholds: s.thresholds,
    exitCode: s.exitCode,
  };
}

for (const open of [false, true]) {
  const model = open ? "open" : "closed";
  Deno.test(`a merge of two segments states one run's figures, warm-up included (${model} model)`, () => {
    const whole = summaryOf(USERS, open);
    const segments = [0, 1].map((index) =>
      summaryOf(USERS.filter((u) => u % 2 === index), open, { index })
    );
    const merged = mergeSummaries(
      segments.map((summary, i) => ({ dir: `/results/segment-${i}`, summary })),
      {
        outputDir: "/results/all",
        integrity: integritySkipped("not counted here"),
        thresholds: THRESHOLDS,
        junit: undefined,
        failOnFindings: false,
      },
    );
    assert.deepEqual(figures(merged), figures(whole));
    // The data is not trivial: the warm-up held operations, the rate leaves its seconds out,
    // the disk went read-only part way.
    assert.ok(whole.warmup!.ops > 0);
    assert.equal(whole.readOnly?.fromSec, 6);
    assert.equal(
      whole.totals.opsPerSec,
      Math.round((whole.totals.ops / (SECONDS - WARMUP_SEC)) * 10) / 10,
    );
    assert.ok(whole.thresholds.some((t) => !t.ok) && whole.thresholds.some((t) => t.ok));
    if (open) {
      assert.ok(whole.arrivals!.dropped > 0);
      // Queueing makes the response time longer than the service time.
      assert.ok(whole.latencyMs.mean > whole.serviceTimeMs.mean);
      // Each segment schedules at the full rate into a queue of its own.
      assert.equal(merged.arrivals!.ratePerSec, 2 * whole.arrivals!.ratePerSec);
    } else {
      assert.deepEqual(whole.serviceTimeMs, whole.latencyMs);
    }
  });
}
