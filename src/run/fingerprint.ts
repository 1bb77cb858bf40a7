/**
 * A table's fingerprint, defined once and computed two ways: by one SQL statement on the server
 * and from generated rows in the model. Every value is first folded to an integer the same way
 * on both sides (BOOL 0/1, TIMESTAMP µs since the Unix epoch, DOUBLE round(v × 10^6), TEXT its
 * UTF-8 bytes), then:
 *
 * - `rows`: count(*); `nonNull[c]`: count(c);
 * - `sums[c]`: the exact sum (NUMERIC(38,0)) of column c's folds, a TEXT column's octet_length;
 * - `rowHash`: the sum of a 56-bit integer taken from md5() of each row's text (its id and every
 *   fold, NULL as \x1e, joined by \x1f).
 *
 * The sums name the columns that differ; `rowHash` is what no single change can keep: a text
 * character changed in place, or values swapped between rows, keep every sum but change the
 * md5 of the rows they are in. A sum of per-row hashes is a multiset hash (AdHash): independent
 * of row order and additive, so a fingerprint of an id range is the same query with a WHERE, and
 * the model's fingerprint is the sum over its batches. Two different rows collide with
 * probability 2^-56.
 *
 * DOUBLE tolerance: values fold to millionths, so a change of at least 10^-6 always shows (the
 * generator writes cents); a smaller one shows only if it moves the rounding. Values of
 * magnitude 10^9 or more, NaN and infinities fold to -1 on both sides (no generated value does).
 */
import { md5High28, md5Low28 } from "./md5.ts";
import { quoteIdent } from "../wire/sql.ts";
import type { RowBatch, TextColumn } from "../workload/row_batch.ts";
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
const NULL_BYTE = 0x1e;
const SEPARATOR = 0x1f;
const TWO_24 = 16_777_216;
const TWO_28 = 268_435_456;
/** A column's form in the row text: an integer as is (0), a DOUBLE's fold, or text. */
const FORM_DOUBLE = 1;
const FORM_TEXT = 2;

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

/** The row text's SQL: every column's fold as text, NULL as \x1e, joined by \x1f. */
function rowTextSql(shape: Shape): string {
  return shape.columns.map((column) => {
    const fold = foldSql(column);
    const text = column.type === "TEXT" ? fold : `CAST(${fold} AS TEXT)`;
    return `coalesce(${text}, chr(${NULL_BYTE}))`;
  }).join(` || chr(${SEPARATOR}) || `);
}

/** Digest bytes 0..6 of the row's md5 as one integer (get_byte is an INT: widen first). */
const HASH_SQL = Array.from({ length: 7 }, (_, i) => {
  const byte = `get_byte(hs_md5, ${i})`;
  return i === 0 ? byte : `CAST(${byte} AS BIGINT) * ${2 ** (8 * i)}`;
}).join(" + ");

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
  const inner = `SELECT *, decode(md5(${rowTextSql(shape)}), 'hex') AS hs_md5 ` +
    `FROM ${quoteIdent(table)}${where ? ` WHERE ${where}` : ""}`;
  return `SELECT ${group}count(*) AS n, ${parts.join(", ")}, ` +
    `sum(CAST(${HASH_SQL} AS NUMERIC(38,0))) AS hs ` +
    `FROM (${inner}) AS fp${groupBy ? ` GROUP BY ${groupBy}` : ""}`;
}

/** The rows of `table` with `where`, each with its folds and its row hash, for narrowing. */
export function rowsSql(table: string, shape: Shape, where: string): string {
  const folds = shape.columns.map((column, c) => `${foldSql(column)} AS f${c}`);
  return `SELECT ${folds.join(", ")}, CAST(${HASH_SQL} AS NUMERIC(38,0)) AS hs FROM ` +
    `(SELECT *, decode(md5(${rowTextSql(shape)}), 'hex') AS hs_md5 FROM ${quoteIdent(table)} ` +
    `WHERE ${where}) AS fp`;
}

/** A fingerprint read from a result row of `fingerprintSql` (null sums of no rows are 0). */
export function fingerprintOfRow(shape: Shape, row: Record<string, unknown>): Fingerprint {
  const text = (v: unknown) => v === null || v === undefined ? "0" : decimal(String(v));
  return {
    rows: Number(row.n),
    nonNull: shape.columns.map((_, c) => Number(row[nonNullAlias(c)])),
    sums: shape.columns.map((_, c) => text(row[sumAlias(c)])),
    rowHash: text(row.hs),
  };
}

/** `12.000` → `12`: a NUMERIC(38,0) sum may come back with a scale. */
function decimal(text: string): string {
  const point = text.indexOf(".");
  return point < 0 ? text : text.slice(0, point);
}

