import assert from "node:assert/strict";
import { KIND, NULL_RATE } from "../../src/workload/column_values.ts";
import { generateBatch, kindsOf } from "../../src/workload/data_gen.ts";
import { Rng } from "../../src/workload/rng.ts";
import {
  allocateBatch,
  rowAt,
  type RowBatch,
  textAt,
  type TextColumn,
} from "../../src/workload/row_batch.ts";
import { MEDIUM, SHAPES, SMALL, WIDE } from "../../src/workload/table_shapes.ts";

/** Distinct non-NULL values and the NULL count of column c. */
function columnFigures(batch: RowBatch, c: number): { distinct: number; nulls: number } {
  const seen = new Set<string | number>();
  let nulls = 0;
  const values = batch.values[c];
  for (let r = 0; r < batch.rowCount; r++) {
    if (batch.nulls[c]?.[r]) nulls++;
    else seen.add("offsets" in values ? textAt(values, r) : values[r]);
  }
  return { distinct: seen.size, nulls };
}

/**
 * How many values each kind can take (column_values.ts), for the kinds drawn uniformly: n draws
 * from D values give D(1 - e^(-n/D)) distinct ones on average.
 */
const DOMAIN: Partial<Record<number, number>> = {
  [KIND.INT]: 101_001,
  [KIND.SMALLINT]: 5,
  [KIND.BOOL]: 2,
  [KIND.CATEGORY]: 8,
  [KIND.REF]: 1_000_000,
  [KIND.DOUBLE]: 100_000_000,
  [KIND.TIMESTAMP]: 2 ** 32,
  [KIND.BIGINT]: 2 ** 52,
};

Deno.test("generateBatch() draws each column's values uniformly from its domain, with NULL_RATE NULLs in nullable columns", () => {
  const rows = 50_000;
  for (const shape of SHAPES) {
    const kinds = kindsOf(shape);
    for (const seed of ["variety", "42"]) {
      const batch = generateBatch(shape, rows, new Rng(seed), 1);
      shape.columns.forEach((column, c) => {
        const { distinct, nulls } = columnFigures(batch, c);
        const where = `${shape.name}.${column.name} (seed ${seed})`;
        const share = nulls / rows;
        // 0.05 ± 0.005 is five standard deviations of a 50,000-row share.
        if (column.nullable) assert.ok(Math.abs(share - NULL_RATE) < 0.005, `${where}: ${share}`);
        else assert.equal(nulls, 0, where);
        const n = rows - nulls;
        const domain = DOMAIN[kinds[c]];
        if (kinds[c] === KIND.ID || kinds[c] === KIND.NAME) {
          assert.equal(distinct, n, `${where}: every value its own`);
        } else if (domain !== undefined) {
          const expected = domain * (1 - Math.exp(-n / domain));
          assert.ok(
            Math.abs(distinct - expected) <= 0.02 * expected,
            `${where}: ${distinct} distinct values of ${domain}, expected about ${expected}`,
          );
        } else {
          // Phrases of 1 to 6 of 12 words: many, but far fewer than the rows.
          assert.equal(kinds[c], KIND.WORDS, where);
          assert.ok(distinct > 1000 && distinct < 0.8 * n, `${where}: ${distinct} distinct`);
        }
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
