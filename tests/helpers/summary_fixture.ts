/** A complete, realistic Summary for report tests: no server needed, same numbers every time. */
import { resolveConfig } from "../../src/config/resolve.ts";
import type { CrashInfo } from "../../src/hyperd/crash.ts";
import type { LatencySummary } from "../../src/stats/latency.ts";
import {
  DEFAULT_OP_KINDS,
  OP_KINDS,
  type OpKind,
  USER_CLASSES,
} from "../../src/workload/op_table.ts";
import type { OpTotals } from "../../src/stats/run_stats.ts";
import { type Summary, SUMMARY_SCHEMA_VERSION } from "../../src/results/summary.ts";
import { findingsOf } from "../../src/results/findings.ts";
import type { SlowOp } from "../../src/stats/op_records.ts";

const SECONDS = 60;
const round = (value: number) => Math.round(value * 1000) / 1000;

/** Latency at the spectrum's ten percentiles, rising into the tail. */
function spectrum(p50: number): number[] {
  return [0.2, 0.6, 1, 1.6, 2.4, 3.2, 6.5, 9, 10.5, 11].map((f) => round(p50 * f));
}

function latency(p50: number): LatencySummary {
  return {
    p50: round(p50),
    p95: round(p50 * 3.2),
    p99: round(p50 * 6.5),
    max: round(p50 * 11),
    mean: round(p50 * 1.4),
  };
}

/** A monitor blind for 14.2 s in two spells (the longest 12.5 s), load standing in for CPU. */
export const BLIND_SIGHT: NonNullable<Summary["sight"]> = {
  staleAfterSec: 3,
  blindSec: 14.2,
  blindSpells: 2,
  longestBlindSec: 12.5,
  staleReleases: 1,
  cpuSignal: "load",
};

