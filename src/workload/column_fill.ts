/**
 * Generated columns filled into typed arrays, one loop per kind over one array type (so V8 keeps
 * each monomorphic); the same rows a direct encoder writes from the recipe.
 */
import type { ColumnValues, TextColumn } from "./row_batch.ts";
import { draw } from "./rng.ts";
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
  TWO_32,
  valueStream,
  writeCategory,
  writeRef,
  writeWords,
} from "./column_values.ts";
import type { RowRecipe } from "./column_values.ts";

/** Marks each row NULL with probability NULL_RATE, drawing only the gaps between NULLs. */
export function fillNulls(
  flags: Uint8Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
): void {
  flags.fill(0, 0, rowCount);
  for (let r = nullGap(streams, i); r < rowCount; r += 1 + nullGap(streams, i)) flags[r] = 1;
}

// Column fills: one loop per kind over one array type, so V8 keeps each monomorphic. A NULL draws
// no value (its slot keeps whatever was there), exactly as the direct encoders do.

export function fillColumn(
  kind: number,
  recipe: RowRecipe,
  c: number,
  nulls: Uint8Array | null,
  reuse: ColumnValues | undefined,
): ColumnValues {
  const { rowCount, firstId, streams } = recipe;
  const i = valueStream(c);
  switch (kind) {
    case KIND.ID:
      return fillIds((reuse as Int32Array) ?? new Int32Array(rowCount), rowCount, firstId);
    case KIND.INT:
      return fillInts(
        (reuse as Int32Array) ?? new Int32Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.SMALLINT:
      return fillSmallInts(
        (reuse as Int16Array) ?? new Int16Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.BOOL:
      return fillBools(
        (reuse as Uint8Array) ?? new Uint8Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.BIGINT:
      return fillBigInts(
        (reuse as Float64Array) ?? new Float64Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.TIMESTAMP:
      return fillTimestamps(
        (reuse as Float64Array) ?? new Float64Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.DOUBLE:
      return fillDoubles(
        (reuse as Float64Array) ?? new Float64Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    default:
      return fillText(kind, recipe, i, nulls, reuse as TextColumn | undefined);
  }
}

function fillIds(out: Int32Array, rowCount: number, firstId: number): Int32Array {
  for (let r = 0; r < rowCount; r++) out[r] = firstId + r;
  return out;
}

function fillInts(
  out: Int32Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Int32Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = intValue(draw(streams, i));
  }
  return out;
}

function fillSmallInts(
  out: Int16Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Int16Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = smallintValue(draw(streams, i));
  }
  return out;
}

function fillBools(
  out: Uint8Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Uint8Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = boolValue(draw(streams, i));
  }
  return out;
}

function fillBigInts(
  out: Float64Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Float64Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) {
      out[r] = bigintHigh(draw(streams, i)) * TWO_32 + draw(streams, i);
    }
  }
  return out;
}

function fillTimestamps(
  out: Float64Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Float64Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = TS_FROM_US + timestampOffset(draw(streams, i));
  }
  return out;
}

function fillDoubles(
  out: Float64Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Float64Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = doubleValue(draw(streams, i));
  }
  return out;
}

/** A text column: the values back to back, nothing for a NULL. */
function fillText(
  kind: number,
  recipe: RowRecipe,
  i: number,
  nulls: Uint8Array | null,
  reuse: TextColumn | undefined,
): TextColumn {
  const { rowCount, streams } = recipe;
  const needed = rowCount * MAX_TEXT_BYTES[kind] + TEXT_SCRATCH;
  const offsets = reuse && reuse.offsets.length > rowCount
    ? reuse.offsets
    : new Int32Array(rowCount + 1);
  const bytes = reuse && reuse.bytes.buffer.byteLength >= needed
    ? new Uint8Array(reuse.bytes.buffer)
    : new Uint8Array(needed);
  const out = new DataView(bytes.buffer);
  let end = 0;
  if (kind === KIND.NAME) end = fillNames(out, offsets, rowCount, recipe.firstId, nulls);
  else if (kind === KIND.CATEGORY) end = fillCategories(out, offsets, rowCount, streams, i, nulls);
  else if (kind === KIND.REF) end = fillRefs(out, offsets, rowCount, streams, i, nulls);
  else end = fillWords(out, offsets, rowCount, streams, i, nulls);
  return { bytes: bytes.subarray(0, end), offsets };
}

// One loop per text kind; each returns where the column's bytes end.

function fillNames(
  out: DataView,
  offsets: Int32Array,
  rowCount: number,
  firstId: number,
  nulls: Uint8Array | null,
): number {
  const label = new NameLabel();
  let pos = 0;
  offsets[0] = 0;
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) pos = label.write(out, pos, firstId + r);
    offsets[r + 1] = pos;
  }
  return pos;
}

function fillCategories(
  out: DataView,
  offsets: Int32Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): number {
  let pos = 0;
  offsets[0] = 0;
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) pos = writeCategory(out, pos, draw(streams, i));
    offsets[r + 1] = pos;
  }
  return pos;
}

function fillRefs(
  out: DataView,
  offsets: Int32Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): number {
  let pos = 0;
  offsets[0] = 0;
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) pos = writeRef(out, pos, draw(streams, i));
    offsets[r + 1] = pos;
  }
  return pos;
}

function fillWords(
  out: DataView,
  offsets: Int32Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): number {
  let pos = 0;
  offsets[0] = 0;
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) {
      const u = draw(streams, i);
      pos = writeWords(out, pos, u, draw(streams, i));
    }
    offsets[r + 1] = pos;
  }
  return pos;
}
