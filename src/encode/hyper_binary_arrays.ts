/**
 * HyperBinary rows written from a batch's typed arrays: row offsets are computed first, so each
 * column is then written by one tight loop over its own array.
 */
import type { BufferPool } from "./buffer_pool.ts";
import { CHUNK_ROOM } from "./copy_encoder.ts";
import { EPOCH_HI, EPOCH_LO, writeInt64 } from "./hyper_binary_int64.ts";
import type { ColumnValues, RowBatch, TextColumn } from "../workload/row_batch.ts";

/** Type codes, so the column loop picks its writer with an integer switch. */
const CODE = {
  INT: 0,
  SMALLINT: 1,
  BIGINT: 2,
  "DOUBLE PRECISION": 3,
  BOOL: 4,
  TEXT: 5,
  TIMESTAMP: 6,
} as const;
/** Bytes a value takes, without its null flag; TEXT without its bytes. */
const VALUE_BYTES = [4, 2, 8, 8, 1, 4, 8];

/** Bytes past a chunk's end: a text copy may read and write a whole 16-byte block there. */
const SLACK = 16;

// Where each row starts, and where its next value goes: scratch that grows to the largest batch.
// Encoding is synchronous, so one pair serves every encoder of a thread.
let startScratch = new Int32Array(0);
let cursorScratch = new Int32Array(0);

/**
 * The rows of `batch` in chunks of about `chunkBytes` (whole rows; a longer row is a chunk of its
 * own), each a view of a buffer from `buffers`, from CHUNK_ROOM on.
 */
export function encodeArrays(
  batch: RowBatch,
  chunkBytes: number,
  buffers: BufferPool,
): Uint8Array[] {
  const rowCount = batch.rowCount;
  if (startScratch.length <= rowCount) {
    startScratch = new Int32Array(rowCount + 1);
    cursorScratch = new Int32Array(rowCount + 1);
  }
  const starts = startScratch;
  const at = cursorScratch;
  const codes = batch.shape.columns.map((c) => CODE[c.type]);
  rowStarts(batch, codes, starts);
  const chunks: Uint8Array[] = [];
  for (let from = 0; from < rowCount;) {
    const to = chunkEnd(starts, from, rowCount, chunkBytes);
    const base = starts[from];
    const size = starts[to] - base;
    const bytes = buffers.take(CHUNK_ROOM + size + SLACK);
    const view = new DataView(bytes.buffer);
    for (let r = from; r <= to; r++) at[r] = CHUNK_ROOM + starts[r] - base;
    for (let c = 0; c < codes.length; c++) {
      writeColumn(codes[c], batch.values[c], batch.nulls[c], from, to, bytes, view, at);
    }
    chunks.push(bytes.subarray(CHUNK_ROOM, CHUNK_ROOM + size));
    from = to;
  }
  return chunks;
}

/** Sets starts[r] to the offset of row r and starts[rowCount] to the total size. */
function rowStarts(batch: RowBatch, codes: number[], starts: Int32Array): void {
  const rowCount = batch.rowCount;
  let fixed = 0;
  codes.forEach((code, c) => (fixed += VALUE_BYTES[code] + (batch.nulls[c] ? 1 : 0)));
  starts.fill(fixed, 0, rowCount);
  for (let c = 0; c < codes.length; c++) {
    const flags = batch.nulls[c];
    if (codes[c] === CODE.TEXT) {
      addTextBytes(batch.values[c] as TextColumn, flags, rowCount, starts);
    } else if (flags) subtractNulls(flags, VALUE_BYTES[codes[c]], rowCount, starts);
  }
  let total = 0;
  for (let r = 0; r < rowCount; r++) {
    const size = starts[r];
    starts[r] = total;
    total += size;
  }
  starts[rowCount] = total;
}

function addTextBytes(
  text: TextColumn,
  flags: Uint8Array | null,
  rowCount: number,
  sizes: Int32Array,
): void {
  const offsets = text.offsets;
  for (let r = 0; r < rowCount; r++) {
    sizes[r] += flags !== null && flags[r] !== 0 ? -4 : offsets[r + 1] - offsets[r];
  }
}