/** A 60-second run with 9 users, a backpressure period from 30 s to 40 s and escaped-worthy errors. */
export function summaryFixture(overrides: Partial<Summary> = {}): Summary {
  const config = resolveConfig({ seed: "424242", duration: String(SECONDS) }, {});
  const backpressured = (sec: number) => sec >= 30 && sec < 40;
  // Smooth but uneven curves so the charts have something to show.
  const timeline = Array.from({ length: SECONDS }, (_, i) => {
    const sec = i + 1;
    const slow = backpressured(sec) ? 0.25 : 1;
    const ops = Math.round((40 + 15 * Math.sin(sec / 5)) * slow);
    const p50 = 4 + 2 * Math.sin(sec / 9) + (backpressured(sec) ? 9 : 0);
    // Each kind a share of the second's ops, slower down the table; SchemaDdl only now and then.
    const byOp = Object.fromEntries(
      OP_KINDS.flatMap((kind, k) => {
        if (kind === "SchemaDdl" && sec % 4 !== 0) return [];
        const l = latency(p50 * (0.5 + k * 0.6));
        return [[kind, {
          ops: Math.max(1, Math.round(ops / (k + 2))),
          p50: l.p50,
          p95: l.p95,
          p99: l.p99,
        }]];
      }),
    );
    return {
      atSec: sec,
      ops,
      failures: sec % 17 === 0 ? 2 : 0,
      insertedRows: Math.round(ops * (900 + 300 * Math.cos(sec / 7))),
      readRows: Math.round(ops * 35),
      latencyMs: latency(p50),
      byOp,
    };
  });
  // The run's .hyper files grow and hyperstress uses a steady share of the cores.
  const watch = Array.from({ length: SECONDS }, (_, i) => ({
    atSec: round(i + 1.004),
    diskMb: round(5.2 * (i + 1)),
    clientCpuPercent: round(7 + 3 * Math.sin(i / 4)),
    clientSaturated: false,
  }));
  const resources = Array.from({ length: SECONDS / 2 + 1 }, (_, i) => {
    const sec = i * 2;
    // The mapped files grow with the data; tracked memory rises and falls with the load.
    const fileMappingsMb = round(300 + sec * 6);
    const trackedMemoryMb = round(120 + sec * 4 - (sec > 40 ? (sec - 40) * 6 : 0));
    return {
      atSec: sec,
      memoryMb: round(fileMappingsMb + trackedMemoryMb + 220),
      fileMappingsMb,
      trackedMemoryMb,
      overallLoad: round(0.35 + 0.3 * Math.sin(sec / 6) ** 2),
      schedulerLoad: round(0.2 + 0.25 * Math.cos(sec / 8) ** 2),
      processCpuPercent: round(45 + 40 * Math.sin(sec / 10) ** 2),
      backpressure: backpressured(sec),
    };
  });
  const counts: Record<OpKind, number> = {
    BulkInsert: 820,
    SingleInsert: 260,
    SimpleSelect: 540,
    Aggregate: 330,
    ComplexJoin: 240,
    SchemaDdl: 110,
    GeneratedQuery: 0,
    Transfer: 0,
    ReadBalances: 0,
    UpdateRange: 0,
    DeleteRange: 0,
    Cancel: 0,
    Disconnect: 0,
    Reattach: 0,
  };
  const byOp = Object.fromEntries(OP_KINDS.map((kind, i): [OpKind, OpTotals] => [kind, {
    count: counts[kind],
    failures: kind === "ComplexJoin" ? 5 : kind === "BulkInsert" ? 3 : 0,
    rows: kind === "BulkInsert" ? 2_150_000 : kind === "SingleInsert" ? 260 : counts[kind] * 40,
    latencyMs: latency(1.5 + i * 2.5),
  }])) as Record<OpKind, OpTotals>;
  const ops = timeline.reduce((sum, p) => sum + p.ops, 0);
  const failures = timeline.reduce((sum, p) => sum + p.failures, 0);
  const insertedRows = timeline.reduce((sum, p) => sum + p.insertedRows, 0);
  const users = Array.from({ length: 9 }, (_, id) => ({
    id,
    class: id < 4 ? USER_CLASSES[0] : id < 7 ? USER_CLASSES[1] : USER_CLASSES[2],
    ops: 200 + id * 17,
    failures: id % 3 === 0 ? 1 : 0,
    sequenceDigest: `sha256:${id.toString(16).padStart(8, "0")}`,
  }));
  const summary: Summary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    hyperstress: { version: "0.1.0", deno: "2.9.6" },
    hyperd: { path: "/opt/hyper/hyperd", version: "0.0.21200 <test & build>" },
    commandLine: [
      "stress",
      "--seed",
      "424242",
      "--duration",
      "60",
      "--threshold",
      "p95_ms<200",
      "--output-dir",
      "/tmp/it's here",
    ],
    host: { os: "linux", arch: "x86_64", cpuModel: null, cores: 2, memoryMb: 24105 },
    outputDir: "/tmp/hyperstress-run",
    config,
    startedAt: "2025-01-02T03:04:05.000Z",
    durationSec: 60.042,
    stopReason: "DurationElapsed",
    stopDetail: null,
    exitCode: 3,
    model: "closed",
    totals: {
      ops,
      failures,
      insertedRows,
      opsPerSec: round(ops / SECONDS),
      insertRowsPerSec: round(insertedRows / SECONDS),
    },
    latencyMs: latency(4.2),
    serviceTimeMs: latency(4.2),
    arrivals: null,
    warmup: null,
    latencySpectrum: {
      percentiles: [0, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100],
      allMs: spectrum(4.2),
      byOpMs: Object.fromEntries(
        DEFAULT_OP_KINDS.map((kind, i) => [kind, spectrum(1.5 + i * 2.5)]),
      ),
    },
    byOp,
    peak: {
      memoryMb: 1120,
      fileMappingsMb: 660,
      trackedMemoryMb: 280,
      overallLoad: 0.65,
      schedulerLoad: 0.45,
      processCpuPercent: 85,
    },
    memory: { signal: "tracked", limitMb: 19284.5 },
    disk: { usedMb: 312.4, budgetMb: 2048, writesRedirected: 0 },
    backpressure: { events: 1, seconds: 10 },
    errors: [
      { atSec: 12.5, user: 3, op: "ComplexJoin", message: "query canceled: timeout" },
      {
        atSec: 17.25,
        user: 5,
        op: "BulkInsert",
        message: `COPY rejected: <script>alert("x")</script> & 'quotes'`,
      },
      {
        atSec: 34,
        user: 8,
        op: "ComplexJoin",
        message: "out of memory; see https://tableau.github.io/hyper-db for the memory limit",
      },
    ],
    errorCount: 8,
    errorGroups: [
      {
        message: "query canceled: timeout",
        example: "query canceled: timeout",
        kinds: ["ComplexJoin"],
        count: 5,
        firstAtSec: 12.5,
        lastAtSec: 51.02,
      },
      {
        message: `COPY rejected: <script>alert("x")</script> & 'quotes'`,
        example: `COPY rejected: <script>alert("x")</script> & 'quotes'`,
        kinds: ["BulkInsert"],
        count: 2,
        firstAtSec: 17.25,
        lastAtSec: 18,
      },
      {
        message: "out of memory; see <path> for the memory limit",
        example: "out of memory; see https://tableau.github.io/hyper-db for the memory limit",
        kinds: ["ComplexJoin", "BulkInsert"],
        count: 1,
        firstAtSec: 34,
        lastAtSec: 34,
      },
    ],
    serverErrors: { user: 6, system: 2, fatal: 0, memoryLimitExceeded: 0 },
    serverWarnings: {},
    slowest: [
      slowOp({ user: 2, seq: 41, kind: "ComplexJoin", durationMs: 912.5, startedAtSec: 31.2 }),
      slowOp({ user: 0, seq: 77, kind: "BulkInsert", durationMs: 640.25, startedAtSec: 35 }),
    ],
    findings: [],
    crash: null,
    stall: null,
    schedule: { file: "schedule.jsonl.gz", lines: 2210, error: null },
    integrity: {
      checked: true,
      skipped: null,
      tables: [{ database: 0, table: "orders", expected: 1000, actual: 1000, ok: true }],
      mismatches: 0,
    },
    transport: { grpcReads: 0, libpqReads: 1110 },
    users,
    workers: 9,
    client: { cpuSec: 8.8, cpuPercentOfCores: 7.3, saturated: false },
    timeline,
    resources,
    watch,
    thresholds: [
      { expr: "p95_ms<200", value: 13.44, ok: true },
      { expr: "failure_rate<0.001", value: 0.0034, ok: false },
      { expr: "peak_cpu_percent<=95", value: 85, ok: true },
    ],
  };
  return { ...summary, ...overrides };
}

