/** The three table shapes of the workload: Small (3 columns), Medium (8) and Wide (20). */

/** Column types the workload uses, named as Hyper's SQL names them. */
export type ColumnType =
  | "INT"
  | "SMALLINT"
  | "BIGINT"
  | "DOUBLE PRECISION"
  | "BOOL"
  | "TEXT"
  | "TIMESTAMP";

/** One column of a table shape. */
export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

/** A table shape: its name and columns in table order. */
export interface Shape {
  name: "small" | "medium" | "wide";
  columns: readonly Column[];
}

const col = (name: string, type: ColumnType, nullable = true): Column => ({
  name,
  type,
  nullable,
});

const SMALL_COLUMNS: Column[] = [
  col("id", "INT", false),
  col("name", "TEXT"),
  col("value", "DOUBLE PRECISION"),
];

const MEDIUM_COLUMNS: Column[] = [
  ...SMALL_COLUMNS,
  col("created_at", "TIMESTAMP"),
  col("category", "TEXT"),
  col("quantity", "INT"),
  col("price", "DOUBLE PRECISION"),
  col("description", "TEXT"),
];

const WIDE_COLUMNS: Column[] = [
  ...MEDIUM_COLUMNS,
  col("is_active", "BOOL"),
  col("rating", "SMALLINT"),
  col("score", "DOUBLE PRECISION"),
  col("notes", "TEXT"),
  col("updated_at", "TIMESTAMP"),
  col("ref_code", "TEXT"),
  col("weight", "DOUBLE PRECISION"),
  col("height", "DOUBLE PRECISION"),
  col("tag_a", "TEXT"),
  col("tag_b", "TEXT"),
  col("counter", "BIGINT"),
  col("fraction", "DOUBLE PRECISION"),
];

/** Small: id, name, value. */
export const SMALL: Shape = { name: "small", columns: SMALL_COLUMNS };
/** Medium: Small plus created_at, category, quantity, price, description. */
export const MEDIUM: Shape = { name: "medium", columns: MEDIUM_COLUMNS };
/** Wide: Medium plus twelve more columns of every type. */
export const WIDE: Shape = { name: "wide", columns: WIDE_COLUMNS };
/** All shapes, smallest first. */
export const SHAPES: readonly Shape[] = [SMALL, MEDIUM, WIDE];
