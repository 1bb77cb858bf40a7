/**
 * A table's fingerprint, defined once and computed two ways: by one SQL statement on the server
 * and from generated rows in the model. Every value is first folded to an integer the same way
 * on both sides (BOOL 0/1, TIMESTAMP µs since the Unix epoch, DOUBLE round(v × 10^6), TEXT its
 * UTF-8 bytes), then:
 *
 * - `rows`: count(*); `nonNull[c]`: count(c);
 * - `sums[c]`: the exact sum (NUMERIC(38,0)) of column c's folds, a TEXT column's octet_length;
 * - `rowHash`: the sum of each row's hash, which is the 56-bit integer taken from md5() of the
 *   row's id and TEXT values (NULL as \x1e, joined by \x1f), plus, for every other column, its
 *   fold's residue u (1..P, NULL 0) times the row's weight w (1..P, from its id).
 *
 * The sums name the columns that differ; `rowHash` is what no single change can keep: a text
 * character changed in place changes its md5, and values swapped between two rows change the
 * weighted sum by (u1 - u2)(w2 - w1), never 0, as w is one-to-one on ids below P. Only TEXT goes
 * through md5, the costly part on both sides. A sum of per-row hashes is a multiset hash (AdHash):
 * independent of row order and additive, so a fingerprint of an id range is the same query with a
 * WHERE, and the model's fingerprint is the sum over its batches. Two different rows collide with
 * probability about 2^-56.
 *
 * DOUBLE tolerance: values fold to millionths, so a change of at least 10^-6 always shows (the
 * generator writes cents); a smaller one shows only if it moves the rounding. Values of
 * magnitude 10^9 or more, NaN and infinities fold to -1 on both sides (no generated value does).
 */
import { quoteIdent } from "../wire/sql.ts";
import type { Column, Shape } from "../workload/table_shapes.ts";

/** A table's (or an id range's) fingerprint. Sums as decimal strings (they pass 2^53). */
export interface Fingerprint {
  rows: number;
  nonNull: number[];
  sums: string[];
  rowHash: string;
}

/** A DOUBLE at or above this magnitude (or NaN) folds to -1. */
const DOUBLE_LIMIT = 1e9;
/** What a NULL is in a row's text, and what joins its columns. */
export const NULL_BYTE = 0x1e;
export const SEPARATOR = 0x1f;
/** The weights' and residues' modulus (a prime, 2^31 - 1) and the weights' multiplier. */
const MODULUS = 2_147_483_647;
const WEIGHT_FACTOR = 48_271;

/** A fold's residue, 1..MODULUS, so that no value weighs what a NULL (0) does. */
export function residueOf(fold: number): number {
  if (fold >= 0 && fold < MODULUS) return fold + 1;
  // Division, not %, which costs a call for numbers past 32 bits; the quotient may be off by one.
  const r = fold - Math.floor(fold / MODULUS) * MODULUS;
  return (r < 0 ? r + MODULUS : r >= MODULUS ? r - MODULUS : r) + 1;
}

/** A row's weight, 1..MODULUS: one-to-one on ids 0 .. MODULUS - 1. */
export function weightOf(id: number): number {
  return residueOf(id * WEIGHT_FACTOR);
}

/** `residueOf` in SQL, of a BIGINT expression. */
function residueSql(fold: string): string {
  return `(((${fold} % ${MODULUS}) + ${MODULUS}) % ${MODULUS} + 1)`;
}

/** The SQL fold of column `c` to an integer (TEXT: the text itself). */
function foldSql(column: Column): string {
  const c = quoteIdent(column.name);
  switch (column.type) {
    case "INT":
    case "SMALLINT":
    case "BIGINT":
      return `CAST(${c} AS BIGINT)`;
    case "BOOL":
      return `CAST(${c} AS INT)`;
    case "TIMESTAMP":
      return `CAST(EXTRACT(EPOCH FROM ${c}) * 1000000 AS BIGINT)`;
    case "DOUBLE PRECISION":
      // NULL stays NULL: it would fail the test and fall to the ELSE.
      return `CASE WHEN ${c} IS NULL THEN NULL WHEN abs(${c}) < ${DOUBLE_LIMIT} ` +
        `THEN CAST(round(${c} * 1000000) AS BIGINT) ELSE -1 END`;
    case "TEXT":
      return c;
  }
}

/** The row text's SQL: the id, then every TEXT value (NULL as \x1e), joined by \x1f. */
function rowTextSql(shape: Shape): string {
  const texts = shape.columns.filter((column) => column.type === "TEXT")
    .map((column) => `coalesce(${quoteIdent(column.name)}, chr(${NULL_BYTE}))`);
  return [`CAST(${quoteIdent(shape.columns[0].name)} AS TEXT)`, ...texts]
    .join(` || chr(${SEPARATOR}) || `);
}

/** Digest bytes 0..6 of the row text's md5 as one integer (get_byte is an INT: widen first). */
const MD5_SQL = Array.from({ length: 7 }, (_, i) => {
  const byte = `get_byte(hs_md5, ${i})`;
  return i === 0 ? byte : `CAST(${byte} AS BIGINT) * ${2 ** (8 * i)}`;
}).join(" + ");

