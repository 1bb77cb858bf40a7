import assert from "node:assert/strict";
import { markKnownBugs } from "../../src/results/known_bugs.ts";
import { verdictLine } from "../../src/results/verdict.ts";

Deno.test("markKnownBugs() names a known bug by its signature, and its consequences only beside it", () => {
  const starvation = { signature: "starvation | shared-mutex-starvation-detected" };
  const slowCut = { signature: "slow-operation | Disconnect | cut_copy_u<n>_<n>" };
  const alone = markKnownBugs([starvation, { signature: "crash | SIGSEGV" }]);
  assert.deepEqual(alone.map((f) => f.knownBug), [null, null]);
  const withBug = markKnownBugs([
    { signature: "abandoned-copy-hang" },
    starvation,
    slowCut,
    { signature: "invariant-broken | ReadBalances" },
  ]);
  assert.deepEqual(withBug.map((f) => f.knownBug), [
    "abandoned-copy",
    "abandoned-copy",
    "abandoned-copy",
    null,
  ]);
});

Deno.test("the verdict line marks a known bug's finding", () => {
  const line = verdictLine({
    exitCode: 0,
    stopReason: "DurationElapsed",
    thresholds: [],
    integrity: { checked: true, skipped: null, tables: [], mismatches: 0 },
    findings: [{
      kind: "abandoned-copy-hang",
      description: "a cut COPY hung",
      knownBug: "abandoned-copy",
    }] as never,
  });
  assert.equal(line, "PASSED with 1 finding: a cut COPY hung [known bug: abandoned-copy]");
});
