import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fingerprintDiff, residueOf, weightOf } from "../../src/run/fingerprint.ts";
import { FingerprintSum, rowHashOf } from "../../src/run/fingerprint_sum.ts";
import { md5Hex } from "../../src/run/md5.ts";
import { ModelCache, modelFingerprint, modelGroups, modelRows } from "../../src/run/model.ts";
import { ModelThread } from "../../src/run/model_thread.ts";
import { diffRows } from "../../src/run/row_diff.ts";
import { describeIntegrity, integritySignature } from "../../src/results/integrity_findings.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { Rng } from "../../src/workload/rng.ts";
import { sliceBatch } from "../../src/workload/row_batch.ts";
import { MEDIUM, WIDE } from "../../src/workload/table_shapes.ts";
import { writeBatches } from "../../src/workload/writes.ts";

Deno.test("md5Hex() matches node:crypto at every length around the block edges", () => {
  for (const length of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300]) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 255);
    assert.equal(md5Hex(bytes), createHash("md5").update(bytes).digest("hex"), `length ${length}`);
  }
});

Deno.test("a fingerprint is the sum of its parts: batch by batch, in any order, equals the whole", () => {
  const batch = generateBatch(WIDE, 3000, new Rng("parts"), 10);
  const whole = new FingerprintSum(WIDE);
  whole.add(batch);
  const parts = new FingerprintSum(WIDE);
  parts.add(sliceBatch(batch, 2000, 3000));
  parts.add(sliceBatch(batch, 0, 2000));
  assert.deepEqual(parts.result(), whole.result());
  assert.equal(whole.result().rows, 3000);
  // Rows kept by id: the two halves add up to the whole.
  const low = new FingerprintSum(WIDE), high = new FingerprintSum(WIDE);
  low.add(batch, (id) => id < 1500);
  high.add(batch, (id) => id >= 1500);
  const sum = (a: string, b: string) => String(BigInt(a) + BigInt(b));
  assert.equal(sum(low.result().rowHash, high.result().rowHash), whole.result().rowHash);
});

Deno.test("the row hash sees two rows' values swapped, which every column sum misses", () => {
  const batch = generateBatch(MEDIUM, 2, new Rng("swap"), 1);
  const before = new FingerprintSum(MEDIUM);
  before.add(batch);
  const quantity = MEDIUM.columns.findIndex((c) => c.name === "quantity");
  const values = batch.values[quantity] as Int32Array;
  batch.nulls[quantity]!.fill(0);
  values[0] = values[1] + 1; // make them differ, then swap
  const a = new FingerprintSum(MEDIUM);
  a.add(batch);
  [values[0], values[1]] = [values[1], values[0]];
  const b = new FingerprintSum(MEDIUM);
  b.add(batch);
  assert.deepEqual(fingerprintDiff(MEDIUM, a.result(), b.result()), ["rowHash"]);
  assert.notDeepEqual(before.result(), a.result());
});

Deno.test("the model regenerates an insert exactly as its sub-batches were generated", () => {
  const write = { seed: "model", firstId: 50, rows: 9000 };
  const sum = new FingerprintSum(MEDIUM);
  for (const batch of writeBatches(MEDIUM, write)) sum.add(batch);
  assert.deepEqual(modelFingerprint(MEDIUM, [write]), sum.result());
  const groups = modelGroups(MEDIUM, [write], (id) => Math.trunc(id / 1024));
  assert.equal([...groups.values()].reduce((n, g) => n + g.rows, 0), 9000);
  const rows = modelRows(MEDIUM, [write], new Set([60, 61]));
  assert.deepEqual(rows.map((r) => r.values[0]), [60, 61]);
  const [first] = writeBatches(MEDIUM, write);
  assert.equal(rows[0].hash, rowHashOf(first, 10));
});