/** What the fingerprint's statements select from: the rows, each with its md5 and weight. */
function hashedRowsSql(table: string, shape: Shape, where: string): string {
  const id = `CAST(${quoteIdent(shape.columns[0].name)} AS BIGINT)`;
  const weight = residueSql(`${id} * ${WEIGHT_FACTOR}`);
  return `SELECT *, decode(md5(${rowTextSql(shape)}), 'hex') AS hs_md5, ${weight} AS hs_w ` +
    `FROM ${quoteIdent(table)}${where ? ` WHERE ${where}` : ""}`;
}

/** Each part of a row's hash as NUMERIC(38,0): its md5, then its weighted residues. */
function rowHashPartsSql(shape: Shape): string[] {
  const weighted = shape.columns.filter((column) => column.type !== "TEXT").map((column) => {
    const residue = residueSql(`CAST(${foldSql(column)} AS BIGINT)`);
    return `CAST(coalesce(${residue} * hs_w, 0) AS NUMERIC(38,0))`;
  });
  return [`CAST(${MD5_SQL} AS NUMERIC(38,0))`, ...weighted];
}

/** Column aliases of the fingerprint query's result. */
const nonNullAlias = (c: number) => `nn${c}`;
const sumAlias = (c: number) => `s${c}`;

/**
 * The one statement that fingerprints `table` (rows with `where`, e.g. `"id" BETWEEN 1 AND 9`),
 * grouped by `groupBy` (an expression of the row, e.g. the id's bucket) when given: then each
 * result row also has `grp`.
 */
export function fingerprintSql(
  table: string,
  shape: Shape,
  where = "",
  groupBy = "",
): string {
  const parts = shape.columns.flatMap((column, c) => {
    const fold = column.type === "TEXT"
      ? `octet_length(${quoteIdent(column.name)})`
      : foldSql(column);
    return [
      `count(${quoteIdent(column.name)}) AS ${nonNullAlias(c)}`,
      `sum(CAST(${fold} AS NUMERIC(38,0))) AS ${sumAlias(c)}`,
    ];
  });
  const group = groupBy ? `${groupBy} AS grp, ` : "";
  // A sum per part, added once per group: cheaper than adding the parts on every row.
  const rowHash = rowHashPartsSql(shape).map((part) => `sum(${part})`).join(" + ");
  return `SELECT ${group}count(*) AS n, ${parts.join(", ")}, ${rowHash} AS hs ` +
    `FROM (${hashedRowsSql(table, shape, where)}) AS fp${groupBy ? ` GROUP BY ${groupBy}` : ""}`;
}

/** The rows of `table` with `where`, each with its folds and its row hash, for narrowing. */
export function rowsSql(table: string, shape: Shape, where: string): string {
  const folds = shape.columns.map((column, c) => `${foldSql(column)} AS f${c}`);
  return `SELECT ${folds.join(", ")}, ${rowHashPartsSql(shape).join(" + ")} AS hs ` +
    `FROM (${hashedRowsSql(table, shape, where)}) AS fp`;
}

/** A fingerprint read from a result row of `fingerprintSql` (null sums of no rows are 0). */
export function fingerprintOfRow(shape: Shape, row: Record<string, unknown>): Fingerprint {
  return {
    rows: Number(row.n),
    nonNull: shape.columns.map((_, c) => Number(row[nonNullAlias(c)])),
    sums: shape.columns.map((_, c) => decimal(row[sumAlias(c)])),
    rowHash: decimal(row.hs),
  };
}

/** Rows and row hash of each group of a grouped `fingerprintSql` result, by its `grp`. */
export function groupsOfRows(
  rows: readonly Record<string, unknown>[],
): Map<number, { rows: number; rowHash: string }> {
  return new Map(
    rows.map((row) => [Number(row.grp), { rows: Number(row.n), rowHash: decimal(row.hs) }]),
  );
}

/**
 * A sum as the statements return it, in decimal: `12.000` → `12` (a NUMERIC(38,0) sum may come
 * back with a scale), NULL (a sum of no rows) → `0`.
 */
export function decimal(value: unknown): string {
  if (value === null || value === undefined) return "0";
  const text = String(value);
  const point = text.indexOf(".");
  return point < 0 ? text : text.slice(0, point);
}

/** The parts of two fingerprints that differ: `rows`, column names, `rowHash`. */
export function fingerprintDiff(shape: Shape, a: Fingerprint, b: Fingerprint): string[] {
  const differ: string[] = [];
  if (a.rows !== b.rows) differ.push("rows");
  shape.columns.forEach((column, c) => {
    if (a.nonNull[c] !== b.nonNull[c] || a.sums[c] !== b.sums[c]) differ.push(column.name);
  });
  if (a.rowHash !== b.rowHash) differ.push("rowHash");
  return differ;
}

/** A DOUBLE's fold, as `foldSql` computes it: millionths, -1 out of range or NaN. */
export function foldDouble(v: number): number {
  return Math.abs(v) < DOUBLE_LIMIT ? Math.round(v * 1_000_000) : -1;
}
