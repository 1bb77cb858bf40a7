import assert from "node:assert/strict";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { Rng } from "../../src/workload/rng.ts";
import {
  allocateBatch,
  rowAt,
  type RowBatch,
  textAt,
  type TextColumn,
} from "../../src/workload/row_batch.ts";
import { MEDIUM, SHAPES, SMALL, WIDE } from "../../src/workload/table_shapes.ts";

/**
 * Distinct non-NULL values and NULL share of each column in a 50,000-row batch, as the generator
 * the earlier seedrandom Alea generator made them (one draw per value and per NULL): the mean over
 * seeds "a", "b", "c", "12345" and "4000000000" of generateBatch(shape, 50_000, new Rng(seed), 1). A column's figures do not depend on the shape it is in.
 */
const OLD_FIGURES: Record<string, [distinct: number, nullShare: number]> = {
  id: [50000, 0],
  name: [47510, 0.0498],
  value: [47458, 0.0506],
  created_at: [47484, 0.0503],
  category: [8, 0.0503],
  quantity: [37880, 0.0506],
  price: [47472, 0.0503],
  description: [24195, 0.0498],
  is_active: [2, 0.0502],
  rating: [5, 0.0497],
  score: [47484, 0.0501],
  notes: [24161, 0.0504],
  updated_at: [47509, 0.0498],
  ref_code: [46384, 0.0504],
  weight: [47477, 0.0502],
  height: [47496, 0.0498],
  tag_a: [24124, 0.0504],
  tag_b: [24156, 0.0503],
  counter: [47501, 0.05],
  fraction: [47499, 0.0498],
};

/** Distinct non-NULL values and the NULL share of column c. */
function columnFigures(batch: RowBatch, c: number): [number, number] {
  const seen = new Set<string | number>();
  let nulls = 0;
  const values = batch.values[c];
  for (let r = 0; r < batch.rowCount; r++) {
    if (batch.nulls[c]?.[r]) nulls++;
    else seen.add("offsets" in values ? textAt(values, r) : values[r]);
  }
  return [seen.size, nulls / batch.rowCount];
}

Deno.test("generateBatch() keeps every column's distinct values and NULL share within 10% of the old generator's in 50,000 rows", () => {
  for (const shape of SHAPES) {
    for (const seed of ["variety", "42"]) {
      const batch = generateBatch(shape, 50_000, new Rng(seed), 1);
      shape.columns.forEach((column, c) => {
        const [distinct, nullShare] = columnFigures(batch, c);
        const [oldDistinct, oldNullShare] = OLD_FIGURES[column.name];
        const where = `${shape.name}.${column.name} (seed ${seed})`;
        assert.ok(
          Math.abs(distinct - oldDistinct) <= 0.1 * oldDistinct,
          `${where}: ${distinct} distinct values, the old generator made ${oldDistinct}`,
        );
        assert.ok(
          Math.abs(nullShare - oldNullShare) <= 0.1 * oldNullShare,
          `${where}: NULL share ${nullShare}, the old generator's was ${oldNullShare}`,
        );
      });
    }
  }
});

const WORDS = new Set(["stress", "hyper", "table", "query", "insert", "value", "random", "load"]
  .concat(["café", "größe", "データ", "naïve"]));
const CATEGORIES = new Set(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]);

Deno.test("generateBatch() rows follow each column's format: ids and names count up from firstId, categories, REF codes, 1 to 6 words", () => {
  const batch = generateBatch(WIDE, 5000, new Rng("formats"), 99_990);
  const index = (name: string) => WIDE.columns.findIndex((c) => c.name === name);
  const wordCounts = new Set<number>();
  for (let r = 0; r < batch.rowCount; r++) {
    const row = rowAt(batch, r);
    assert.equal(row[0], 99_990 + r);
    if (row[1] !== null) assert.equal(row[1], `name_${99_990 + r}`);
    const category = row[index("category")];
    if (category !== null) assert.ok(CATEGORIES.has(category as string), String(category));
    const ref = row[index("ref_code")] as string | null;
    if (ref !== null) {
      assert.match(ref, /^REF-(0|[1-9A-Z][0-9A-Z]*)$/);
      assert.ok(parseInt(ref.slice(4), 36) <= 999_999, ref);
    }
    for (const name of ["description", "notes", "tag_a", "tag_b"]) {
      const text = row[index(name)] as string | null;
      if (text === null) continue;
      const words = text.split(" ");
      assert.ok(words.every((w) => WORDS.has(w)), text);
      wordCounts.add(words.length);
    }
    const rating = row[index("rating")] as number | null;
    if (rating !== null) assert.ok(rating >= 1 && rating <= 5);
    const counter = row[index("counter")] as number | null;
    if (counter !== null) assert.ok(Number.isSafeInteger(counter) && Math.abs(counter) <= 2 ** 52);
  }
  assert.deepEqual([...wordCounts].sort(), [1, 2, 3, 4, 5, 6]);
});

Deno.test("generateBatch() names count up across digit carries and through zero", () => {
  for (const [firstId, rows] of [[99_998, 4], [-2, 4], [9, 3], [2_147_483_640, 7]]) {
    const batch = generateBatch(SMALL, rows, new Rng("names"), firstId);
    for (let r = 0; r < rows; r++) {
      if (batch.nulls[1]![r]) continue;
      assert.equal(textAt(batch.values[1] as TextColumn, r), `name_${firstId + r}`);
    }
  }
});

Deno.test("generateBatch() rows are a function of the Rng's state: the same seed, the same rows; the next batch, other rows", () => {
  const rows = (batch: RowBatch) =>
    Array.from({ length: batch.rowCount }, (_, r) => rowAt(batch, r));
  const rng = new Rng("replay");
  const first = rows(generateBatch(MEDIUM, 300, rng, 1));
  const second = rows(generateBatch(MEDIUM, 300, rng, 1));
  assert.deepEqual(rows(generateBatch(MEDIUM, 300, new Rng("replay"), 1)), first);
  assert.notDeepEqual(second.map((row) => row.slice(2)), first.map((row) => row.slice(2)));
});

Deno.test("generateBatch() into a reused batch: a batch read after the next one was generated keeps its own rows", () => {
  const reuse = allocateBatch(MEDIUM, 500);
  const rng = new Rng("reuse");
  const early = generateBatch(MEDIUM, 500, rng, 1, reuse);
  const late = generateBatch(MEDIUM, 500, rng, 501, reuse);
  const lateRows = Array.from({ length: 500 }, (_, r) => rowAt(late, r));
  // Filled now, early must not write into the arrays `late` is using.
  const earlyRows = Array.from({ length: 500 }, (_, r) => rowAt(early, r));
  assert.deepEqual(Array.from({ length: 500 }, (_, r) => rowAt(late, r)), lateRows);
  assert.equal(earlyRows[0][0], 1);
  assert.equal(lateRows[0][0], 501);
  const fresh = generateBatch(MEDIUM, 500, new Rng("reuse"), 1);
  assert.deepEqual(earlyRows, Array.from({ length: 500 }, (_, r) => rowAt(fresh, r)));
});
