/**
 * The model's side of the fingerprint (fingerprint.ts defines it): generated rows folded, summed
 * and hashed exactly as the server's statement does, batch by batch.
 */
import {
  type Fingerprint,
  foldDouble,
  NULL_BYTE,
  residueOf,
  SEPARATOR,
  weightOf,
} from "./fingerprint.ts";
import { MD5_ROOM, Md5Buffer, md5High28, md5Low28 } from "./md5.ts";
import type { RowBatch, TextColumn } from "../workload/row_batch.ts";
import type { Shape } from "../workload/table_shapes.ts";

const TWO_16 = 65_536;
const TWO_24 = 16_777_216;
const TWO_28 = 268_435_456;
const TWO_32 = 4_294_967_296;

/** Column c of row r folded to an integer (TEXT: its byte length); null for NULL. */
export function foldAt(batch: RowBatch, c: number, r: number): number | null {
  if (batch.nulls[c]?.[r]) return null;
  const values = batch.values[c];
  if ("offsets" in values) return values.offsets[r + 1] - values.offsets[r];
  const v = values[r];
  return batch.shape.columns[c].type === "DOUBLE PRECISION" ? foldDouble(v) : v;
}

/**
 * A sum of row hashes in parts, each summed in a double: the md5's two 28-bit halves, and the
 * weighted residues' products of 16-bit halves (high × high, the two crossed, low × low). A row
 * adds below 2^37 to each, so the parts of a batch of 4,096 rows stay exact.
 */
class HashParts {
  md5Low = 0;
  md5High = 0;
  high = 0;
  middle = 0;
  low = 0;

  /** The sum the parts make, and the parts set back to 0. */
  take(): bigint {
    const sum = BigInt(this.md5High) * BigInt(TWO_28) + BigInt(this.md5Low) +
      BigInt(this.high) * BigInt(TWO_32) + BigInt(this.middle) * BigInt(TWO_16) +
      BigInt(this.low);
    this.md5Low =
      this.md5High =
      this.high =
      this.middle =
      this.low =
        0;
    return sum;
  }
}

/** Sums fingerprints of generated rows, batch by batch. */
export class FingerprintSum {
  readonly shape: Shape;
  rows = 0;
  readonly nonNull: number[];
  readonly #sums: bigint[];
  #rowHash: bigint;
  readonly #parts = new HashParts();
  /** TEXT columns (in the md5) and the others (weighted). */
  readonly #textColumns: number[];
  readonly #weightedColumns: number[];
  /** The row text being hashed; grown when a row needs more. */
  #text = new Md5Buffer(1024);
  /** The weights of the batch's rows, split at 16 bits. */
  #weightHigh = new Float64Array(0);
  #weightLow = new Float64Array(0);

  /** A sum of nothing, or (`from`) one that goes on from an earlier fingerprint of `shape`. */
  constructor(shape: Shape, from?: Fingerprint) {
    this.shape = shape;
    const indices = shape.columns.map((_, c) => c);
    this.#textColumns = indices.filter((c) => shape.columns[c].type === "TEXT");
    this.#weightedColumns = indices.filter((c) => shape.columns[c].type !== "TEXT");
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
    this.#weigh(batch);
    this.#addWeighted(batch, 0, batch.rowCount, kept);
    for (let r = 0; r < batch.rowCount; r++) {
      if (kept && kept[r] === 0) continue;
      this.rows++;
      this.#addMd5(batch, r);
    }
    this.#rowHash += this.#parts.take();
  }

