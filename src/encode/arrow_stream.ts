/**
 * Arrow IPC streams, the one module that uses apache-arrow: encoding row batches for
 * `COPY ... FROM STDIN WITH (FORMAT ARROWSTREAM)` and decoding streams hyperd sends back.
 */
import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int16,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  TimeUnit,
  Type,
  Utf8,
} from "apache-arrow";
import { type CopyEncoder, encodeStream } from "./copy_encoder.ts";
import type { RowBatch, TextColumn } from "../workload/row_batch.ts";
import type { ColumnType, Shape } from "../workload/table_shapes.ts";

const TWO_32 = 4294967296;

/** Options for ArrowEncoder. */
export interface ArrowEncoderOptions {
  /** Rows per Arrow record batch; bounds the server's per-message work. */
  rowsPerBatch?: number;
  /** Approximate size of each returned chunk, in bytes. */
  chunkBytes?: number;
}

/** The Arrow type each workload column type is sent as; all map 1:1 to the table's type. */
function arrowType(type: ColumnType): DataType {
  switch (type) {
    case "INT":
      return new Int32();
    case "SMALLINT":
      return new Int16();
    case "BIGINT":
      return new Int64();
    case "DOUBLE PRECISION":
      return new Float64();
    case "BOOL":
      return new Bool();
    case "TEXT":
      // Plain Utf8: Hyper rejects dictionary-encoded columns.
      return new Utf8();
    case "TIMESTAMP":
      // No time zone: a zoned timestamp would land as TIMESTAMPTZ semantics.
      return new TimestampMicrosecond();
  }
}

/** The Arrow schema a shape is sent with: one field per column, named as in the table. */
export function arrowSchema(shape: Shape): Schema {
  return new Schema(
    shape.columns.map((c) => new Field(c.name, arrowType(c.type), c.nullable)),
  );
}

/**
 * Encodes row batches as an Arrow IPC stream (schema, record batches of at most `rowsPerBatch`
 * rows, end-of-stream marker) in chunks of about `chunkBytes`. The Arrow buffers are built
 * straight from the batch's typed arrays; numeric columns are not copied before the final join.
 */
export class ArrowEncoder implements CopyEncoder {
  readonly sqlFormat = "ARROWSTREAM";
  readonly #rowsPerBatch: number;
  readonly #chunkBytes: number;
  readonly #schemas = new Map<Shape, { schema: Schema; message: Uint8Array }>();

  constructor(options: ArrowEncoderOptions = {}) {
    this.#rowsPerBatch = options.rowsPerBatch ?? 65_536;
    this.#chunkBytes = options.chunkBytes ?? 1 << 20;
  }

  /** The schema message that opens a stream of rows of `shape`. */
  header(shape: Shape): Uint8Array {
    return this.#schema(shape).message;
  }

  /** The end-of-stream marker. */
  trailer(): Uint8Array {
    return END_OF_STREAM;
  }

  /** Encodes the whole batch as one Arrow IPC stream, split into one or more chunks. */
  encode(batch: RowBatch): Uint8Array[] {
    return encodeStream(this, batch);
  }

