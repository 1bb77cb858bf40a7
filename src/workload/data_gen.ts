/** Generates rows for a table shape straight into a RowBatch, from a seeded Rng. */
import type { ColumnValues, RowBatch, TextColumn } from "./row_batch.ts";
import type { Rng } from "./rng.ts";
import type { Column, Shape } from "./table_shapes.ts";

/** Share of NULLs in nullable columns. */
const NULL_RATE = 0.05;
const utf8 = new TextEncoder();
const encodeAll = (words: string[]) => words.map((w) => utf8.encode(w));
const CATEGORIES = encodeAll([
  "alpha",
  "beta",
  "gamma",
  "delta",
  "epsilon",
  "zeta",
  "eta",
  "theta",
]);
const WORDS = encodeAll([
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
]);
const NAME_PREFIX = utf8.encode("name_");
const REF_PREFIX = utf8.encode("REF-");
const SPACE = 0x20;
// 2020-01-01 .. 2027-01-01 in µs since the Unix epoch.
const TS_FROM_US = 1_577_836_800_000_000;
const TS_SPAN_US = 220_838_400_000_000;

/**
 * Rows with ids `firstId`, `firstId + 1`, ... and every other value drawn from `rng`. With
 * `reuse` (an earlier batch of the same shape with room for `rowCount` rows) the rows are
 * written into its arrays instead of new ones, so a stream of batches makes no garbage.
 */
export function generateBatch(
  shape: Shape,
  rowCount: number,
  rng: Rng,
  firstId = 1,
  reuse?: RowBatch,
): RowBatch {
  const fits = reuse?.shape === shape && capacity(reuse) >= rowCount;
  const nulls = fits
    ? reuse!.nulls
    : shape.columns.map((c) => (c.nullable ? new Uint8Array(rowCount) : null));
  const values = shape.columns.map((column, c) =>
    generateColumn(column, rowCount, rng, firstId, nulls[c], fits ? reuse!.values[c] : undefined)
  );
  return { shape, rowCount, values, nulls };
}

/** How many rows a batch's arrays can hold. */
function capacity(batch: RowBatch): number {
  const first = batch.values[0];
  return "offsets" in first ? first.offsets.length - 1 : first.length;
}

function generateColumn(
  column: Column,
  rowCount: number,
  rng: Rng,
  firstId: number,
  nulls: Uint8Array | null,
  reuse: ColumnValues | undefined,
): ColumnValues {
  // NULLs are drawn first, then one value per row, so both encoders see the same rows.
  if (nulls) { for (let r = 0; r < rowCount; r++) nulls[r] = rng.next() < NULL_RATE ? 1 : 0; }
  const isNull = (r: number) => nulls !== null && nulls[r] === 1;
  switch (column.type) {
    case "INT": {
      const out = (reuse as Int32Array) ?? new Int32Array(rowCount);
      for (let r = 0; r < rowCount; r++) {
        if (!isNull(r)) out[r] = column.name === "id" ? firstId + r : rng.int(-1000, 100_000);
      }
      return out;
    }
    case "SMALLINT": {
      const out = (reuse as Int16Array) ?? new Int16Array(rowCount);
      for (let r = 0; r < rowCount; r++) if (!isNull(r)) out[r] = rng.int(1, 5);
      return out;
    }
    case "BOOL": {
      const out = (reuse as Uint8Array) ?? new Uint8Array(rowCount);
      for (let r = 0; r < rowCount; r++) if (!isNull(r)) out[r] = rng.next() < 0.5 ? 1 : 0;
      return out;
    }
    case "TEXT":
      return generateText(column.name, rowCount, rng, firstId, isNull, reuse as TextColumn);
    default: {
      const out = (reuse as Float64Array) ?? new Float64Array(rowCount);
      for (let r = 0; r < rowCount; r++) {
        if (isNull(r)) continue;
        if (column.type === "BIGINT") out[r] = rng.int(-(2 ** 52), 2 ** 52);
        else if (column.type === "TIMESTAMP") {
          out[r] = TS_FROM_US + Math.floor(rng.next() * TS_SPAN_US);
        } else out[r] = Math.round(rng.next() * 1e8) / 100;
      }
      return out;
    }
  }
}

/** Text built from pre-encoded words and ASCII digits: no strings, no UTF-8 encoding per row. */
function generateText(
  name: string,
  rowCount: number,
  rng: Rng,
  firstId: number,
  isNull: (r: number) => boolean,
  reuse: TextColumn | undefined,
): TextColumn {
  const offsets = reuse?.offsets ?? new Int32Array(rowCount + 1);
  let bytes = reuse ? new Uint8Array(reuse.bytes.buffer) : new Uint8Array(rowCount * 24 + 64);
  let pos = 0;
  const append = (part: Uint8Array) => {
    for (let i = 0; i < part.length; i++) bytes[pos++] = part[i];
  };
  const appendNumber = (value: number, radix: number) => {
    const digits = value.toString(radix).toUpperCase();
    for (let i = 0; i < digits.length; i++) bytes[pos++] = digits.charCodeAt(i);
  };
  for (let r = 0; r < rowCount; r++) {
    if (bytes.length - pos < 256) {
      const grown = new Uint8Array(bytes.length * 2);
      grown.set(bytes.subarray(0, pos));
      bytes = grown;
    }
    if (!isNull(r)) {
      if (name === "category") append(rng.pick(CATEGORIES));
      else if (name === "name") {
        append(NAME_PREFIX);
        appendNumber(firstId + r, 10);
      } else if (name === "ref_code") {
        append(REF_PREFIX);
        appendNumber(rng.int(0, 999_999), 36);
      } else {
        const words = rng.int(1, 6);
        append(rng.pick(WORDS));
        for (let i = 1; i < words; i++) {
          bytes[pos++] = SPACE;
          append(rng.pick(WORDS));
        }
      }
    }
    offsets[r + 1] = pos;
  }
  return { bytes: bytes.subarray(0, pos), offsets };
}
