/**
 * HyperBinary rows written straight from a generated batch's recipe, row by row in one pass:
 * no typed arrays in between, each value drawn and written where it goes on the wire, by a row
 * writer compiled for the table shape.
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
import type { BufferPool } from "./buffer_pool.ts";
import { CHUNK_ROOM } from "./copy_encoder.ts";
import { EPOCH_HI, EPOCH_LO, TWO_32, writeInt64 } from "./hyper_binary_int64.ts";
import { kindsOf, type RowRecipe } from "../workload/data_gen.ts";
import { drawSource } from "../workload/rng.ts";
import { type Shape, SHAPES } from "../workload/table_shapes.ts";

// The first generated TIMESTAMP in Hyper's µs, an int64, split into its top 16 bits and its low
// 48: a TIMESTAMP is this plus an offset below 2^48.
const [TS_BASE_TOP16, TS_BASE_LOW48] = (() => {
  const view = new DataView(new ArrayBuffer(8));
  writeInt64(view, 0, TS_FROM_US, EPOCH_HI, EPOCH_LO);
  return [view.getUint16(6, true), view.getUint16(4, true) * TWO_32 + view.getUint32(0, true)];
})();
/** A double of 2^52 + m (m below 2^52) holds m in the low 52 bits of its pattern. */
const TWO_52 = 2 ** 52;
const INV_2_48 = 2 ** -48;

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
 * Room a chunk buffer needs past its target size, for any shape: the widest row, which may start
 * just before the target, and the scratch a text writer leaves after it.
 */
export const ROW_ROOM = Math.max(...SHAPES.map((shape) => maxRowBytes(shape, kindsOf(shape)))) +
  TEXT_SCRATCH;

/** What a compiled row writer calls, passed in as it has no imports. */
const HELPERS = {
  nullGap,
  intValue,
  smallintValue,
  boolValue,
  bigintHigh,
  timestampOffset,
  doubleValue,
  writeCategory,
  writeRef,
  writeWords,
  withLength,
};

/**
 * Writes rows from row `at[0]` at byte `at[1]` until `rowCount`, or until the bytes pass `limit`,
 * and leaves the next row and byte in `at`.
 */
type RowWriter = (
  view: DataView,
  at: Int32Array,
  rowCount: number,
  limit: number,
  firstId: number,
  streams: Int32Array,
  gaps: Int32Array,
  label: NameLabel,
) => void;

/** Source of the statement that writes a value of `kind` at `p`, drawn from local `s`. */
function valueSource(kind: number, s: string): string {
  const u = drawSource(s);
  switch (kind) {
    case KIND.ID:
      return "view.setInt32(p, firstId + r, true); p += 4;";
    case KIND.INT:
      return `view.setInt32(p, intValue(${u}), true); p += 4;`;
    case KIND.SMALLINT:
      return `view.setInt16(p, smallintValue(${u}), true); p += 2;`;
    case KIND.BOOL:
      return `view.setUint8(p++, boolValue(${u}));`;
    case KIND.BIGINT: // the high word is drawn first
      return `view.setInt32(p + 4, bigintHigh(${u}), true); view.setUint32(p, ${u}, true); p += 8;`;
    // The base's low 48 bits plus the offset, m, is below 2^49 and exact. One 8-byte store of
    // 2^52 + m writes m's low six bytes; the top two (the base's, plus the carry out of m) then
    // overwrite its exponent. Two 32-bit words cost a medium row 8.6 ns more (measured).
    case KIND.TIMESTAMP:
      return `{
        const m = ${TS_BASE_LOW48} + timestampOffset(${u});
        view.setFloat64(p, m + ${TWO_52}, true);
        view.setUint16(p + 6, ${TS_BASE_TOP16} + ((m * ${INV_2_48}) | 0), true);
        p += 8;
      }`;
    case KIND.DOUBLE:
      return `view.setFloat64(p, doubleValue(${u}), true); p += 8;`;
    // Text goes after its 4-byte length.
    case KIND.NAME:
      return "p = withLength(view, p, label.write(view, p + 4, firstId + r));";
    case KIND.CATEGORY:
      return `p = withLength(view, p, writeCategory(view, p + 4, ${u}));`;
    case KIND.REF:
      return `p = withLength(view, p, writeRef(view, p + 4, ${u}));`;
    default:
      return `{
        const u = ${u};
        p = withLength(view, p, writeWords(view, p + 4, u, ${u}));
      }`;
  }
}

