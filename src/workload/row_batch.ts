/**
 * Rows held column by column in typed arrays, the one form that the data generator writes and
 * both COPY encoders (HyperBinary and Arrow) read.
 */
import type { Shape } from "./table_shapes.ts";

/** A TEXT column: UTF-8 of every value back to back; value r is bytes[offsets[r], offsets[r+1]). */
export interface TextColumn {
  bytes: Uint8Array;
  offsets: Int32Array;
}

/**
 * Values of one column. Numbers that do not fit a typed array are kept as doubles:
 * BIGINT as safe integers, TIMESTAMP as microseconds since the Unix epoch.
 */
export type ColumnValues =
  | Int32Array
  | Int16Array
  | Float64Array
  | Uint8Array
  | TextColumn;

/** A batch of rows of one shape; `nulls[c][r]` is 1 where column c of row r is NULL. */
export interface RowBatch {
  shape: Shape;
  rowCount: number;
  values: ColumnValues[];
  /** One flag array per nullable column; null for a NOT NULL column. */
  nulls: (Uint8Array | null)[];
}

/** An empty batch with room for `capacity` rows of `shape`, to generate rows into. */
export function allocateBatch(shape: Shape, capacity: number): RowBatch {
  const values = shape.columns.map((c): ColumnValues => {
    switch (c.type) {
      case "INT":
        return new Int32Array(capacity);
      case "SMALLINT":
        return new Int16Array(capacity);
      case "BOOL":
        return new Uint8Array(capacity);
      case "TEXT":
        return { bytes: new Uint8Array(capacity * 32), offsets: new Int32Array(capacity + 1) };
      default:
        return new Float64Array(capacity);
    }
  });
  const nulls = shape.columns.map((c) => (c.nullable ? new Uint8Array(capacity) : null));
  return { shape, rowCount: 0, values, nulls };
}

/** Rows [start, end) of a batch as a batch of views (no copy). */
export function sliceBatch(batch: RowBatch, start: number, end: number): RowBatch {
  const values = batch.values.map((v): ColumnValues =>
    // Text offsets stay absolute into the same bytes; encoders read offsets[r]..offsets[r+1].
    "offsets" in v ? { bytes: v.bytes, offsets: v.offsets.subarray(start) } : v.subarray(start, end)
  );
  const nulls = batch.nulls.map((n) => n && n.subarray(start, end));
  return { shape: batch.shape, rowCount: end - start, values, nulls };
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Encodes strings into a TextColumn (a NULL slot may hold any string; "" is usual). */
export function textColumn(strings: readonly string[]): TextColumn {
  const encoded = strings.map((s) => utf8.encode(s));
  const offsets = new Int32Array(strings.length + 1);
  encoded.forEach((e, i) => (offsets[i + 1] = offsets[i] + e.length));
  const bytes = new Uint8Array(offsets[strings.length]);
  encoded.forEach((e, i) => bytes.set(e, offsets[i]));
  return { bytes, offsets };
}

/** Value r of a TextColumn as a string. */
export function textAt(column: TextColumn, r: number): string {
  return fromUtf8.decode(column.bytes.subarray(column.offsets[r], column.offsets[r + 1]));
}

/** Value r of a numeric column c (BOOL as 0/1, TIMESTAMP as µs since the Unix epoch). */
export function numberAt(batch: RowBatch, c: number, r: number): number {
  return (batch.values[c] as Float64Array)[r];
}

/** Reads row r as plain JS values (null for NULL, Date for TIMESTAMP), for tests and INSERTs. */
export function rowAt(batch: RowBatch, r: number): unknown[] {
  return batch.shape.columns.map((c, i) => {
    if (batch.nulls[i]?.[r]) return null;
    if (c.type === "TEXT") return textAt(batch.values[i] as TextColumn, r);
    const v = numberAt(batch, i, r);
    if (c.type === "BOOL") return v === 1;
    if (c.type === "TIMESTAMP") return new Date(v / 1000);
    return v;
  });
}
