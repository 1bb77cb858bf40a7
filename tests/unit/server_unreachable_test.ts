import assert from "node:assert/strict";
import { Reachability } from "../../src/run/reachability.ts";
import { exitCodeOf } from "../../src/verdict_policy.ts";
import { integritySkipped } from "../../src/run/integrity.ts";
import { junitXml } from "../../src/results/junit.ts";
import { verdictLine } from "../../src/results/verdict.ts";
import { summaryFixture } from "../helpers/summary_fixture.ts";

Deno.test("Reachability counts refused seconds from the first refusal and forgets them on an answer", () => {
  const r = new Reachability(3);
  assert.equal(r.update(1, true), 0);
  assert.equal(r.update(2, false), 0);
  assert.equal(r.update(4, false), 2);
  assert.ok(!r.lost(2));
  assert.equal(r.update(5, false), 3);
  assert.ok(r.lost(3));
  // One answer and the count starts over.
  assert.equal(r.update(6, true), 0);
  assert.equal(r.update(7, false), 0);
  assert.equal(r.update(9, false), 2);
});

Deno.test("exitCodeOf() gives ServerUnreachable exit 4, like a crash", () => {
  const base = { integrity: integritySkipped("the server stopped answering"), thresholds: [] };
  assert.equal(exitCodeOf({ ...base, stopReason: "ServerUnreachable" }), 4);
  assert.equal(exitCodeOf({ ...base, stopReason: "CrashDetected" }), 4);
  assert.equal(exitCodeOf({ ...base, stopReason: "DurationElapsed" }), 0);
});

Deno.test("junitXml() fails 'hyperd did not crash' when an attached hyperd became unreachable", () => {
  const xml = junitXml(summaryFixture({
    stopReason: "ServerUnreachable",
    stopDetail: "hyperd at hyperd:7483 refused connections for 60 s",
    exitCode: 4,
    crash: null,
  }));
  assert.match(
    xml,
    /<failure type="ServerUnreachable" message="hyperd at hyperd:7483 refused connections for 60 s"/,
  );
});

Deno.test("verdictLine() calls an unreachable attached hyperd what it is", () => {
  const summary = {
    stopReason: "ServerUnreachable" as const,
    exitCode: 4,
    thresholds: [],
    integrity: integritySkipped("the server stopped answering"),
  };
  assert.equal(verdictLine(summary), "FAILED: hyperd unreachable (exit 4)");
});
