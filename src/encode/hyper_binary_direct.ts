/**
 * HyperBinary rows written straight from a generated batch's recipe, row by row in one pass:
 * no typed arrays in between, each value drawn and written where it goes on the wire.
 */
import {
  bigintHigh,
  boolValue,
  doubleValue,
  intValue,
  KIND,
  MAX_TEXT_BYTES,
  NameLabel,
  nullGap,
  smallintValue,
  TEXT_SCRATCH,
  timestampOffset,
  TS_FROM_US,
  valueStream,
  writeCategory,
  writeRef,
  writeWords,
} from "../workload/column_values.ts";
import type { RowRecipe } from "../workload/data_gen.ts";
import { draw } from "../workload/rng.ts";
import type { Shape } from "../workload/table_shapes.ts";

const TWO_32 = 4294967296;
const INV_2_32 = 1 / TWO_32;
// Hyper timestamps count µs from the Julian day 0 epoch; the Unix epoch is Julian day 2440588.
const UNIX_EPOCH_US = 2440588n * 86_400_000_000n;
/** The Unix epoch in Hyper's µs, as the high and low 32 bits of an int64. */
export const EPOCH_HI = Number(UNIX_EPOCH_US / BigInt(TWO_32));
/** See EPOCH_HI. */
export const EPOCH_LO = Number(UNIX_EPOCH_US % BigInt(TWO_32));

/** Writes `value + (addHi * 2^32 + addLo)` as a little-endian int64, without BigInt. */
export function writeInt64(
  view: DataView,
  p: number,
  value: number,
  addHi: number,
  addLo: number,
): void {
  const hi = Math.floor(value * INV_2_32); // exact: a power of two, and no division
  let lo = value - hi * TWO_32 + addLo;
  const carry = lo >= TWO_32 ? 1 : 0;
  lo -= carry * TWO_32;
  view.setUint32(p, lo, true);
  view.setInt32(p + 4, hi + addHi + carry, true);
}

// The first generated TIMESTAMP in Hyper's µs as an int64's high and low words: a TIMESTAMP is
// this plus an offset below 2^48.
const [TS_BASE_HI, TS_BASE_LO] = (() => {
  const high = Math.floor(TS_FROM_US * INV_2_32);
  const low = TS_FROM_US - high * TWO_32 + EPOCH_LO;
  return low >= TWO_32 ? [high + EPOCH_HI + 1, low - TWO_32] : [high + EPOCH_HI, low];
})();

/** Bytes of a value of each KIND at most, a TEXT's length prefix included. */
const MAX_VALUE_BYTES = [4, 4, 2, 1, 8, 8, 8].concat(
  [KIND.NAME, KIND.CATEGORY, KIND.REF, KIND.WORDS].map((k) => 4 + MAX_TEXT_BYTES[k]),
);
const maxRowByShape = new Map<Shape, number>();

/** The most bytes a row of `shape` takes, null flags included. */
function maxRowBytes(shape: Shape, kinds: readonly number[]): number {
  let max = maxRowByShape.get(shape);
  if (max === undefined) {
    max = kinds.reduce(
      (n, kind, c) => n + MAX_VALUE_BYTES[kind] + (shape.columns[c].nullable ? 1 : 0),
      0,
    );
    maxRowByShape.set(shape, max);
  }
  return max;
}

/**
 * The recipe's rows in chunks of about `chunkBytes` (whole rows). Each chunk is a view of a
 * fresh buffer a little larger than it: the buffer is sized before its rows are drawn.
 */
export function encodeGenerated(recipe: RowRecipe, chunkBytes: number): Uint8Array[] {
  const { shape, rowCount, kinds, firstId } = recipe;
  const streams = recipe.streams;
  const columns = kinds.length;
  const nullable = Uint8Array.from(shape.columns, (c) => (c.nullable ? 1 : 0));
  // Rows until each column's next NULL.
  const untilNull = new Int32Array(columns);
  for (let c = 0; c < columns; c++) {
    if (nullable[c] !== 0) untilNull[c] = nullGap(streams, valueStream(c) + 1);
  }
  const label = new NameLabel();
  const maxRow = maxRowBytes(shape, kinds);
  const chunks: Uint8Array[] = [];
  let r = 0;
  while (r < rowCount) {
    const room = Math.min(chunkBytes, (rowCount - r) * maxRow) + maxRow + TEXT_SCRATCH;
    const bytes = new Uint8Array(room);
    const view = new DataView(bytes.buffer);
    let p = 0;
    for (; r < rowCount && p < chunkBytes; r++) {
      for (let c = 0; c < columns; c++) {
        const i = 2 * c; // valueStream(c); its NULL stream is i + 1
        if (nullable[c] !== 0) {
          if (untilNull[c] === 0) {
            untilNull[c] = nullGap(streams, i + 1);
            view.setUint8(p++, 1);
            continue; // a NULL draws no value
          }
          untilNull[c]--;
          view.setUint8(p++, 0);
        }
        // Literal cases (KIND's values) make a jump table; a call per value would cost more.
        switch (kinds[c]) {
          case 0: // ID
            view.setInt32(p, firstId + r, true);
            p += 4;
            break;
          case 1: // INT
            view.setInt32(p, intValue(draw(streams, i)), true);
            p += 4;
            break;
          case 2: // SMALLINT
            view.setInt16(p, smallintValue(draw(streams, i)), true);
            p += 2;
            break;
          case 3: // BOOL
            view.setUint8(p++, boolValue(draw(streams, i)));
            break;
          case 4: // BIGINT: the high word is drawn first
            view.setInt32(p + 4, bigintHigh(draw(streams, i)), true);
            view.setUint32(p, draw(streams, i), true);
            p += 8;
            break;
          case 5: { // TIMESTAMP
            const offset = timestampOffset(draw(streams, i));
            const high = Math.floor(offset * INV_2_32);
            let low = offset - high * TWO_32 + TS_BASE_LO;
            const carry = low >= TWO_32 ? 1 : 0;
            low -= carry * TWO_32;
            view.setUint32(p, low, true);
            view.setInt32(p + 4, TS_BASE_HI + high + carry, true);
            p += 8;
            break;
          }
          case 6: // DOUBLE
            view.setFloat64(p, doubleValue(draw(streams, i)), true);
            p += 8;
            break;
          case 7: // NAME: the bytes go after their 4-byte length
            p = withLength(view, p, label.write(view, p + 4, firstId + r));
            break;
          case 8: // CATEGORY
            p = withLength(view, p, writeCategory(view, p + 4, streams, i));
            break;
          case 9: // REF
            p = withLength(view, p, writeRef(view, p + 4, streams, i));
            break;
          default: // WORDS
            p = withLength(view, p, writeWords(view, p + 4, streams, i));
        }
      }
    }
    chunks.push(bytes.subarray(0, p));
  }
  return chunks;
}

/** Writes the length of the text from `p + 4` to `end` at `p`; returns `end`. */
function withLength(view: DataView, p: number, end: number): number {
  view.setUint32(p, end - p - 4, true);
  return end;
}
