/**
 * Rows held column by column in typed arrays, the one form that the data generator writes and
 * both COPY encoders (HyperBinary and Arrow) read.
 */
import type { Shape } from "./schemas.ts";

/**
 * Values of one column. Numbers that do not fit a typed array are kept as doubles:
 * BIGINT as safe integers, TIMESTAMP as microseconds since the Unix epoch.
 */
export type ColumnValues =
  | Int32Array
  | Int16Array
  | Float64Array
  | Uint8Array
  | string[];

/** A batch of rows of one shape; `nulls[c][r]` is 1 where column c of row r is NULL. */
export interface RowBatch {
  shape: Shape;
  rowCount: number;
  values: ColumnValues[];
  /** One flag array per column; null for a column that has no NULLs in this batch. */
  nulls: (Uint8Array | null)[];
}

/** Allocates an empty batch with room for `rowCount` rows of `shape`. */
export function allocateBatch(shape: Shape, rowCount: number): RowBatch {
  const values = shape.columns.map((c): ColumnValues => {
    switch (c.type) {
      case "INT":
        return new Int32Array(rowCount);
      case "SMALLINT":
        return new Int16Array(rowCount);
      case "BOOL":
        return new Uint8Array(rowCount);
      case "TEXT":
        return new Array<string>(rowCount).fill("");
      default:
        return new Float64Array(rowCount);
    }
  });
  const nulls = shape.columns.map((
    c,
  ) => (c.nullable ? new Uint8Array(rowCount) : null));
  return { shape, rowCount, values, nulls };
}

/** Reads row r as plain JS values (null for NULL, Date for TIMESTAMP), for tests and INSERTs. */
export function rowAt(batch: RowBatch, r: number): unknown[] {
  return batch.shape.columns.map((c, i) => {
    if (batch.nulls[i]?.[r]) return null;
    const v = batch.values[i][r];
    if (c.type === "BOOL") return v === 1;
    if (c.type === "TIMESTAMP") return new Date((v as number) / 1000);
    return v;
  });
}
