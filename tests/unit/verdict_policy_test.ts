import assert from "node:assert/strict";
import {
  causesOf,
  comparisonExitCode,
  EXIT,
  exitCodeMarkdown,
  exitCodeOf,
  exitCodeRows,
  exitMeaning,
  findingFails,
  gravestCode,
  gravestStopReason,
  outcomeWord,
  sweepExitCode,
  type VerdictInput,
} from "../../src/verdict_policy.ts";

const CLEAN: VerdictInput = {
  stopReason: "DurationElapsed",
  integrity: { mismatches: 0 },
  thresholds: [{ ok: true }],
  findings: [],
};
const FAILED_THRESHOLD = [{ ok: false }, { ok: true }];

Deno.test("the exit codes are a contract: each verdict keeps its number", () => {
  // Scripts and CI jobs branch on these numbers: changing one is a breaking change.
  assert.deepEqual(
    exitCodeRows().map((r) => [r.code, r.name]),
    [
      [0, "ok"],
      [1, "internal"],
      [2, "usage"],
      [3, "thresholdFailed"],
      [4, "crashed"],
      [5, "dataIntegrity"],
      [6, "stalled"],
      [7, "findings"],
      [8, "environment"],
      [9, "wrongAnswer"],
      [130, "interrupted"],
    ],
  );
  const codes = exitCodeRows().map((r) => r.code);
  assert.equal(new Set(codes).size, codes.length, "two verdicts share an exit code");
});

Deno.test("exitCodeRows() gives every code a meaning, and exitCodeMarkdown() a table row", () => {
  const markdown = exitCodeMarkdown().split("\n");
  assert.equal(markdown[0], "| Code | Meaning |");
  for (const row of exitCodeRows()) {
    assert.ok(row.meaning.length > 10, `code ${row.code} has no meaning`);
    assert.equal(exitMeaning(row.code), row.meaning);
    assert.ok(markdown.includes(`| ${row.code} | ${row.meaning} |`), String(row.code));
  }
  assert.match(exitMeaning(EXIT.internal), /a bug in hyperstress/);
  assert.match(exitMeaning(EXIT.environment), /environment/);
  assert.equal(exitMeaning(99), "exit code 99");
});

Deno.test("exitCodeOf(): the gravest cause wins, in one order for every outcome", () => {
  assert.equal(exitCodeOf(CLEAN), EXIT.ok);
  assert.equal(exitCodeOf({ ...CLEAN, thresholds: FAILED_THRESHOLD }), EXIT.thresholdFailed);
  const lost = { ...CLEAN, thresholds: FAILED_THRESHOLD, integrity: { mismatches: 2 } };
  assert.equal(exitCodeOf(lost), EXIT.dataIntegrity);
  assert.equal(exitCodeOf({ ...lost, stopReason: "Interrupted" }), EXIT.interrupted);
  assert.equal(exitCodeOf({ ...lost, stopReason: "Stalled" }), EXIT.stalled);
  assert.equal(exitCodeOf({ ...lost, stopReason: "CrashDetected" }), EXIT.crashed);
  assert.equal(exitCodeOf({ ...lost, stopReason: "ServerUnreachable" }), EXIT.crashed);
  for (const reason of ["ResourceLimit", "UsersFinished", "DurationElapsed"] as const) {
    assert.equal(exitCodeOf({ ...CLEAN, stopReason: reason }), EXIT.ok, reason);
  }
  const worker = { ...lost, stopReason: "WorkerFailed" as const };
  assert.equal(exitCodeOf(worker), EXIT.internal);
  assert.equal(exitCodeOf({ ...worker, ownFault: "usage" }), EXIT.usage);
});

Deno.test("findings fail a run by their kind's entry: some only with --fail-on-findings", () => {
  const slow = { ...CLEAN, findings: [{ kind: "slow-operation" as const }] };
  assert.equal(exitCodeOf(slow), EXIT.ok);
  assert.equal(exitCodeOf(slow, true), EXIT.findings);
  assert.equal(exitCodeOf({ ...slow, thresholds: FAILED_THRESHOLD }, true), EXIT.thresholdFailed);
  // A stall's finding gives the stall's code even if its stop reason were lost in a merge.
  assert.equal(exitCodeOf({ ...CLEAN, findings: [{ kind: "stall" }] }), EXIT.stalled);
  assert.equal(findingFails("slow-operation", false), false);
  assert.equal(findingFails("slow-operation", true), true);
  assert.equal(findingFails("crash", false), true);
  // A kind from a newer hyperstress counts as an ordinary finding.
  assert.equal(findingFails("from-the-future", false), false);
  const future = { ...CLEAN, findings: [{ kind: "from-the-future" }] } as unknown as VerdictInput;
  assert.equal(exitCodeOf(future, true), EXIT.findings);
});