function subtractNulls(flags: Uint8Array, size: number, rowCount: number, sizes: Int32Array) {
  for (let r = 0; r < rowCount; r++) if (flags[r] !== 0) sizes[r] -= size;
}

/** The row after the last whole row that keeps the chunk from `from` within `limit` bytes. */
function chunkEnd(starts: Int32Array, from: number, rowCount: number, limit: number): number {
  const end = starts[from] + limit;
  let to = from + 1;
  while (to < rowCount && starts[to + 1] <= end) to++;
  return to;
}

/** Writes one column of rows [from, to) at each row's cursor and moves the cursors on. */
function writeColumn(
  code: number,
  values: ColumnValues,
  flags: Uint8Array | null,
  from: number,
  to: number,
  bytes: Uint8Array,
  view: DataView,
  at: Int32Array,
): void {
  switch (code) {
    case CODE.INT:
      return writeInt32s(values as Int32Array, flags, from, to, view, at);
    case CODE.SMALLINT:
      return writeInt16s(values as Int16Array, flags, from, to, view, at);
    case CODE["DOUBLE PRECISION"]:
      return writeFloat64s(values as Float64Array, flags, from, to, view, at);
    case CODE.BOOL:
      return writeBools(values as Uint8Array, flags, from, to, view, at);
    case CODE.BIGINT:
      return writeInt64s(values as Float64Array, flags, from, to, view, at, 0, 0);
    case CODE.TIMESTAMP:
      return writeInt64s(values as Float64Array, flags, from, to, view, at, EPOCH_HI, EPOCH_LO);
    default:
      return writeTexts(values as TextColumn, flags, from, to, bytes, view, at);
  }
}

// Each writer sees one array type only, so V8 keeps it monomorphic. Every byte is written,
// flags included: a text copy may have left scratch bytes where later columns go.

function writeInt32s(
  values: Int32Array,
  flags: Uint8Array | null,
  from: number,
  to: number,
  view: DataView,
  at: Int32Array,
): void {
  if (flags === null) {
    for (let r = from; r < to; r++) {
      const p = at[r];
      view.setInt32(p, values[r], true);
      at[r] = p + 4;
    }
    return;
  }
  for (let r = from; r < to; r++) {
    const p = at[r];
    const isNull = flags[r];
    view.setUint8(p, isNull);
    if (isNull !== 0) at[r] = p + 1;
    else {
      view.setInt32(p + 1, values[r], true);
      at[r] = p + 5;
    }
  }
}

function writeInt16s(
  values: Int16Array,
  flags: Uint8Array | null,
  from: number,
  to: number,
  view: DataView,
  at: Int32Array,
): void {
  for (let r = from; r < to; r++) {
    let p = at[r];
    if (flags !== null) {
      const isNull = flags[r];
      view.setUint8(p++, isNull);
      if (isNull !== 0) {
        at[r] = p;
        continue;
      }
    }
    view.setInt16(p, values[r], true);
    at[r] = p + 2;
  }
}

function writeFloat64s(
  values: Float64Array,
  flags: Uint8Array | null,
  from: number,
  to: number,
  view: DataView,
  at: Int32Array,
): void {
  for (let r = from; r < to; r++) {
    let p = at[r];
    if (flags !== null) {
      const isNull = flags[r];
      view.setUint8(p++, isNull);
      if (isNull !== 0) {
        at[r] = p;
        continue;
      }
    }
    view.setFloat64(p, values[r], true);
    at[r] = p + 8;
  }
}

function writeBools(
  values: Uint8Array,
  flags: Uint8Array | null,
  from: number,
  to: number,
  view: DataView,
  at: Int32Array,
): void {
  for (let r = from; r < to; r++) {
    let p = at[r];
    if (flags !== null) {
      const isNull = flags[r];
      view.setUint8(p++, isNull);
      if (isNull !== 0) {
        at[r] = p;
        continue;
      }
    }
    view.setUint8(p, values[r]);
    at[r] = p + 1;
  }
}