  /** The batch as record batch messages of at most `rowsPerBatch` rows, in chunks. */
  rows(batch: RowBatch): Uint8Array[] {
    const { schema, message } = this.#schema(batch.shape);
    const batches: RecordBatch[] = [];
    for (let start = 0; start < batch.rowCount; start += this.#rowsPerBatch) {
      const end = Math.min(start + this.#rowsPerBatch, batch.rowCount);
      batches.push(recordBatch(schema, batch, start, end));
    }
    if (batches.length === 0) return [];
    // The writer frames a whole stream; keep only the record batch messages.
    const stream = RecordBatchStreamWriter.writeAll(batches).toUint8Array(true);
    const bytes = stream.subarray(message.length, stream.length - END_OF_STREAM.length);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += this.#chunkBytes) {
      chunks.push(bytes.subarray(at, Math.min(at + this.#chunkBytes, bytes.length)));
    }
    return chunks;
  }

  /** Arrow's writer makes its own buffers: nothing to reuse. */
  recycle(_chunk: Uint8Array): void {}

  /** The chunks are views of one stream: no room before any of them. */
  roomBefore(_chunk: Uint8Array): number {
    return 0;
  }

  #schema(shape: Shape): { schema: Schema; message: Uint8Array } {
    let cached = this.#schemas.get(shape);
    if (!cached) {
      const schema = arrowSchema(shape);
      const children = schema.fields.map((f) =>
        makeData({ type: f.type, length: 0, nullCount: 0 })
      );
      const data = makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children });
      const empty = new RecordBatch(schema, data);
      const stream = RecordBatchStreamWriter.writeAll([empty]).toUint8Array(true);
      // A message is a 0xFFFFFFFF marker, its metadata length, the metadata; a schema has no body.
      const metadataLength = new DataView(stream.buffer, stream.byteOffset).getInt32(4, true);
      cached = { schema, message: stream.slice(0, 8 + metadataLength) };
      this.#schemas.set(shape, cached);
    }
    return cached;
  }
}

/** The end-of-stream marker: a continuation marker and a zero metadata length. */
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

function recordBatch(schema: Schema, batch: RowBatch, start: number, end: number): RecordBatch {
  const length = end - start;
  const children = batch.shape.columns.map((column, c) => {
    const type = schema.fields[c].type;
    const validity = validityBitmap(batch.nulls[c], start, end);
    const common = {
      length,
      nullCount: validity.nullCount,
      nullBitmap: validity.nullCount > 0 ? validity.bits : undefined,
    };
    const values = batch.values[c];
    switch (column.type) {
      case "INT":
      case "SMALLINT":
      case "DOUBLE PRECISION":
        return makeData({
          type,
          ...common,
          data: (values as Int32Array | Int16Array | Float64Array).subarray(start, end),
        });
      case "BOOL":
        return makeData({
          type,
          ...common,
          data: packBits(values as Uint8Array, start, end),
        });
      case "BIGINT":
      case "TIMESTAMP":
        // Both are held as safe-integer doubles; TIMESTAMP is already µs since the Unix epoch,
        // which is Arrow's epoch too.
        return makeData({ type, ...common, data: int64Values(values as Float64Array, start, end) });
      case "TEXT": {
        const { offsets, bytes } = textSlice(values as TextColumn, start, end);
        return makeData({ type, ...common, valueOffsets: offsets, data: bytes });
      }
    }
  });
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** Arrow validity bits (1 = value present) for rows [start, end), padded to 8 bytes. */
function validityBitmap(
  nulls: Uint8Array | null,
  start: number,
  end: number,
): { bits: Uint8Array; nullCount: number } {
  const length = end - start;
  const bits = new Uint8Array(((length + 63) >> 6) << 3);
  if (!nulls) {
    return { bits, nullCount: 0 };
  }
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (nulls[start + i]) nullCount++;
    else bits[i >> 3] |= 1 << (i & 7);
  }
  return { bits, nullCount };
}

/** Packs 0/1 bytes into Arrow's LSB-first bit layout. */
function packBits(flags: Uint8Array, start: number, end: number): Uint8Array {
  const length = end - start;
  const bits = new Uint8Array(((length + 63) >> 6) << 3);
  for (let i = 0; i < length; i++) {
    if (flags[start + i]) bits[i >> 3] |= 1 << (i & 7);
  }
  return bits;
}

/** Safe-integer doubles as little-endian int64, written as two 32-bit halves to avoid BigInt. */
function int64Values(values: Float64Array, start: number, end: number): BigInt64Array {
  const length = end - start;
  const words = new Int32Array(length * 2);
  for (let i = 0; i < length; i++) {
    const value = values[start + i];
    const hi = Math.floor(value / TWO_32);
    words[2 * i] = value - hi * TWO_32; // 0 .. 2^32-1 wraps to the same bits in an Int32Array
    words[2 * i + 1] = hi;
  }
  return new BigInt64Array(words.buffer);
}