Deno.test("causesOf() lists every cause gravest first, --fail-on-findings once", () => {
  const causes = causesOf({
    stopReason: "CrashDetected",
    integrity: { mismatches: 1 },
    thresholds: FAILED_THRESHOLD,
    findings: [{ kind: "starvation" }, { kind: "slow-operation" }, { kind: "crash" }],
  }, true);
  assert.deepEqual(causes.map((c) => [c.verdict, c.from]), [
    ["crashed", "stop"],
    ["crashed", "finding"],
    ["dataIntegrity", "integrity"],
    ["thresholdFailed", "thresholds"],
    ["findings", "failOnFindings"],
  ]);
  assert.deepEqual(causes.at(-1), { verdict: "findings", from: "failOnFindings", count: 2 });
});

Deno.test("a sweep ranks its runs as one run would: an interrupt above a failed threshold", () => {
  const run = (exitCode: number, signature: string | null = null) => ({ exitCode, signature });
  assert.equal(sweepExitCode([]), EXIT.ok);
  assert.equal(sweepExitCode([run(0), run(0)]), EXIT.ok);
  assert.equal(sweepExitCode([run(0, "failure | 22012"), run(0)]), EXIT.thresholdFailed);
  assert.equal(sweepExitCode([run(EXIT.thresholdFailed), run(EXIT.interrupted)]), EXIT.interrupted);
  assert.equal(sweepExitCode([run(0, "failure | 22012")], true), EXIT.interrupted);
  assert.equal(sweepExitCode([run(EXIT.crashed, "crash | x")], true), EXIT.crashed);
  assert.equal(
    sweepExitCode([run(EXIT.dataIntegrity), run(EXIT.stalled, "Stalled")]),
    EXIT.stalled,
  );
});

Deno.test("gravestCode() and gravestStopReason() rank by the same table", () => {
  assert.equal(gravestCode([]), EXIT.ok);
  assert.equal(gravestCode([EXIT.internal, EXIT.usage]), EXIT.usage);
  assert.equal(gravestCode([EXIT.internal, EXIT.crashed]), EXIT.crashed);
  assert.equal(gravestCode([EXIT.findings, EXIT.thresholdFailed]), EXIT.thresholdFailed);
  assert.equal(
    gravestStopReason(["DurationElapsed", "Interrupted", "WorkerFailed"]),
    "WorkerFailed",
  );
  assert.equal(gravestStopReason(["Stalled", "ServerUnreachable"]), "ServerUnreachable");
  assert.equal(gravestStopReason(["UsersFinished", "DurationElapsed"]), "UsersFinished");
  assert.equal(gravestStopReason(["ResourceLimit", "UsersFinished"]), "ResourceLimit");
});

Deno.test("compare fails with a significant regression, as a failed threshold", () => {
  assert.equal(comparisonExitCode(0), EXIT.ok);
  assert.equal(comparisonExitCode(2), EXIT.thresholdFailed);
});

Deno.test("outcomeWord(): an interrupted run did not fail, it was not allowed to finish", () => {
  assert.equal(outcomeWord(EXIT.ok), "passed");
  assert.equal(outcomeWord(EXIT.interrupted), "interrupted");
  for (const code of [EXIT.crashed, EXIT.internal, EXIT.environment, EXIT.findings]) {
    assert.equal(outcomeWord(code), "failed", String(code));
  }
});

Deno.test("a wrong result fails a run without --fail-on-findings: exit 9, below data integrity", () => {
  const base = {
    stopReason: "DurationElapsed" as const,
    integrity: { mismatches: 0 },
    thresholds: [],
  };
  assert.equal(exitCodeOf({ ...base, findings: [{ kind: "wrong-result" }] }), 9);
  assert.equal(exitCodeOf({ ...base, findings: [{ kind: "query-error" }] }), 9);
  assert.equal(
    exitCodeOf({ ...base, integrity: { mismatches: 1 }, findings: [{ kind: "wrong-result" }] }),
    5,
  );
});