  /**
   * Calls `visit(r, hash)` with the hash of each row r of `batch` with `keep(id)` (without
   * changing this sum): for per-group hashes.
   */
  hashRows(
    batch: RowBatch,
    visit: (r: number, hash: bigint) => void,
    keep: (id: number) => boolean,
  ): void {
    const ids = batch.values[0] as Int32Array;
    this.#weigh(batch);
    for (let r = 0; r < batch.rowCount; r++) {
      if (!keep(ids[r])) continue;
      this.#addWeighted(batch, r, r + 1, null);
      this.#addMd5(batch, r);
      visit(r, this.#parts.take());
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

  /** Sets the weights of `batch`'s rows. */
  #weigh(batch: RowBatch): void {
    if (this.#weightHigh.length < batch.rowCount) {
      this.#weightHigh = new Float64Array(batch.rowCount);
      this.#weightLow = new Float64Array(batch.rowCount);
    }
    const ids = batch.values[0] as Int32Array;
    const high = this.#weightHigh, low = this.#weightLow;
    for (let r = 0; r < batch.rowCount; r++) {
      const weight = weightOf(ids[r]);
      high[r] = Math.floor(weight / TWO_16);
      low[r] = weight - high[r] * TWO_16;
    }
  }

  /** Adds the weighted residues of rows `from` .. `to` (those `kept`) to the parts. */
  #addWeighted(batch: RowBatch, from: number, to: number, kept: Uint8Array | null): void {
    for (const c of this.#weightedColumns) {
      weightedResidues(
        batch.values[c] as Float64Array,
        batch.shape.columns[c].type === "DOUBLE PRECISION",
        batch.nulls[c],
        kept,
        this.#weightHigh,
        this.#weightLow,
        from,
        to,
        this.#parts,
      );
    }
  }

  /** Adds the md5 of row r's text (its id and TEXT values) to the parts. */
  #addMd5(batch: RowBatch, r: number): void {
    let text = this.#text.bytes;
    let p = writeInteger(text, 0, (batch.values[0] as Int32Array)[r]);
    for (const c of this.#textColumns) {
      const { bytes, offsets } = batch.values[c] as TextColumn;
      const isNull = batch.nulls[c]?.[r] === 1;
      const length = isNull ? 1 : offsets[r + 1] - offsets[r];
      if (p + 1 + length + MD5_ROOM > text.length) text = this.#grow(p + 1 + length);
      text[p++] = SEPARATOR;
      if (isNull) text[p++] = NULL_BYTE;
      else for (let i = offsets[r]; i < offsets[r + 1]; i++) text[p++] = bytes[i];
    }
    this.#parts.md5Low += md5Low28(this.#text, p);
    this.#parts.md5High += md5High28();
  }

  #grow(size: number): Uint8Array {
    const bigger = new Md5Buffer(Math.max(size, this.#text.bytes.length * 2));
    bigger.bytes.set(this.#text.bytes);
    this.#text = bigger;
    return bigger.bytes;
  }
}

/** Adds column values' residues times their rows' weights, rows `from` .. `to`, to `parts`. */
function weightedResidues(
  values: Float64Array,
  isDouble: boolean,
  nulls: Uint8Array | null,
  kept: Uint8Array | null,
  weightHigh: Float64Array,
  weightLow: Float64Array,
  from: number,
  to: number,
  parts: HashParts,
): void {
  let high = 0, middle = 0, low = 0;
  for (let r = from; r < to; r++) {
    if ((nulls !== null && nulls[r] === 1) || (kept !== null && kept[r] === 0)) continue;
    const residue = residueOf(isDouble ? foldDouble(values[r]) : values[r]);
    const residueHigh = Math.floor(residue / TWO_16);
    const residueLow = residue - residueHigh * TWO_16;
    high += residueHigh * weightHigh[r];
    middle += residueHigh * weightLow[r] + residueLow * weightHigh[r];
    low += residueLow * weightLow[r];
  }
  parts.high += high;
  parts.middle += middle;
  parts.low += low;
}

/** The row hash of row r of `batch` alone. */
export function rowHashOf(batch: RowBatch, r: number): string {
  let hash = "";
  new FingerprintSum(batch.shape).hashRows(batch, (row, rowHash) => {
    if (row === r) hash = String(rowHash);
  }, (id) => id === (batch.values[0] as Int32Array)[r]);
  return hash;
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