/** Offsets (rebased to 0) and bytes of rows [start, end) of a TEXT column; no copy of the bytes. */
function textSlice(
  text: TextColumn,
  start: number,
  end: number,
): { offsets: Int32Array; bytes: Uint8Array } {
  const base = text.offsets[start];
  const bytes = text.bytes.subarray(base, text.offsets[end]);
  if (base === 0) return { offsets: text.offsets.subarray(start, end + 1), bytes };
  const offsets = new Int32Array(end - start + 1);
  for (let i = 0; i <= end - start; i++) offsets[i] = text.offsets[start + i] - base;
  return { offsets, bytes };
}

/** One field of a decoded Arrow stream. */
export interface ArrowFieldInfo {
  name: string;
  /** Arrow's name of the type, e.g. `Int32`, `Utf8`, `Timestamp<MICROSECOND>`. */
  type: string;
  nullable: boolean;
  /** True when the field is dictionary-encoded. */
  dictionary: boolean;
}

/** A decoded Arrow IPC stream as plain values. */
export interface ArrowRows {
  fields: ArrowFieldInfo[];
  /**
   * Rows of plain values: NULL as null, Int64 as bigint, Timestamp as a number of µs since the
   * Unix epoch (µs kept exact), Bool as boolean, other numbers as number, Utf8 as string.
   */
  rows: unknown[][];
}

/** Decodes a whole Arrow IPC stream, given as one buffer or as its chunks in order. */
export function decodeArrowStream(stream: Uint8Array | Uint8Array[]): ArrowRows {
  const bytes = Array.isArray(stream) ? concat(stream) : stream;
  const reader = RecordBatchReader.from(bytes);
  reader.open();
  const fields = reader.schema.fields.map((f): ArrowFieldInfo => ({
    name: f.name,
    type: String(f.type),
    nullable: f.nullable,
    dictionary: f.type.typeId === Type.Dictionary,
  }));
  const rows: unknown[][] = [];
  for (const batch of reader) {
    const readers = batch.schema.fields.map((f, c) => columnReader(f.type, batch, c));
    for (let r = 0; r < batch.numRows; r++) {
      rows.push(readers.map((read) => read(r)));
    }
  }
  return { fields, rows };
}

const MICROS_FROM: Record<TimeUnit, (raw: bigint) => number> = {
  [TimeUnit.SECOND]: (raw) => Number(raw) * 1e6,
  [TimeUnit.MILLISECOND]: (raw) => Number(raw) * 1e3,
  [TimeUnit.MICROSECOND]: (raw) => Number(raw),
  [TimeUnit.NANOSECOND]: (raw) => Number(raw / 1000n),
};

function columnReader(type: DataType, batch: RecordBatch, c: number): (r: number) => unknown {
  const vector = batch.getChildAt(c)!;
  if (type.typeId === Type.Timestamp) {
    // apache-arrow returns milliseconds as a double; read the raw int64 to keep µs exact.
    const toMicros = MICROS_FROM[(type as TimestampMicrosecond).unit];
    return (r) => {
      if (!vector.isValid(r)) return null;
      const [data, index] = locate(vector.data, r);
      return toMicros((data.values as BigInt64Array)[data.offset + index]);
    };
  }
  return (r) => vector.get(r) ?? null;
}

/** The Data chunk of a vector that holds row r, and r's index inside it. */
function locate<T extends { length: number }>(chunks: readonly T[], r: number): [T, number] {
  for (const chunk of chunks) {
    if (r < chunk.length) return [chunk, r];
    r -= chunk.length;
  }
  throw new RangeError(`row ${r} is past the end of the vector`);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
