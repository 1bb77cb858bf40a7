import assert from "node:assert/strict";
import { Reachability } from "../../src/run/reachability.ts";
import { exitCodeOf } from "../../src/results/summary.ts";
import { integritySkipped } from "../../src/run/integrity.ts";

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
