import assert from "node:assert/strict";
import { type VerdictInput, verdictLine } from "../../src/results/verdict.ts";

/** A clean run's verdict input; `overrides` make it fail. */
function input(overrides: Partial<VerdictInput> = {}): VerdictInput {
  return {
    exitCode: 0,
    stopReason: "DurationElapsed",
    thresholds: [
      { expr: "p95_ms<200", value: 13, ok: true },
      { expr: "failures==0", value: 0, ok: true },
      { expr: "ops>10", value: 2000, ok: true },
    ],
    integrity: { checked: true, skipped: null, mismatches: 0, tables: [] },
    ...overrides,
  };
}

const FAILING = [
  { expr: "p95_ms<200", value: 300, ok: false },
  { expr: "failures==0", value: 0, ok: true },
  { expr: "ops>10", value: 2000, ok: true },
];

Deno.test("verdictLine() says PASSED for a run that exits 0", () => {
  assert.equal(verdictLine(input()), "PASSED");
  assert.equal(verdictLine(input({ thresholds: [] })), "PASSED");
});

Deno.test("verdictLine() says a passed run whose integrity was not checked, and why, also when it stopped early", () => {
  const why = "the check had no answer within 60 s";
  const unchecked = { checked: false, skipped: why, mismatches: 0, tables: [] };
  assert.equal(
    verdictLine(input({ integrity: unchecked })),
    `PASSED (integrity not checked: ${why})`,
  );
  assert.equal(
    verdictLine(input({ integrity: unchecked, stopReason: "ResourceLimit", stopDetail: "disk" })),
    `PASSED (stopped early: ResourceLimit: disk; integrity not checked: ${why})`,
  );
  // A failed run names its causes; an unchecked integrity is not one of them.
  assert.equal(
    verdictLine(input({ exitCode: 3, thresholds: FAILING, integrity: unchecked })),
    "FAILED: 1 of 3 thresholds (exit 3)",
  );
});

Deno.test("verdictLine() counts the failed thresholds and gives the exit code", () => {
  assert.equal(
    verdictLine(input({ exitCode: 3, thresholds: FAILING })),
    "FAILED: 1 of 3 thresholds (exit 3)",
  );
  assert.equal(
    verdictLine(input({ exitCode: 3, thresholds: [FAILING[0]] })),
    "FAILED: 1 of 1 threshold (exit 3)",
  );
});

Deno.test("verdictLine() names every cause, the one that set the exit code first", () => {
  assert.equal(
    verdictLine(input({ exitCode: 4, stopReason: "CrashDetected", thresholds: FAILING })),
    "FAILED: hyperd crashed, 1 of 3 thresholds (exit 4)",
  );
  assert.equal(
    verdictLine(input({ exitCode: 6, stopReason: "Stalled" })),
    "FAILED: hyperd stalled (exit 6)",
  );
  const tables = [
    { database: 0, table: "orders", expected: 10, actual: 9, ok: false },
    { database: 1, table: "orders", expected: 10, actual: 10, ok: true },
  ];
  assert.equal(
    verdictLine(input({
      exitCode: 5,
      integrity: { checked: true, skipped: null, mismatches: 1, tables },
    })),
    "FAILED: data integrity in 1 of 2 tables (exit 5)",
  );
});

Deno.test("verdictLine() calls an interrupted run INTERRUPTED, and an internal error FAILED", () => {
  assert.equal(
    verdictLine(input({ exitCode: 130, stopReason: "Interrupted" })),
    "INTERRUPTED (exit 130)",
  );
  assert.equal(
    verdictLine(input({ exitCode: 130, stopReason: "Interrupted", thresholds: FAILING })),
    "INTERRUPTED: 1 of 3 thresholds (exit 130)",
  );
  assert.equal(
    verdictLine(input({ exitCode: 1 })),
    "FAILED: internal error: a bug in hyperstress (exit 1)",
  );
});