const writerByShape = new Map<Shape, RowWriter>();

/**
 * The row writer of `shape`, compiled once: its columns unrolled, so a row is straight-line code
 * with no switch on the kind, and each column's value stream and rows to its next NULL in locals.
 */
function rowWriter(shape: Shape, kinds: readonly number[]): RowWriter {
  let writer = writerByShape.get(shape);
  if (writer) return writer;
  const columns = kinds.map((_, c) => c);
  const nullable = columns.filter((c) => shape.columns[c].nullable);
  const rowSource = columns.map((c) => {
    const value = valueSource(kinds[c], `s${c}`);
    if (!shape.columns[c].nullable) return value;
    return `if (g${c} === 0) {
        g${c} = nullGap(streams, ${valueStream(c) + 1});
        view.setUint8(p++, 1);
      } else {
        g${c}--;
        view.setUint8(p++, 0);
        ${value}
      }`;
  });
  const source = `
    const { ${Object.keys(HELPERS).join(", ")} } = helpers;
    return function writeRows(view, at, rowCount, limit, firstId, streams, gaps, label) {
      let r = at[0];
      let p = at[1];
      ${columns.map((c) => `let s${c} = streams[${valueStream(c)}];`).join("\n")}
      ${nullable.map((c) => `let g${c} = gaps[${c}];`).join("\n")}
      for (; r < rowCount && p < limit; r++) {
        ${rowSource.join("\n")}
      }
      ${columns.map((c) => `streams[${valueStream(c)}] = s${c};`).join("\n")}
      ${nullable.map((c) => `gaps[${c}] = g${c};`).join("\n")}
      at[0] = r;
      at[1] = p;
    };`;
  writer = new Function("helpers", source)(HELPERS) as RowWriter;
  writerByShape.set(shape, writer);
  return writer;
}

/**
 * The recipe's rows in chunks of about `chunkBytes` (whole rows). Each chunk is a view of a
 * buffer from `buffers` a little larger than it, from CHUNK_ROOM on: the buffer is sized before
 * its rows are drawn.
 */
export function encodeGenerated(
  recipe: RowRecipe,
  chunkBytes: number,
  buffers: BufferPool,
): Uint8Array[] {
  const { shape, rowCount, kinds, firstId } = recipe;
  const streams = recipe.streams;
  const gaps = new Int32Array(kinds.length);
  shape.columns.forEach((column, c) => {
    if (column.nullable) gaps[c] = nullGap(streams, valueStream(c) + 1);
  });
  const writeRows = rowWriter(shape, kinds);
  const label = new NameLabel();
  const maxRow = maxRowBytes(shape, kinds);
  const chunks: Uint8Array[] = [];
  const at = new Int32Array(2);
  while (at[0] < rowCount) {
    const room = Math.min(chunkBytes, (rowCount - at[0]) * maxRow) + maxRow + TEXT_SCRATCH;
    const bytes = buffers.take(CHUNK_ROOM + room);
    at[1] = CHUNK_ROOM;
    const limit = CHUNK_ROOM + chunkBytes;
    writeRows(new DataView(bytes.buffer), at, rowCount, limit, firstId, streams, gaps, label);
    chunks.push(bytes.subarray(CHUNK_ROOM, at[1]));
  }
  return chunks;
}

/** Writes the length of the text from `p + 4` to `end` at `p`; returns `end`. */
function withLength(view: DataView, p: number, end: number): number {
  view.setUint32(p, end - p - 4, true);
  return end;
}
