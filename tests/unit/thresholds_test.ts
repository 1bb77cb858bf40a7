import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import {
  type Metric,
  OP_METRICS,
  RUN_METRICS,
  type Threshold,
} from "../../src/config/thresholds.ts";
import { ConfigError } from "../../src/errors.ts";
import { evaluateThresholds, metricValues } from "../../src/results/thresholds.ts";
import { OP_KINDS } from "../../src/workload/op_table.ts";
import { emptySummaryFixture, summaryFixture } from "../helpers/summary_fixture.ts";

/** Thresholds as the config resolves them from `--threshold` flags (or STRESS_THRESHOLDS). */
function parseThresholds(exprs: string[], origin = "--threshold"): Threshold[] {
  const joined = exprs.join(",");
  const config = origin === "--threshold"
    ? resolveConfig({ thresholds: joined }, {})
    : resolveConfig({}, { [origin]: joined });
  return config.thresholds;
}

/** The ConfigError the config resolution throws for `exprs`. */
function parseError(exprs: string[], origin = "--threshold"): ConfigError {
  try {
    parseThresholds(exprs, origin);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(exprs)} to be rejected`);
}

Deno.test("resolveConfig() parses thresholds: metric, operator and number, with or without spaces", () => {
  const parsed = parseThresholds(
    ["p95_ms<200", " failure_rate <= 0.01 ", "ops>=1e3", "BulkInsert.p99_ms < 50.5", "failures==0"],
  );
  assert.deepEqual(parsed.map(({ metric, op, target }) => [metric, op, target]), [
    ["p95_ms", "<", 200],
    ["failure_rate", "<=", 0.01],
    ["ops", ">=", 1000],
    ["BulkInsert.p99_ms", "<", 50.5],
    ["failures", "==", 0],
  ]);
  assert.equal(parsed[1].expr, "failure_rate <= 0.01");
});

Deno.test("resolveConfig() accepts every run metric and every per-kind metric", () => {
  const exprs = [
    ...RUN_METRICS.map((m) => `${m}>=0`),
    ...OP_KINDS.flatMap((k) => OP_METRICS.map((m) => `${k}.${m}>=0`)),
  ];
  assert.equal(parseThresholds(exprs).length, exprs.length);
});

Deno.test("resolveConfig() names the expression and lists the metrics for an unknown metric", () => {
  const error = parseError(["p99_mss<5"]);
  assert.equal(error.exitCode, 2);
  assert.equal(error.code, "CONFIG_INVALID");
  assert.match(
    error.message,
    /--threshold "p99_mss<5": unknown metric "p99_mss"; did you mean "p99_ms"\? expected one of /,
  );
  assert.match(error.message, /p50_ms, p95_ms, p99_ms/);
  assert.match(error.message, /<OpKind>\.<p50_ms\|/);
});

Deno.test("resolveConfig() reports every bad expression in one ConfigError", () => {
  const error = parseError(
    ["p95_ms<200", "nope<1", "p95_ms=5", "ops<ten", "Bogus.count<1", "BulkInsert.p95<1", "p95_ms"],
    "STRESS_THRESHOLDS",
  );
  const lines = error.message.split("\n").slice(1).map((l) => l.trim());
  assert.deepEqual(lines, [
    lines[0],
    'STRESS_THRESHOLDS "p95_ms=5": unknown operator "="; expected one of <=, >=, ==, !=, <, >',
    'STRESS_THRESHOLDS "ops<ten": expected a number after "<", got "ten"',
    'STRESS_THRESHOLDS "Bogus.count<1": unknown operation kind "Bogus" in "Bogus.count"; ' +
    `expected one of ${OP_KINDS.join(", ")}`,
    'STRESS_THRESHOLDS "BulkInsert.p95<1": unknown metric "BulkInsert.p95"; ' +
    'did you mean "BulkInsert.p95_ms"? expected ' +
    "BulkInsert.<p50_ms|p95_ms|p99_ms|max_ms|mean_ms|count|failures|rows|aborted|aborted_rate>",
    'STRESS_THRESHOLDS "p95_ms": expected <metric><op><number>, e.g. "p95_ms<200"',
  ]);
  assert.match(lines[0], /^STRESS_THRESHOLDS "nope<1": unknown metric "nope"/);
});

Deno.test("evaluateThresholds() applies each comparison operator exactly at the boundary", () => {
  const summary = summaryFixture({ thresholds: [] });
  const ops = summary.totals.ops;
  const verdicts = (exprs: string[]) =>
    evaluateThresholds(parseThresholds(exprs), metricValues(summary)).map((r) => r.ok);
  assert.deepEqual(verdicts([`ops<${ops}`, `ops<${ops + 1}`]), [false, true]);
  assert.deepEqual(verdicts([`ops<=${ops}`, `ops<=${ops - 1}`]), [true, false]);
  assert.deepEqual(verdicts([`ops>${ops}`, `ops>${ops - 1}`]), [false, true]);
  assert.deepEqual(verdicts([`ops>=${ops}`, `ops>=${ops + 1}`]), [true, false]);
  assert.deepEqual(verdicts([`ops==${ops}`, `ops==${ops + 1}`]), [true, false]);
  assert.deepEqual(verdicts([`ops!=${ops}`, `ops!=${ops + 1}`]), [false, true]);
});

Deno.test("evaluateThresholds() reads per-kind metrics from byOp", () => {
  const summary = summaryFixture();
  const results = evaluateThresholds(
    parseThresholds(
      ["BulkInsert.p95_ms<200", "BulkInsert.rows>=2150000", "ComplexJoin.failures==0"],
    ),
    metricValues(summary),
  );
  assert.deepEqual(results, [
    { expr: "BulkInsert.p95_ms<200", value: summary.byOp.BulkInsert.latencyMs.p95, ok: true },
    { expr: "BulkInsert.rows>=2150000", value: 2_150_000, ok: true },
    { expr: "ComplexJoin.failures==0", value: 5, ok: false },
  ]);
});

Deno.test("evaluateThresholds() fails a metric the run did not measure, with value null", () => {
  const empty = emptySummaryFixture();
  const exprs = [
    "peak_cpu_percent<100",
    "peak_memory_mb<100000",
    "failure_rate<1",
    "p99_ms<1000",
    "BulkInsert.p95_ms<1000",
    "integrity_mismatches==0",
  ];
  const results = evaluateThresholds(parseThresholds(exprs), metricValues(empty));
  assert.deepEqual(results, exprs.map((expr) => ({ expr, value: null, ok: false })));
});

Deno.test("metricValues() maps every run metric to the summary's numbers", () => {
  const s = summaryFixture();
  const expected: Record<(typeof RUN_METRICS)[number], number | null> = {
    p50_ms: s.latencyMs.p50,
    p95_ms: s.latencyMs.p95,
    p99_ms: s.latencyMs.p99,
    max_ms: s.latencyMs.max,
    mean_ms: s.latencyMs.mean,
    failures: s.totals.failures,
    failure_rate: s.totals.failures / s.totals.ops,
    ops: s.totals.ops,
    ops_per_sec: s.totals.opsPerSec,
    insert_rows_per_sec: s.totals.insertRowsPerSec,
    inserted_rows: s.totals.insertedRows,
    peak_memory_mb: 1120,
    peak_overall_load: 0.65,
    peak_cpu_percent: 85,
    backpressure_seconds: 10,
    // The fixture predates the monitor's sight: not measured.
    monitor_blind_seconds: null,
    disk_used_mb: 312.4,
    integrity_mismatches: 0,
  };
  for (const metric of RUN_METRICS) {
    assert.equal(metricValues(s)[metric], expected[metric], metric);
  }
  assert.equal(metricValues(s)["SchemaDdl.count" as Metric], 110);
  const sight = {
    staleAfterSec: 3,
    blindSec: 11.6,
    blindSpells: 2,
    longestBlindSec: 10.5,
    staleReleases: 2,
    cpuSignal: "cpu" as const,
  };
  assert.equal(metricValues({ ...s, sight }).monitor_blind_seconds, 11.6);
});