/**
 * An open-model run at 40 arrivals/s with a 5-second warm-up: from 30 s to 40 s hyperd is slow,
 * the queue grows to its limit and arrivals drop, so response times rise far above service times.
 */
export function openSummaryFixture(): Summary {
  const closed = summaryFixture();
  const slow = (sec: number) => sec >= 30 && sec < 40;
  const timeline = closed.timeline.map((point) => {
    const sec = point.atSec;
    const queue = slow(sec) ? Math.min(90, (sec - 29) * 12) : 0;
    return {
      ...point,
      ...(sec <= 5 ? { warmup: true as const } : {}),
      arrivals: 40,
      dropped: slow(sec) && sec > 36 ? 12 : 0,
      queue,
      target: 40,
      serviceMs: point.latencyMs,
      latencyMs: slow(sec) ? latency(point.latencyMs.p50 + queue * 25) : point.latencyMs,
    };
  });
  return summaryFixture({
    commandLine: ["stress", "--seed", "424242", "--arrival-rate", "40", "--warmup-sec", "5"],
    config: { ...closed.config, arrivalRate: 40, warmupSec: 5 },
    model: "open",
    timeline,
    latencyMs: latency(21.5),
    serviceTimeMs: latency(4.2),
    byOp: Object.fromEntries(
      Object.entries(closed.byOp).map(([kind, op]) => [kind, {
        ...op,
        serviceTimeMs: op.latencyMs,
        latencyMs: latency(op.latencyMs.p50 * 5),
      }]),
    ) as Summary["byOp"],
    arrivals: {
      process: "poisson",
      ratePerSec: 40,
      queueLimit: 90,
      arrivals: 2200,
      dropped: 36,
      maxQueue: 90,
      unserved: 0,
      startedAtSec: 0.6,
    },
    warmup: { sec: 5, ops: 190, failures: 0 },
  });
}