Deno.test("diffRows() pairs a missing and an unexpected row of one id as corrupted, naming the column", () => {
  const row = (id: number, price: number, hash: string) => ({
    values: [id, "name", 1, 2, "alpha", 3, price, "x"],
    hash,
  });
  const model = [row(1, 100, "a"), row(2, 200, "b"), row(3, 300, "c"), row(4, 400, "d")];
  const server = [
    row(1, 100, "a"),
    row(2, 201, "b2"),
    row(4, 400, "d"),
    row(4, 400, "d"),
    row(9, 9, "z"),
  ];
  const problems = diffRows(MEDIUM, model, server);
  assert.deepEqual(
    problems.map((p) => [p.kind, p.id, p.columns]),
    [["duplicated", 4, []], ["corrupted", 2, ["price"]], ["lost", 3, []], ["extra", 9, []]],
  );
  const corrupted = {
    kind: "corrupted" as const,
    database: 0,
    table: "t1_medium",
    columns: ["price"],
    rows: 1,
    modelRows: 4,
    serverRows: 5,
    examples: [problems[1]],
  };
  assert.equal(
    describeIntegrity(corrupted),
    "corrupted: 1 row of t1_medium (db 0) differs in price: id 2, price: model 0.0002, server 0.000201",
  );
  assert.equal(integritySignature(corrupted), "integrity | corrupted | medium | price");
});

Deno.test("ModelCache adds only the writes since its last fingerprint, and gets the same sum", () => {
  const writes = [
    { seed: "c1", firstId: 1, rows: 500 },
    { seed: "c2", firstId: 400, rows: 5000 },
    { seed: "c3", firstId: 9, rows: 1 },
  ];
  const cache = new ModelCache();
  const first = cache.fingerprint("0/t", WIDE, writes.slice(0, 2));
  assert.deepEqual(first, modelFingerprint(WIDE, writes.slice(0, 2)));
  const all = cache.fingerprint("0/t", WIDE, writes);
  assert.deepEqual(all, modelFingerprint(WIDE, writes));
  assert.equal(all.rows, 5501);
});

Deno.test("residueOf() and weightOf() agree with exact arithmetic on every fold the columns make", () => {
  const modulus = 2_147_483_647n;
  const exact = (v: bigint) => ((v % modulus) + modulus) % modulus + 1n;
  const folds = [0, 1, -1, 2_147_483_646, 2_147_483_647, 2_147_483_648, -2_147_483_648];
  folds.push(
    1_577_836_800_000_000,
    1_798_675_200_000_000,
    2 ** 52 - 1,
    -(2 ** 52),
    999_999_990_000,
  );
  for (let i = 0; i < 2000; i++) folds.push(Math.floor((Math.random() - 0.5) * 2 ** 53));
  for (const fold of folds) {
    assert.equal(BigInt(residueOf(fold)), exact(BigInt(fold)), `residue of ${fold}`);
  }
  for (const id of [0, 1, 2, 44_488, 2_147_483_646, 123_456_789]) {
    assert.equal(BigInt(weightOf(id)), exact(BigInt(id) * 48_271n), `weight of ${id}`);
  }
});

Deno.test("the model's thread answers what the model computes here, table by table, and keeps its cache", async () => {
  const writes = [
    { seed: "t1", firstId: 1, rows: 3000 },
    { seed: "t2", firstId: 3001, rows: 200 },
  ];
  const thread = new ModelThread();
  try {
    const [wide, medium] = await Promise.all([
      thread.fingerprint("0/a", WIDE, writes.slice(0, 1)),
      thread.fingerprint("0/b", MEDIUM, writes),
    ]);
    assert.deepEqual(wide, modelFingerprint(WIDE, writes.slice(0, 1)));
    assert.deepEqual(medium, modelFingerprint(MEDIUM, writes));
    assert.deepEqual(await thread.fingerprint("0/a", WIDE, writes), modelFingerprint(WIDE, writes));
  } finally {
    thread.close();
  }
  // A question still open when the thread closes fails rather than waits forever.
  const open = thread.fingerprint("0/c", WIDE, writes);
  thread.close();
  await assert.rejects(open, /closed/);
});
