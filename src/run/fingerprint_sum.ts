/**
 * The model's side of the fingerprint (fingerprint.ts defines it): generated rows folded, summed
 * and hashed exactly as the server's statement does, batch by batch.
 */
import { type Fingerprint, foldDouble, NULL_BYTE, SEPARATOR } from "./fingerprint.ts";
import { md5High28, md5Low28 } from "./md5.ts";
import type { RowBatch, TextColumn } from "../workload/row_batch.ts";
import type { Shape } from "../workload/table_shapes.ts";

const TWO_24 = 16_777_216;
const TWO_28 = 268_435_456;
/** A column's form in the row text: an integer as is (0), a DOUBLE's fold, or text. */
const FORM_DOUBLE = 1;
const FORM_TEXT = 2;

/** Column c of row r folded to an integer (TEXT: its byte length); null for NULL. */
export function foldAt(batch: RowBatch, c: number, r: number): number | null {
  if (batch.nulls[c]?.[r]) return null;
  const values = batch.values[c];
  if ("offsets" in values) return values.offsets[r + 1] - values.offsets[r];
  const v = values[r];
  return batch.shape.columns[c].type === "DOUBLE PRECISION" ? foldDouble(v) : v;
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
