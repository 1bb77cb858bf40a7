/** Generates rows for a table shape straight into a RowBatch, from a seeded Rng. */
import { allocateBatch, type RowBatch } from "./row_batch.ts";
import type { Rng } from "./rng.ts";
import type { Shape } from "./schemas.ts";

/** Share of NULLs in nullable columns. */
const NULL_RATE = 0.05;
const CATEGORIES = [
  "alpha",
  "beta",
  "gamma",
  "delta",
  "epsilon",
  "zeta",
  "eta",
  "theta",
];
const WORDS = [
  "stress",
  "hyper",
  "table",
  "query",
  "insert",
  "value",
  "random",
  "load",
  "café",
  "größe",
  "データ",
  "naïve",
];
// 2020-01-01 .. 2027-01-01 in µs since the Unix epoch.
const TS_FROM_US = 1_577_836_800_000_000;
const TS_SPAN_US = 220_838_400_000_000;

/** Rows with ids `firstId`, `firstId + 1`, ... and every other value drawn from `rng`. */
export function generateBatch(
  shape: Shape,
  rowCount: number,
  rng: Rng,
  firstId = 1,
): RowBatch {
  const batch = allocateBatch(shape, rowCount);
  shape.columns.forEach((column, c) => {
    const values = batch.values[c];
    const nulls = batch.nulls[c];
    for (let r = 0; r < rowCount; r++) {
      if (nulls && rng.next() < NULL_RATE) {
        nulls[r] = 1;
        continue;
      }
      switch (column.type) {
        case "INT":
          (values as Int32Array)[r] = column.name === "id" ? firstId + r : rng.int(-1000, 100_000);
          break;
        case "SMALLINT":
          (values as Int16Array)[r] = rng.int(1, 5);
          break;
        case "BIGINT":
          (values as Float64Array)[r] = rng.int(-(2 ** 52), 2 ** 52);
          break;
        case "DOUBLE PRECISION":
          (values as Float64Array)[r] = Math.round(rng.next() * 1e8) / 100;
          break;
        case "BOOL":
          (values as Uint8Array)[r] = rng.next() < 0.5 ? 1 : 0;
          break;
        case "TIMESTAMP":
          (values as Float64Array)[r] = TS_FROM_US +
            Math.floor(rng.next() * TS_SPAN_US);
          break;
        case "TEXT":
          (values as string[])[r] = text(column.name, rng, firstId + r);
          break;
      }
    }
  });
  return batch;
}

function text(column: string, rng: Rng, id: number): string {
  if (column === "category") return rng.pick(CATEGORIES);
  if (column === "name") return `name_${id}`;
  if (column === "ref_code") {
    return `REF-${rng.int(0, 999_999).toString(36).toUpperCase()}`;
  }
  const words = rng.int(1, 6);
  let out = rng.pick(WORDS);
  for (let i = 1; i < words; i++) out += " " + rng.pick(WORDS);
  return out;
}
