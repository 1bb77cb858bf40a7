/**
 * HyperBinary COPY encoding: a 19-byte header, then rows back to back, little-endian, with a
 * null flag byte before each value of a nullable column (see shared/HYPER.md).
 */
import { type CopyEncoder, encodeStream } from "./copy_encoder.ts";
import type { RowBatch, TextColumn } from "../workload/row_batch.ts";

/** `HPRCPY` followed by 13 zero bytes; starts every HyperBinary COPY stream. */
export const HYPER_BINARY_HEADER: Uint8Array = (() => {
  const header = new Uint8Array(19);
  header.set(new TextEncoder().encode("HPRCPY"));
  return header;
})();

const TWO_32 = 4294967296;
// Hyper timestamps count µs from the Julian day 0 epoch; the Unix epoch is Julian day 2440588.
const UNIX_EPOCH_US = 2440588n * 86_400_000_000n;
const EPOCH_HI = Number(UNIX_EPOCH_US / BigInt(TWO_32));
const EPOCH_LO = Number(UNIX_EPOCH_US % BigInt(TWO_32));

/** Type codes for the hot loop: an integer switch is cheaper than comparing type names. */
const CODE = {
  INT: 0,
  SMALLINT: 1,
  BIGINT: 2,
  "DOUBLE PRECISION": 3,
  BOOL: 4,
  TEXT: 5,
  TIMESTAMP: 6,
} as const;
/** Bytes a value takes, a null flag included; TEXT without its bytes. */
const MAX_FIXED = [5, 3, 9, 9, 2, 5, 9];

/**
 * Encodes rows as HyperBinary in chunks of about `chunkBytes` each. Each returned chunk is a
 * fresh buffer the caller may keep.
 */
export class HyperBinaryEncoder implements CopyEncoder {
  readonly sqlFormat = "HYPERBINARY";
  readonly #chunkBytes: number;

  constructor(chunkBytes = 1 << 16) {
    this.#chunkBytes = chunkBytes;
  }

  /** The 19-byte signature that opens every stream. */
  header(): Uint8Array {
    return HYPER_BINARY_HEADER;
  }

  /** HyperBinary has no trailer. */
  trailer(): Uint8Array {
    return EMPTY;
  }

  /** A whole stream for one batch, header included. */
  encode(batch: RowBatch): Uint8Array[] {
    return encodeStream(this, batch);
  }

  /** The rows of `batch`, back to back, in chunks. */
  rows(batch: RowBatch): Uint8Array[] {
    const codes: number[] = batch.shape.columns.map((c) => CODE[c.type]);
    const fixedRowBytes = codes.reduce((sum, code) => sum + MAX_FIXED[code], 0);
    const texts = codes.flatMap((
      code,
      c,
    ) => (code === CODE.TEXT ? [batch.values[c] as TextColumn] : []));
    const chunks: Uint8Array[] = [];
    for (let row = 0; row < batch.rowCount;) {
      // Room for the rows of this chunk: every row's worst case.
      let end = row;
      let room = 0;
      while (end < batch.rowCount && room < this.#chunkBytes) {
        room += fixedRowBytes;
        for (let t = 0; t < texts.length; t++) {
          room += texts[t].offsets[end + 1] - texts[t].offsets[end];
        }
        end++;
      }
      const bytes = new Uint8Array(room);
      chunks.push(bytes.subarray(0, encodeRows(batch, codes, row, end, bytes, 0)));
      row = end;
    }
    return chunks;
  }
}

const EMPTY = new Uint8Array(0);

/** Writes rows [from, to) at `pos`; `bytes` has room for them. Returns the end position. */
function encodeRows(
  batch: RowBatch,
  codes: number[],
  from: number,
  to: number,
  bytes: Uint8Array,
  pos: number,
): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const columnCount = codes.length;
  const values = batch.values;
  const nulls = batch.nulls;
  for (let r = from; r < to; r++) {
    for (let c = 0; c < columnCount; c++) {
      const flags = nulls[c];
      if (flags !== null) {
        const isNull = flags[r];
        bytes[pos++] = isNull;
        if (isNull) continue;
      }
      switch (codes[c]) {
        case CODE.INT:
          view.setInt32(pos, (values[c] as Int32Array)[r], true);
          pos += 4;
          break;
        case CODE.SMALLINT:
          view.setInt16(pos, (values[c] as Int16Array)[r], true);
          pos += 2;
          break;
        case CODE["DOUBLE PRECISION"]:
          view.setFloat64(pos, (values[c] as Float64Array)[r], true);
          pos += 8;
          break;
        case CODE.BOOL:
          bytes[pos++] = (values[c] as Uint8Array)[r];
          break;
        case CODE.BIGINT:
          writeInt64(view, pos, (values[c] as Float64Array)[r], 0, 0);
          pos += 8;
          break;
        case CODE.TIMESTAMP:
          writeInt64(view, pos, (values[c] as Float64Array)[r], EPOCH_HI, EPOCH_LO);
          pos += 8;
          break;
        default:
          pos = writeText(bytes, view, pos, values[c] as TextColumn, r);
      }
    }
  }
  return pos;
}

/** Writes `value + (addHi * 2^32 + addLo)` as a little-endian int64 without BigInt. */
function writeInt64(
  view: DataView,
  pos: number,
  value: number,
  addHi: number,
  addLo: number,
): void {
  const hi = Math.floor(value / TWO_32);
  let lo = value - hi * TWO_32 + addLo;
  const carry = lo >= TWO_32 ? 1 : 0;
  lo -= carry * TWO_32;
  view.setUint32(pos, lo, true);
  view.setInt32(pos + 4, hi + addHi + carry, true);
}

/** Writes value r of a TEXT column: a u32 byte length, then its UTF-8 bytes. */
function writeText(
  bytes: Uint8Array,
  view: DataView,
  pos: number,
  text: TextColumn,
  r: number,
): number {
  const from = text.offsets[r];
  const length = text.offsets[r + 1] - from;
  view.setUint32(pos, length, true);
  pos += 4;
  const source = text.bytes;
  // A byte loop beats `set(subarray(...))` for the short values of a row.
  for (let i = 0; i < length; i++) bytes[pos + i] = source[from + i];
  return pos + length;
}
