import assert from "node:assert/strict";
import {
  mergeSweeps,
  runSignature,
  shardIndices,
  signatureExample,
  sweepExitCode,
  type SweepFile,
  sweepFile,
  type SweepRun,
  sweepSeeds,
  sweepTable,
} from "../../src/sweep/sweep_file.ts";
import { summaryFixture } from "../helpers/summary_fixture.ts";

function run(index: number, signature: string | null, exitCode = 0): SweepRun {
  return {
    index,
    seed: 1000 + index,
    dir: `/out/run_${index}`,
    config: null,
    exitCode,
    stopReason: exitCode === 4 ? "CrashDetected" : "DurationElapsed",
    signature,
    durationSec: 10,
    ops: 100,
  };
}

const EXAMPLE = { kind: "finalize-version-failed", code: "53S02", message: "m", dir: "/out/run_1" };

Deno.test("sweepSeeds() derives the same seeds from the same sweep seed, all different", () => {
  assert.deepEqual(sweepSeeds(7, 20), sweepSeeds(7, 20));
  assert.notDeepEqual(sweepSeeds(7, 5), sweepSeeds(8, 5));
  assert.equal(new Set(sweepSeeds(7, 200)).size, 200);
  // A longer sweep starts with the shorter one's seeds.
  assert.deepEqual(sweepSeeds(7, 30).slice(0, 20), sweepSeeds(7, 20));
});

Deno.test("shardIndices() gives run k to shard k mod n, and the shards cover every run once", () => {
  assert.deepEqual(shardIndices(7, "1/3"), [1, 4]);
  const all = [0, 1, 2].flatMap((i) => shardIndices(7, `${i}/3`)).sort((a, b) => a - b);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(shardIndices(3, undefined), [0, 1, 2]);
});

Deno.test("sweepFile() counts runs by signature and keeps the first example", () => {
  const sig = "crash | finalize-version-failed | 53S02 | m";
  const file = sweepFile([run(2, sig, 4), run(0, null), run(1, sig, 4)], new Map([[sig, EXAMPLE]]));
  assert.deepEqual(file.runs.map((r) => r.index), [0, 1, 2]);
  assert.deepEqual(file.signatures[sig], { count: 2, seeds: [1001, 1002], example: EXAMPLE });
  const table = sweepTable(file, (dir) => `replay ${dir}`);
  assert.match(table, /^3 runs: 1 clean, 2 with a finding/);
  assert.match(table, /53S02 \| m\s+2\s+1001\s+replay \/out\/run_1/);
});

Deno.test("mergeSweeps() joins shards into the whole sweep and refuses a run given twice", () => {
  const sig = "Stalled";
  const example = { ...EXAMPLE, kind: "stall" };
  const a: SweepFile = sweepFile([run(0, sig, 6), run(2, null)], new Map([[sig, example]]));
  const b: SweepFile = sweepFile([run(1, sig, 6), run(3, null)], new Map([[sig, example]]));
  const merged = mergeSweeps([b, a]);
  assert.deepEqual(merged.runs.map((r) => r.index), [0, 1, 2, 3]);
  assert.deepEqual(merged.signatures[sig].seeds, [1000, 1001]);
  assert.throws(() => mergeSweeps([a, a]), /run 0 appears in two of the sweep files/);
});

Deno.test("sweepExitCode(): a crash before a stall before an interrupt before data integrity before failures; clean is 0", () => {
  const exit = (...runs: SweepRun[]) => sweepExitCode(sweepFile(runs, new Map()));
  assert.equal(exit(run(0, null), run(1, null)), 0);
  assert.equal(exit(run(0, "failure | 22012"), run(1, null)), 3);
  assert.equal(exit(run(0, "Stalled", 6), run(1, "x", 4), run(2, null, 5)), 4);
  assert.equal(exit(run(0, "Stalled", 6), run(2, null, 5)), 6);
  assert.equal(exit(run(0, null, 5)), 5);
  assert.equal(exit(run(0, "failure | 22012", 3), run(1, null, 130)), 130);
  assert.equal(sweepExitCode(sweepFile([run(0, "failure | 22012")], new Map()), true), 130);
});

Deno.test("runSignature(): hyperd's crash cause, a stall, data integrity, a wrong result, the first failure's SQLSTATE, or null", () => {
  assert.equal(runSignature(summaryFixture({ errors: [] })), null);
  const failed = summaryFixture({
    errors: [{ atSec: 1, user: 0, op: "Aggregate", message: "22012: division by zero" }],
  });
  assert.equal(runSignature(failed), "failure | 22012");
  assert.equal(
    runSignature(summaryFixture({ errors: [], stopReason: "Stalled" })),
    "Stalled",
  );
  const crashed = summaryFixture({
    crash: {
      exitCode: 134,
      signal: "SIGABRT",
      atSec: 3,
      inFlight: [],
      logTail: [],
      cause: { kind: "server-termination", code: "53S02", message: "limit of 314572800 bytes" },
    },
  });
  assert.equal(runSignature(crashed), "crash | server-termination | 53S02 | limit of <n> bytes");
  // A wrong result outranks the first failure: its finding's signature is the run's.
  const wrong = summaryFixture({
    errors: [{ atSec: 1, user: 0, op: "Aggregate", message: "22012: division by zero" }],
  });
  wrong.findings = [...wrong.findings, {
    kind: "wrong-result",
    description: "norec gave two answers",
    evidence: {} as never,
    atSec: 2,
    signature: "wrong-result | norec | SELECT ?",
  }];
  assert.equal(runSignature(wrong), "wrong-result | norec | SELECT ?");
  // Data integrity outranks both: a run with a corrupted row is grouped by it, and its example
  // is the finding's own words.
  const corrupted = {
    ...wrong,
    findings: [...wrong.findings, {
      kind: "corrupted",
      description: "corrupted: 1 row of t1_medium (db 0) differs in price: id 5, ...",
      evidence: {} as never,
      atSec: 3,
      signature: "integrity | corrupted | medium | price",
    }],
  } as typeof wrong;
  assert.equal(runSignature(corrupted), "integrity | corrupted | medium | price");
  assert.deepEqual(signatureExample(corrupted, "run_0003"), {
    kind: "corrupted",
    code: "",
    message: "corrupted: 1 row of t1_medium (db 0) differs in price: id 5, ...",
    dir: "run_0003",
  });
});
