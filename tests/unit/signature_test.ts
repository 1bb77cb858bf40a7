import assert from "node:assert/strict";
import {
  crashSignature,
  normaliseText,
  opSignature,
  signatureOf,
  tableShape,
  warningSignature,
} from "../../src/results/signature.ts";

Deno.test("normaliseText() replaces numbers, paths, ids and hex, and folds white space", () => {
  assert.equal(
    normaliseText("Cannot allocate 2332356 bytes: limit of 314572800 bytes  was\texceeded."),
    "Cannot allocate <n> bytes: limit of <n> bytes was exceeded.",
  );
  assert.equal(
    normaliseText('database "/tmp/hyperstress-ab12/db_0.hyper" is locked'),
    'database "<path>" is locked',
  );
  assert.equal(normaliseText("C:\\runs\\7\\db_1.hyper failed"), "<path> failed");
  assert.equal(
    normaliseText("session 3f2b8c1e-0a4d-4c2e-9b7f-1d2e3f4a5b6c at 0x7f22854936c0"),
    "session <id> at <hex>",
  );
  assert.equal(normaliseText("took 50.0117 s, then -3 and 1e-06"), "took <n> s, then <n> and <n>");
  assert.equal(normaliseText("n/a stays; t1_medium"), "n/a stays; t<n>_medium");
});

Deno.test("tableShape() reads a workload table's shape and normalises other names", () => {
  assert.equal(tableShape("t1_medium"), "medium");
  assert.equal(tableShape("t4_wide"), "wide");
  assert.equal(tableShape("t0_small"), "small");
  assert.equal(tableShape("scratch_3_17"), "scratch_<n>_<n>");
});

Deno.test("two seeds' slow COPYs on different medium tables share one signature", () => {
  const a = opSignature("slow-operation", { kind: "BulkInsert", table: "t1_medium" });
  const b = opSignature("slow-operation", { kind: "BulkInsert", table: "t3_medium" });
  assert.equal(a, "slow-operation | BulkInsert | medium");
  assert.equal(a, b);
  assert.notEqual(a, opSignature("slow-operation", { kind: "Aggregate", table: "t1_medium" }));
  assert.notEqual(a, opSignature("stall", { kind: "BulkInsert", table: "t1_medium" }));
  assert.equal(
    warningSignature("starvation", "shared-mutex-starvation-detected"),
    "starvation | shared-mutex-starvation-detected",
  );
  assert.equal(signatureOf(["stall", ""]), "stall");
});

Deno.test("crashSignature() keeps the kind, SQLSTATE and hyperd's cause without its context", () => {
  // Both forms came from the same abort (seeds 1 and 3 of the memory-limit sweep).
  const cause = (bytes: number, context = "unable to write compressed datablock: ") => ({
    kind: "finalize-version-failed",
    code: "53S02",
    message: `${context}Cannot allocate ${bytes} bytes of memory: ` +
      "The `global memory limit` limit of 314572800 bytes was exceeded.",
  });
  const exit = { signal: "SIGABRT", exitCode: 134 };
  assert.equal(
    crashSignature(cause(2332356), exit),
    "crash | finalize-version-failed | 53S02 | Cannot allocate <n> bytes of memory: " +
      "The `global memory limit` limit of <n> bytes was exceeded.",
  );
  assert.equal(crashSignature(cause(2332356), exit), crashSignature(cause(1048576), exit));
  assert.equal(crashSignature(cause(2332356), exit), crashSignature(cause(1065056, ""), exit));
  const lowercase = { kind: "k", code: "XX000", message: "assertion failed: x > 0" };
  assert.equal(crashSignature(lowercase, exit), "crash | k | XX000 | assertion failed: x > <n>");
  assert.equal(crashSignature(null, { signal: "SIGKILL", exitCode: 137 }), "crash | SIGKILL");
  assert.equal(crashSignature(null, { signal: null, exitCode: 3 }), "crash | exit code 3");
});