/** A run that did nothing: empty series, null peaks, integrity not checked. */
export function emptySummaryFixture(): Summary {
  const full = summaryFixture();
  const zero = { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  return summaryFixture({
    durationSec: 0,
    stopReason: "CrashDetected",
    stopDetail: "hyperd exited during start-up",
    exitCode: 4,
    totals: { ops: 0, failures: 0, insertedRows: 0, opsPerSec: 0, insertRowsPerSec: 0 },
    latencyMs: zero,
    byOp: Object.fromEntries(
      Object.keys(full.byOp).map((k) => [k, { count: 0, failures: 0, rows: 0, latencyMs: zero }]),
    ) as Summary["byOp"],
    peak: {
      memoryMb: null,
      fileMappingsMb: null,
      trackedMemoryMb: null,
      overallLoad: null,
      schedulerLoad: null,
      processCpuPercent: null,
    },
    memory: { signal: null, limitMb: 19284.5 },
    backpressure: { events: 0, seconds: 0 },
    errors: [],
    errorCount: 0,
    errorGroups: [],
    latencySpectrum: { percentiles: full.latencySpectrum.percentiles, allMs: [], byOpMs: {} },
    watch: [],
    crash: {
      exitCode: 139,
      signal: "SIGSEGV",
      atSec: 0.4,
      cause: null,
      inFlight: [],
      logTail: ["fatal: <boom>"],
    },
    integrity: { checked: false, skipped: "hyperd crashed", tables: [], mismatches: 0 },
    users: [],
    timeline: [],
    resources: [],
    thresholds: [],
  });
}

/** The SIGABRT of tests/fixtures/hyperd_abort_memory_limit.jsonl as a crash report. */
export function abortCrashFixture(): CrashInfo {
  return {
    exitCode: 134,
    signal: "SIGABRT",
    atSec: 3.764,
    cause: {
      kind: "finalize-version-failed",
      code: "53S02",
      message: "unable to write compressed datablock: Cannot allocate 2332356 bytes of memory: " +
        "The `global memory limit` limit of 314572800 bytes was exceeded.",
    },
    inFlight: [],
    logTail: ['{"k":"deadly-signal-received","v":{"signal-name":"SIGABRT"}}'],
  };
}

/** A run that hyperd's SIGABRT under its memory limit ended, with the fatal entries counted. */
export function crashedSummaryFixture(): Summary {
  return summaryFixture({
    stopReason: "CrashDetected",
    stopDetail: "hyperd exited with code 134 (SIGABRT)",
    exitCode: 4,
    serverErrors: { user: 6, system: 2, fatal: 4, memoryLimitExceeded: 1 },
    crash: abortCrashFixture(),
    integrity: { checked: false, skipped: "hyperd crashed", tables: [], mismatches: 0 },
  });
}

/** One of the slowest operations, on `t1_medium`. */
function slowOp(op: Pick<SlowOp, "user" | "seq" | "kind" | "durationMs" | "startedAtSec">): SlowOp {
  const sql = op.kind === "BulkInsert"
    ? `COPY "t1_medium" ("id", "name") FROM STDIN WITH (FORMAT HYPERBINARY) -- 5000 rows`
    : `SELECT count(*) FROM "t1_medium" a JOIN "t0_small" b ON a.id < b.id`;
  return {
    table: "t1_medium",
    rows: op.kind === "BulkInsert" ? 5000 : 0,
    sql,
    outcome: "ok",
    ...op,
  };
}

/**
 * The issue-18 run: two COPYs and an aggregate on one table took 50 s while hyperd reported
 * starvation at 44 s; it passed, with findings.
 */
export function findingsSummaryFixture(overrides: Partial<Summary> = {}): Summary {
  const base = summaryFixture({ exitCode: 0, thresholds: [] });
  const example = (kind: string, atSec: number, detail: string) => ({
    kind,
    atMs: Date.UTC(2026, 10, 24, 2, 56, 11),
    atSec,
    detail,
    session: "t7IC71NtIogmS6eZJtwI7Q",
    request: "356",
    values: {},
  });
  const serverWarnings: Summary["serverWarnings"] = {
    "scheduler-starvation": {
      count: 2,
      firstAtSec: 44,
      lastAtSec: 50,
      example: example("scheduler-starvation", 44, "timeout 5.87 s"),
    },
    "shared-mutex-starvation-detected": {
      count: 2,
      firstAtSec: 44,
      lastAtSec: 50,
      example: example("shared-mutex-starvation-detected", 44, ""),
    },
    "number-network-threads-low": {
      count: 3,
      firstAtSec: 20.5,
      lastAtSec: 30.7,
      example: example(
        "number-network-threads-low",
        20.5,
        "4 active continuations on 4 network threads",
      ),
    },
  };
  const slowest = [
    slowOp({ user: 3, seq: 120, kind: "BulkInsert", durationMs: 50070, startedAtSec: 0.95 }),
    slowOp({ user: 5, seq: 88, kind: "BulkInsert", durationMs: 50039, startedAtSec: 0.96 }),
    slowOp({ user: 7, seq: 30, kind: "ComplexJoin", durationMs: 50011, startedAtSec: 0.96 }),
    ...base.slowest,
  ];
  const findings = findingsOf({ ...base, slowest, serverWarnings, slowOpSec: 10 });
  return summaryFixture({
    exitCode: 0,
    thresholds: [],
    serverWarnings,
    slowest,
    findings,
    ...overrides,
  });
}
