import assert from "node:assert/strict";
import { judge, partitionsOf } from "../../src/workload/query_gen/oracles.ts";
import { renderExpr } from "../../src/workload/query_gen/ast.ts";
import { classifyQueryError } from "../../src/workload/query_gen/error_class.ts";
import {
  addOracleEvent,
  emptyOracleTally,
  mergeOracleTally,
} from "../../src/stats/oracle_stats.ts";

Deno.test("judge() passes one agreeing row, and fails other counts, other values or differing rows", () => {
  assert.equal(judge([{ whole: "12", parts: "12", side: null }]).ok, true);
  assert.equal(judge([{ whole: null, parts: null }]).ok, true);
  assert.equal(judge([{ whole: "12", parts: "13", side: null }]).ok, false);
  assert.equal(judge([{ whole: "12", parts: null }]).ok, false);
  const differing = judge([
    { whole: "3", parts: "3", side: "only in query", c0: 1 },
    { whole: "3", parts: "3", side: "only in partitions", c0: 2 },
  ]);
  assert.equal(differing.ok, false);
  assert.deepEqual(differing.differing, [
    { side: "only in query", c0: 1 },
    { side: "only in partitions", c0: 2 },
  ]);
  // No row at all is not an answer that agrees.
  assert.equal(judge([]).ok, false);
});

Deno.test("partitionsOf() splits on p, NOT p and p IS NULL", () => {
  const p = { k: "col", type: "bool", table: "t0", column: "is_active" } as const;
  assert.deepEqual(partitionsOf(p).map(renderExpr), [
    't0."is_active"',
    '(NOT t0."is_active")',
    '(t0."is_active" IS NULL)',
  ]);
});

Deno.test("classifyQueryError(): data exceptions expected, 42xxx and 0A000 the generator's, XX and 58 internal", () => {
  for (const code of ["22012", "22003", "22P02", "22018", "2201E"]) {
    assert.equal(classifyQueryError(code), "expected");
  }
  for (const code of ["42601", "42883", "42804", "0A000"]) {
    assert.equal(classifyQueryError(code), "generator");
  }
  for (const code of ["XX000", "XX001", "58030"]) {
    assert.equal(classifyQueryError(code), "internal");
  }
  for (const code of ["40001", "53200", "57014", undefined]) {
    assert.equal(classifyQueryError(code), "other");
  }
});

Deno.test("oracle tallies add up across intervals and keep the first evidence", () => {
  const at = { atSec: 1, user: 2, seq: 3 };
  const a = emptyOracleTally();
  addOracleEvent(a, { kind: "passed", oracle: "norec" }, at);
  addOracleEvent(a, { kind: "expected", sqlState: "22012" }, at);
  addOracleEvent(a, { kind: "generator", sqlState: "42601", message: "m", statement: "s" }, at);
  const b = emptyOracleTally();
  addOracleEvent(b, { kind: "passed", oracle: "norec" }, at);
  addOracleEvent(b, { kind: "expected", sqlState: "22012" }, at);
  addOracleEvent(b, {
    kind: "internal",
    error: { seed: 1, complexity: 1, database: 0, sqlState: "XX000", message: "m", statement: "s" },
  }, at);
  const run = emptyOracleTally();
  mergeOracleTally(run, a);
  mergeOracleTally(run, b);
  assert.equal(run.checks, 6);
  assert.deepEqual(run.passed, { norec: 2 });
  assert.deepEqual(run.expectedErrors, { "22012": 2 });
  assert.deepEqual(run.generatorErrors, { "42601": 1 });
  assert.equal(run.generatorExamples.length, 1);
  assert.equal(run.internalErrorCount, 1);
  assert.equal(run.internalErrors[0].user, 2);
});