/** Safe-integer doubles plus `addHi * 2^32 + addLo` as little-endian int64, without BigInt. */
function writeInt64s(
  values: Float64Array,
  flags: Uint8Array | null,
  from: number,
  to: number,
  view: DataView,
  at: Int32Array,
  addHi: number,
  addLo: number,
): void {
  for (let r = from; r < to; r++) {
    let p = at[r];
    if (flags !== null) {
      const isNull = flags[r];
      view.setUint8(p++, isNull);
      if (isNull !== 0) {
        at[r] = p;
        continue;
      }
    }
    writeInt64(view, p, values[r], addHi, addLo);
    at[r] = p + 8;
  }
}

/** Text values are copied in blocks of 16 bytes, as four 4-byte words. */
const BLOCK = 16;
/** TAIL_MASKS[4 * n + w]: the bits of word w of a block that belong to an n-byte tail. */
const TAIL_MASKS = (() => {
  const masks = new Int32Array((BLOCK + 1) * 4);
  for (let n = 0; n <= BLOCK; n++) {
    for (let w = 0; w < 4; w++) {
      const bytes = Math.max(0, Math.min(4, n - 4 * w));
      masks[4 * n + w] = bytes === 4 ? -1 : (1 << (8 * bytes)) - 1;
    }
  }
  return masks;
})();

/**
 * A u32 byte length, then the UTF-8 bytes, copied in 16-byte blocks; the last block is blended
 * with what is already there, so the bytes after the value stay intact. A byte loop whose length
 * varies row by row costs a mispredicted branch per row; the blocks mostly do not.
 */
function writeTexts(
  text: TextColumn,
  flags: Uint8Array | null,
  from: number,
  to: number,
  bytes: Uint8Array,
  view: DataView,
  at: Int32Array,
): void {
  const offsets = text.offsets;
  const source = text.bytes;
  // Blocks may read past the column's last value into the rest of its buffer, never beyond.
  const sourceView = new DataView(source.buffer, source.byteOffset);
  const blockLimit = sourceView.byteLength - BLOCK;
  const masks = TAIL_MASKS;
  for (let r = from; r < to; r++) {
    let p = at[r];
    if (flags !== null) {
      const isNull = flags[r];
      view.setUint8(p++, isNull);
      if (isNull !== 0) {
        at[r] = p;
        continue;
      }
    }
    let s = offsets[r];
    const length = offsets[r + 1] - s;
    view.setUint32(p, length, true);
    p += 4;
    const end = p + length;
    if (s + length > blockLimit) {
      for (let i = 0; i < length; i++) bytes[p + i] = source[s + i];
    } else {
      for (; end - p > BLOCK; p += BLOCK, s += BLOCK) {
        view.setInt32(p, sourceView.getInt32(s, true), true);
        view.setInt32(p + 4, sourceView.getInt32(s + 4, true), true);
        view.setInt32(p + 8, sourceView.getInt32(s + 8, true), true);
        view.setInt32(p + 12, sourceView.getInt32(s + 12, true), true);
      }
      // The tail, blended word by word: (new & mask) | (old & ~mask).
      const m = 4 * (end - p);
      let mask = masks[m];
      view.setInt32(
        p,
        (sourceView.getInt32(s, true) & mask) | (view.getInt32(p, true) & ~mask),
        true,
      );
      mask = masks[m + 1];
      view.setInt32(
        p + 4,
        (sourceView.getInt32(s + 4, true) & mask) | (view.getInt32(p + 4, true) & ~mask),
        true,
      );
      mask = masks[m + 2];
      view.setInt32(
        p + 8,
        (sourceView.getInt32(s + 8, true) & mask) | (view.getInt32(p + 8, true) & ~mask),
        true,
      );
      mask = masks[m + 3];
      view.setInt32(
        p + 12,
        (sourceView.getInt32(s + 12, true) & mask) | (view.getInt32(p + 12, true) & ~mask),
        true,
      );
    }
    at[r] = end;
  }
}
