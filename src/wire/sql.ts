/** The SQL text hyperstress sends: identifier quoting and the statements built from a shape. */
import type { CopyEncoder } from "../encode/copy_encoder.ts";
import type { Shape } from "../workload/table_shapes.ts";
import { ACCOUNTS_TABLE, START_BALANCE } from "../workload/ledger.ts";

/** A `FORMAT` name of `COPY ... FROM STDIN`; each encoder names its own. */
export type CopyFormat = CopyEncoder["sqlFormat"];

/** Quotes an identifier for Hyper's SQL (`"` doubled). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `CREATE TABLE IF NOT EXISTS` statement for a shape. */
export function createTableSql(table: string, shape: Shape): string {
  const columns = shape.columns.map((c) =>
    `${quoteIdent(c.name)} ${c.type}${c.nullable ? "" : " NOT NULL"}`
  );
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(table)} (${columns.join(", ")})`;
}

/** The quoted column list of a shape, as a COPY or INSERT names it. */
export function columnList(shape: Shape): string {
  return shape.columns.map((c) => quoteIdent(c.name)).join(", ");
}

/**
 * The `COPY ... FROM STDIN` statement for rows of `shape` into `table`. Columns are named
 * because both formats carry them in the shape's order, not necessarily the table's.
 */
export function copyInSql(table: string, shape: Shape, format: CopyFormat): string {
  return `COPY ${quoteIdent(table)} (${columnList(shape)}) FROM STDIN WITH (FORMAT ${format})`;
}

/** The ledger's table with `accounts` accounts `0..accounts-1`, each at the start balance. */
export function ledgerSetupSql(accounts: number): string[] {
  const table = quoteIdent(ACCOUNTS_TABLE);
  return [
    `CREATE TABLE ${table} ("id" INT NOT NULL, "balance" BIGINT NOT NULL)`,
    `INSERT INTO ${table} ("id", "balance") ` +
    `SELECT g, ${START_BALANCE} FROM generate_series(0, ${accounts - 1}) AS s(g)`,
  ];
}
