/**
 * HyperBinary COPY encoding: a 19-byte header, then rows back to back, little-endian, with a
 * null flag byte before each value of a nullable column (see shared/HYPER.md).
 */
import type { RowBatch } from "./row_batch.ts";

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

/** Fixed bytes of a value of each type; TEXT is its 4-byte length prefix only. */
const FIXED_SIZE = {
  INT: 4,
  SMALLINT: 2,
  BIGINT: 8,
  "DOUBLE PRECISION": 8,
  BOOL: 1,
  TEXT: 4,
  TIMESTAMP: 8,
} as const;

const utf8 = new TextEncoder();

/**
 * Encodes row batches into HyperBinary chunks of about `chunkBytes` each, so a large batch
 * streams in bounded pieces. Each returned chunk is a fresh buffer the caller may keep.
 */
export class HyperBinaryEncoder {
  readonly #chunkBytes: number;
  #bytes = new Uint8Array(0);
  #view = new DataView(this.#bytes.buffer);
  #pos = 0;

  constructor(chunkBytes = 1 << 20) {
    this.#chunkBytes = chunkBytes;
  }

  /** Encodes the whole batch, header first, as one or more chunks. */
  encode(batch: RowBatch): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    this.#start();
    this.#bytes.set(HYPER_BINARY_HEADER, 0);
    this.#pos = HYPER_BINARY_HEADER.length;
    for (let r = 0; r < batch.rowCount; r++) {
      this.#writeRow(batch, r);
      if (this.#pos >= this.#chunkBytes) {
        chunks.push(this.#bytes.subarray(0, this.#pos));
        this.#start();
      }
    }
    if (this.#pos > 0 || chunks.length === 0) {
      chunks.push(this.#bytes.subarray(0, this.#pos));
    }
    return chunks;
  }

  #start(): void {
    this.#bytes = new Uint8Array(this.#chunkBytes + 4096);
    this.#view = new DataView(this.#bytes.buffer);
    this.#pos = 0;
  }

  #ensure(extra: number): void {
    if (this.#pos + extra <= this.#bytes.length) return;
    const grown = new Uint8Array(
      Math.max(this.#bytes.length * 2, this.#pos + extra),
    );
    grown.set(this.#bytes.subarray(0, this.#pos));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  #writeRow(batch: RowBatch, r: number): void {
    const columns = batch.shape.columns;
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c];
      const values = batch.values[c];
      this.#ensure(FIXED_SIZE[column.type] + 1);
      if (column.nullable) {
        const isNull = batch.nulls[c]![r];
        this.#bytes[this.#pos++] = isNull;
        if (isNull) continue;
      }
      const view = this.#view;
      const pos = this.#pos;
      switch (column.type) {
        case "INT":
          view.setInt32(pos, (values as Int32Array)[r], true);
          this.#pos = pos + 4;
          break;
        case "SMALLINT":
          view.setInt16(pos, (values as Int16Array)[r], true);
          this.#pos = pos + 2;
          break;
        case "DOUBLE PRECISION":
          view.setFloat64(pos, (values as Float64Array)[r], true);
          this.#pos = pos + 8;
          break;
        case "BOOL":
          this.#bytes[pos] = (values as Uint8Array)[r];
          this.#pos = pos + 1;
          break;
        case "BIGINT":
          this.#writeInt64((values as Float64Array)[r], 0, 0);
          break;
        case "TIMESTAMP":
          this.#writeInt64((values as Float64Array)[r], EPOCH_HI, EPOCH_LO);
          break;
        case "TEXT":
          this.#writeText((values as string[])[r]);
          break;
      }
    }
  }

  /** Writes `value + (addHi * 2^32 + addLo)` as a little-endian int64 without BigInt. */
  #writeInt64(value: number, addHi: number, addLo: number): void {
    const hi = Math.floor(value / TWO_32);
    let lo = value - hi * TWO_32 + addLo;
    const carry = lo >= TWO_32 ? 1 : 0;
    lo -= carry * TWO_32;
    this.#view.setUint32(this.#pos, lo, true);
    this.#view.setInt32(this.#pos + 4, hi + addHi + carry, true);
    this.#pos += 8;
  }

  #writeText(text: string): void {
    const length = text.length;
    this.#ensure(4 + length * 3);
    const bytes = this.#bytes;
    const start = this.#pos + 4;
    let i = 0;
    // ASCII fast path: one byte per UTF-16 unit until the first non-ASCII one.
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) break;
      bytes[start + i] = code;
    }
    let byteLength = i;
    if (i < length) {
      byteLength = utf8.encodeInto(text, bytes.subarray(start)).written;
    }
    this.#view.setUint32(this.#pos, byteLength, true);
    this.#pos = start + byteLength;
  }
}
