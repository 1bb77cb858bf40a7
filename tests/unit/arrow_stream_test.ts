import assert from "node:assert/strict";
import { ArrowEncoder, decodeArrowStream } from "../../src/encode/arrow_stream.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { Rng } from "../../src/workload/rng.ts";
import { numberAt, rowAt, type RowBatch, textColumn } from "../../src/workload/row_batch.ts";
import { type ColumnType, SHAPES, SMALL } from "../../src/workload/table_shapes.ts";

const ARROW_TYPE_NAMES: Record<ColumnType, string> = {
  INT: "Int32",
  SMALLINT: "Int16",
  BIGINT: "Int64",
  "DOUBLE PRECISION": "Float64",
  BOOL: "Bool",
  TEXT: "Utf8",
  TIMESTAMP: "Timestamp<MICROSECOND>",
};

Deno.test("ArrowEncoder emits no dictionary-encoded fields and maps each column to its exact Arrow type", () => {
  for (const shape of SHAPES) {
    const batch = generateBatch(shape, 50, new Rng(`types-${shape.name}`));
    const { fields } = decodeArrowStream(new ArrowEncoder().encode(batch));
    assert.deepEqual(
      fields,
      shape.columns.map((c) => ({
        name: c.name,
        type: ARROW_TYPE_NAMES[c.type],
        nullable: c.nullable,
        dictionary: false,
      })),
    );
  }
});

Deno.test("ArrowEncoder streams decode to the batch's values across record batches and chunks", () => {
  for (const shape of SHAPES) {
    const batch = generateBatch(shape, 1000, new Rng(`decode-${shape.name}`));
    const chunks = new ArrowEncoder({ rowsPerBatch: 300, chunkBytes: 777 }).encode(batch);
    assert.ok(chunks.length > 1);
    const { rows } = decodeArrowStream(chunks);
    assert.equal(rows.length, batch.rowCount);
    for (let r = 0; r < batch.rowCount; r++) {
      const expected = rowAt(batch, r).map((value, c) => {
        if (value === null) return null;
        const type = shape.columns[c].type;
        if (type === "TIMESTAMP") return numberAt(batch, c, r); // decoded as µs
        if (type === "BIGINT") return BigInt(value as number);
        return value;
      });
      assert.deepEqual(rows[r], expected, `${shape.name} row ${r}`);
    }
  }
});

Deno.test("ArrowEncoder keeps text intact: multi-byte, astral, lone surrogates, empty, NULL between", () => {
  const texts = [
    "",
    "plain",
    "café",
    "größe",
    "データ",
    "emoji 😀 ok",
    "lone \ud800 high",
    "\udc00",
  ];
  const n = texts.length;
  const batch: RowBatch = {
    shape: SMALL,
    rowCount: n,
    values: [Int32Array.from(texts, (_, r) => r), textColumn(texts), new Float64Array(n)],
    nulls: [null, new Uint8Array(n), new Uint8Array(n)],
  };
  batch.nulls[1]![2] = 1; // a NULL among the strings must not shift the others
  const { rows } = decodeArrowStream(new ArrowEncoder().encode(batch));
  const roundTrip = (t: string) => new TextDecoder().decode(new TextEncoder().encode(t));
  assert.deepEqual(
    rows.map((row) => row[1]),
    texts.map((t, r) => (r === 2 ? null : roundTrip(t))),
  );
});