/** The fingerprint of nothing. */
export function emptyFingerprint(shape: Shape): Fingerprint {
  return {
    rows: 0,
    nonNull: shape.columns.map(() => 0),
    sums: shape.columns.map(() => "0"),
    rowHash: "0",
  };
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

/** Column c of row r folded to an integer (TEXT: its byte length); null for NULL. */
export function foldAt(batch: RowBatch, c: number, r: number): number | null {
  if (batch.nulls[c]?.[r]) return null;
  const values = batch.values[c];
  if ("offsets" in values) return values.offsets[r + 1] - values.offsets[r];
  const v = values[r];
  return batch.shape.columns[c].type === "DOUBLE PRECISION" ? foldDouble(v) : v;
}

function foldDouble(v: number): number {
  return Math.abs(v) < DOUBLE_LIMIT ? Math.round(v * 1_000_000) : -1;
}

/**
 * Sums fingerprints of generated rows. Per batch, folds are summed in doubles split into high
 * and low parts (exact for a batch's 4,096 rows of folds below 2^52) and carried into BigInts.
 */
export class FingerprintSum {
  readonly shape: Shape;
  rows = 0;
  readonly nonNull: number[];
  readonly #sums: bigint[];
  #rowHash = 0n;
  /** The row text being hashed; grown when a row needs more. */
  #text: Uint8Array = new Uint8Array(1024);
  /** How each column is written into the row text. */
  readonly #forms: Uint8Array;

  /** A sum of nothing, or (`from`) one that goes on from an earlier fingerprint of `shape`. */
  constructor(shape: Shape, from?: Fingerprint) {
    this.shape = shape;
    this.#forms = Uint8Array.from(
      shape.columns,
      (c) => c.type === "TEXT" ? FORM_TEXT : c.type === "DOUBLE PRECISION" ? FORM_DOUBLE : 0,
    );
    this.rows = from?.rows ?? 0;
    this.nonNull = from ? [...from.nonNull] : shape.columns.map(() => 0);
    this.#sums = from ? from.sums.map(BigInt) : shape.columns.map(() => 0n);
    this.#rowHash = from ? BigInt(from.rowHash) : 0n;
  }

  /** Adds the rows of `batch` for which `keep(id)` holds (every row without it). */
  add(batch: RowBatch, keep?: (id: number) => boolean): void {
    const ids = batch.values[0] as Int32Array;
    let kept: Uint8Array | null = null;
    if (keep) {
      kept = new Uint8Array(batch.rowCount);
      for (let r = 0; r < batch.rowCount; r++) kept[r] = keep(ids[r]) ? 1 : 0;
    }
    const columns = this.shape.columns;
    for (let c = 0; c < columns.length; c++) {
      const values = batch.values[c];
      const nulls = batch.nulls[c];
      const [count, sum] = "offsets" in values
        ? sumLengths(values.offsets, batch.rowCount, nulls, kept)
        : columns[c].type === "DOUBLE PRECISION"
        ? sumDoubles(values as Float64Array, batch.rowCount, nulls, kept)
        : sumIntegers(values, batch.rowCount, nulls, kept);
      this.nonNull[c] += count;
      this.#sums[c] += sum;
    }
    let hashHigh = 0, hashLow = 0;
    for (let r = 0; r < batch.rowCount; r++) {
      if (kept && kept[r] === 0) continue;
      this.rows++;
      const length = this.#writeRow(batch, r);
      hashLow += md5Low28(this.#text, length);
      hashHigh += md5High28();
    }
    this.#rowHash += BigInt(hashHigh) * BigInt(TWO_28) + BigInt(hashLow);
  }

  /**
   * Calls `visit(r, low, high)` with the two 28-bit halves of the row hash of each row r of
   * `batch` with `keep(id)` (without changing this sum): for per-group hashes.
   */
  hashRows(
    batch: RowBatch,
    visit: (r: number, low: number, high: number) => void,
    keep: (id: number) => boolean,
  ): void {
    const ids = batch.values[0] as Int32Array;
    for (let r = 0; r < batch.rowCount; r++) {
      if (!keep(ids[r])) continue;
      const low = md5Low28(this.#text, this.#writeRow(batch, r));
      visit(r, low, md5High28());
    }
  }

  /** The fingerprint so far. */
  result(): Fingerprint {
    return {
      rows: this.rows,
      nonNull: [...this.nonNull],
      sums: this.#sums.map(String),
      rowHash: String(this.#rowHash),
    };
  }

  /** Writes row r's text (as `rowTextSql` builds it) and returns its length. */
  #writeRow(batch: RowBatch, r: number): number {
    let text: Uint8Array = this.#text;
    let p = 0;
    const forms = this.#forms;
    for (let c = 0; c < forms.length; c++) {
      if (p + 128 > text.length) text = this.#grow(p + 128);
      if (c > 0) text[p++] = SEPARATOR;
      const nulls = batch.nulls[c];
      if (nulls !== null && nulls[r] === 1) {
        text[p++] = NULL_BYTE;
        continue;
      }
      const form = forms[c];
      if (form === FORM_TEXT) {
        const { bytes, offsets } = batch.values[c] as TextColumn;
        const from = offsets[r], to = offsets[r + 1];
        if (p + to - from + 128 > text.length) text = this.#grow(p + to - from + 128);
        for (let i = from; i < to; i++) text[p++] = bytes[i];
      } else {
        const v = (batch.values[c] as Float64Array)[r];
        p = writeInteger(text, p, form === FORM_DOUBLE ? foldDouble(v) : v);
      }
    }
    return p;
  }

  #grow(size: number): Uint8Array {
    const bigger = new Uint8Array(Math.max(size, this.#text.length * 2));
    bigger.set(this.#text);
    this.#text = bigger;
    return bigger;
  }
}

/** The row hash of row r of `batch` alone. */
export function rowHashOf(batch: RowBatch, r: number): string {
  let hash = "";
  new FingerprintSum(batch.shape).hashRows(batch, (row, low, high) => {
    if (row === r) hash = String(BigInt(high) * BigInt(TWO_28) + BigInt(low));
  }, (id) => id === (batch.values[0] as Int32Array)[r]);
  return hash;
}

/** Two 28-bit halves summed apart (each exact below 2^25 rows) as one decimal sum. */
export function joinHalves(high: number, low: number): string {
  return String(BigInt(high) * BigInt(TWO_28) + BigInt(low));
}

// Column sums over one batch: a batch's folds (below 2^52, at most 4,096 of them) summed in two
// doubles, high and low 24 bits apart, stay exact; the BigInt is made once per batch.

type Sum = [count: number, sum: bigint];

function sumIntegers(
  values: Int32Array | Int16Array | Uint8Array | Float64Array,
  rowCount: number,
  nulls: Uint8Array | null,
  kept: Uint8Array | null,
): Sum {
  let count = 0, high = 0, low = 0;
  for (let r = 0; r < rowCount; r++) {
    if ((nulls !== null && nulls[r] === 1) || (kept !== null && kept[r] === 0)) continue;
    const v = values[r];
    const h = Math.floor(v / TWO_24);
    high += h;
    low += v - h * TWO_24;
    count++;
  }
  return [count, BigInt(high) * BigInt(TWO_24) + BigInt(low)];
}

function sumDoubles(
  values: Float64Array,
  rowCount: number,
  nulls: Uint8Array | null,
  kept: Uint8Array | null,
): Sum {
  let count = 0, high = 0, low = 0;
  for (let r = 0; r < rowCount; r++) {
    if ((nulls !== null && nulls[r] === 1) || (kept !== null && kept[r] === 0)) continue;
    const v = foldDouble(values[r]);
    const h = Math.floor(v / TWO_24);
    high += h;
    low += v - h * TWO_24;
    count++;
  }
  return [count, BigInt(high) * BigInt(TWO_24) + BigInt(low)];
}

function sumLengths(
  offsets: Int32Array,
  rowCount: number,
  nulls: Uint8Array | null,
  kept: Uint8Array | null,
): Sum {
  let count = 0, sum = 0;
  for (let r = 0; r < rowCount; r++) {
    if ((nulls !== null && nulls[r] === 1) || (kept !== null && kept[r] === 0)) continue;
    sum += offsets[r + 1] - offsets[r];
    count++;
  }
  return [count, BigInt(sum)];
}

/** "0000" .. "9999", four ASCII bytes each. */
const QUADS = (() => {
  const quads = new Uint8Array(40_000);
  for (let i = 0; i < 10_000; i++) {
    const digits = String(i).padStart(4, "0");
    for (let d = 0; d < 4; d++) quads[4 * i + d] = digits.charCodeAt(d);
  }
  return quads;
})();

/** Writes the safe integer `v` in decimal at `p`; returns where it ends. */
function writeInteger(out: Uint8Array, p: number, v: number): number {
  if (v < 0) {
    out[p++] = 0x2d;
    v = -v;
  }
  // Four-digit groups, most significant first; the first without its leading zeros.
  let groups = 1;
  let scale = 1;
  while (v >= scale * 10_000) {
    scale *= 10_000;
    groups++;
  }
  let head = Math.floor(v / scale);
  v -= head * scale;
  const from = head < 10 ? 3 : head < 100 ? 2 : head < 1000 ? 1 : 0;
  for (let d = from; d < 4; d++) out[p++] = QUADS[4 * head + d];
  for (let g = 1; g < groups; g++) {
    scale /= 10_000;
    head = Math.floor(v / scale);
    v -= head * scale;
    const q = 4 * head;
    out[p] = QUADS[q];
    out[p + 1] = QUADS[q + 1];
    out[p + 2] = QUADS[q + 2];
    out[p + 3] = QUADS[q + 3];
    p += 4;
  }
  return p;
}
