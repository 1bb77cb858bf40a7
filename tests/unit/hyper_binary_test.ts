import assert from "node:assert/strict";
import { HYPER_BINARY_HEADER, HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { Rng } from "../../src/workload/rng.ts";
import { textColumn } from "../../src/workload/row_batch.ts";
import { SHAPES, SMALL, WIDE } from "../../src/workload/table_shapes.ts";

Deno.test("HyperBinaryEncoder writes the 19-byte header and a null flag only for nullable columns", () => {
  const batch = generateBatch(SMALL, 1, new Rng("layout"), 7);
  batch.nulls[1]![0] = 0;
  batch.nulls[2]![0] = 1;
  batch.values[1] = textColumn(["ab"]);
  const bytes = new Uint8Array(
    new HyperBinaryEncoder().encode(batch).flatMap((chunk) => [...chunk]),
  );
  assert.deepEqual(bytes.subarray(0, 19), HYPER_BINARY_HEADER);
  const expected = [7, 0, 0, 0, /* name */ 0, 2, 0, 0, 0, 0x61, 0x62, /* value NULL */ 1];
  assert.deepEqual([...bytes.subarray(19)], expected);
});

Deno.test("HyperBinaryEncoder writes a generated batch from its seed byte for byte as from its arrays", () => {
  const join = (chunks: Uint8Array[]) => new Uint8Array(chunks.flatMap((chunk) => [...chunk]));
  for (const shape of SHAPES) {
    for (const [firstId, rows] of [[1, 0], [1, 1], [9_990, 700], [-3, 40], [2_147_480_000, 900]]) {
      const encoder = new HyperBinaryEncoder(4096);
      const batch = generateBatch(shape, rows, new Rng(`direct-${rows}`), firstId);
      const direct = encoder.rows(batch); // nothing has read the arrays yet
      assert.ok(rows < 200 || direct.length > 1, "a small chunk size should split the rows");
      void batch.values; // now they exist, and the encoder reads them
      const fromArrays = encoder.rows(batch);
      assert.deepEqual(join(direct), join(fromArrays), `${shape.name} from id ${firstId}`);
    }
  }
});

Deno.test("HyperBinaryEncoder writes every byte of a recycled buffer: the rows match a fresh encoder's", () => {
  const join = (chunks: Uint8Array[]) => new Uint8Array(chunks.flatMap((chunk) => [...chunk]));
  const used = new HyperBinaryEncoder(4096);
  /** Hands back every chunk of a wide batch, its buffers filled with 0xFF bytes. */
  const dirty = () => {
    for (const chunk of used.rows(generateBatch(WIDE, 300, new Rng("earlier")))) {
      used.recycle(chunk);
      new Uint8Array(chunk.buffer).fill(0xff);
    }
  };
  for (const shape of SHAPES) {
    const fresh = new HyperBinaryEncoder(4096);
    const batch = () => generateBatch(shape, 500, new Rng(`recycled-${shape.name}`), 3);
    dirty();
    assert.deepEqual(join(used.rows(batch())), join(fresh.rows(batch())), `${shape.name}, direct`);
    const filled = batch();
    void filled.values; // encoded from its arrays
    dirty();
    assert.deepEqual(join(used.rows(filled)), join(fresh.rows(filled)), `${shape.name}, arrays`);
  }
});
