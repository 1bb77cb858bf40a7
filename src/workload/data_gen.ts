/**
 * Generated rows. Each batch takes one seed from the caller's Rng; every column then draws from
 * its own two random streams (values and NULLs), so the rows can be written column by column
 * into typed arrays or row by row straight into a wire format, and are the same rows either way.
 * A generated batch fills its arrays only when they are read: an encoder that writes rows from
 * the batch's recipe (`recipeOf`) never needs them.
 */
import type { ColumnValues, RowBatch, TextColumn } from "./row_batch.ts";
import { draw, type Rng, seedStreams } from "./rng.ts";
import type { Column, Shape } from "./table_shapes.ts";

/** How a column's values are drawn, decided by its type and name. */
export const KIND = {
  ID: 0,
  INT: 1,
  SMALLINT: 2,
  BOOL: 3,
  BIGINT: 4,
  TIMESTAMP: 5,
  DOUBLE: 6,
  NAME: 7,
  CATEGORY: 8,
  REF: 9,
  WORDS: 10,
} as const;

/** Most bytes of one value of each text kind (NAME: `name_` and an INT's digits). */
export const MAX_TEXT_BYTES: Readonly<Record<number, number>> = {
  [KIND.NAME]: 16,
  [KIND.CATEGORY]: 7,
  [KIND.REF]: 8,
  [KIND.WORDS]: 59,
};
/** A text writer may touch up to this many bytes from where it starts (whole-slot copies). */
export const TEXT_SCRATCH = 64;

const INV_2_32 = 1 / 4294967296;
const TWO_32 = 4294967296;
/** Share of NULLs in nullable columns. */
const NULL_RATE = 0.05;
const LOG_NOT_NULL = Math.log(1 - NULL_RATE);
/** A 32-bit draw times this is a number of cents below 10^8. */
const CENTS = 1e8 / 4294967296;
/** 2020-01-01 .. 2027-01-01 in µs. */
const TS_SPAN_US = 220_838_400_000_000;

// ---- Draws: a 32-bit draw to a column's value. Both the array fill and direct encoders use
// these, so each distribution has one owner.

/** Column c's value stream; its NULL stream is the next one. */
export function valueStream(c: number): number {
  return 2 * c;
}

/** Rows before the next NULL (stream `i`): geometric, so a NULL costs a draw, not every row. */
export function nullGap(streams: Int32Array, i: number): number {
  return (Math.log((draw(streams, i) + 1) * INV_2_32) / LOG_NOT_NULL) | 0;
}

/** An INT other than the id: -1000 .. 100000. */
export function intValue(u: number): number {
  return -1000 + ((u * INV_2_32 * 101_001) | 0);
}

/** A SMALLINT: 1 .. 5. */
export function smallintValue(u: number): number {
  return 1 + ((u * INV_2_32 * 5) | 0);
}

/** A BOOL as 0 or 1. */
export function boolValue(u: number): number {
  return u >>> 31;
}

/** The high 32 bits of a BIGINT, -2^20 .. 2^20 - 1; a second draw is its low 32 bits. */
export function bigintHigh(u: number): number {
  return (u >>> 11) - 1_048_576;
}

/** The first TIMESTAMP, 2020-01-01, in µs since the Unix epoch. */
export const TS_FROM_US = 1_577_836_800_000_000;

/** A TIMESTAMP as µs after TS_FROM_US: up to 2027. */
export function timestampOffset(u: number): number {
  return Math.floor(u * INV_2_32 * TS_SPAN_US);
}

/** A DOUBLE PRECISION: 0 .. 999999.99 in cents. */
export function doubleValue(u: number): number {
  // (x + 0.5) | 0, not Math.round: V8 compiles it to a few instructions.
  return ((u * CENTS + 0.5) | 0) / 100;
}

// ---- Text: pre-encoded strings in fixed slots, copied as a fixed run of 4-byte writes, so no
// loop's length varies from row to row. Each writer writes at `pos`, returns where the value
// ends, and may leave scratch bytes after it (up to TEXT_SCRATCH from `pos`), which whatever is
// written next overwrites.

/** Strings in slots of `stride` 4-byte words. */
interface SlotPool {
  words: Int32Array;
  lengths: Uint8Array;
}

function slotPool(strings: string[], stride: number): SlotPool {
  const words = new Int32Array(strings.length * stride);
  const bytes = new Uint8Array(words.buffer);
  const lengths = new Uint8Array(strings.length);
  strings.forEach((s, i) => {
    const encoded = new TextEncoder().encode(s);
    if (encoded.length > stride * 4) throw new RangeError(`"${s}" does not fit a slot`);
    bytes.set(encoded, i * stride * 4);
    lengths[i] = encoded.length;
  });
  return { words, lengths };
}

const WORDS = ["stress", "hyper", "table", "query", "insert", "value", "random", "load"]
  .concat(["café", "größe", "データ", "naïve"]);
const CATEGORIES = slotPool(
  ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"],
  2,
);
/**
 * Every phrase of 1, 2 and 3 words, in 32-byte slots: a text of k uniform words (k = 1..6) is
 * one phrase or two joined by a space, the same distribution as k separate word picks.
 */
const PHRASES = (() => {
  const two = WORDS.flatMap((a) => WORDS.map((b) => `${a} ${b}`));
  const three = two.flatMap((a) => WORDS.map((b) => `${a} ${b}`));
  return slotPool([...WORDS, ...two, ...three], 8);
})();
// Integer tables (typed arrays keep the index arithmetic in integers).
/** First phrase index and phrase count of each phrase length 1..3. */
const PHRASE_FROM = Int32Array.of(0, 0, WORDS.length, WORDS.length + WORDS.length ** 2);
const PHRASE_COUNT = Int32Array.of(0, WORDS.length, WORDS.length ** 2, WORDS.length ** 3);
/** By word count - 1: the phrase lengths that make it, 0 for no second phrase. */
const FIRST_PHRASE = Int32Array.of(1, 2, 3, 2, 2, 3);
const SECOND_PHRASE = Int32Array.of(0, 0, 0, 2, 3, 3);
const SPACE = 0x20;

const BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** 0 .. 1295 as two zero-padded base-36 digits, and as one or two without padding. */
const PADDED_PAIRS = slotPool(
  Array.from({ length: 1296 }, (_, i) => BASE36[Math.floor(i / 36)] + BASE36[i % 36]),
  1,
);
const PLAIN_PAIRS = slotPool(
  Array.from({ length: 1296 }, (_, i) => i.toString(36).toUpperCase()),
  1,
);
const REF_PREFIX = 0x2d464552; // "REF-" read as a little-endian int32

function copy8(out: DataView, pos: number, pool: Int32Array, slot: number): void {
  const from = slot * 8;
  out.setInt32(pos, pool[from], true);
  out.setInt32(pos + 4, pool[from + 1], true);
  out.setInt32(pos + 8, pool[from + 2], true);
  out.setInt32(pos + 12, pool[from + 3], true);
  out.setInt32(pos + 16, pool[from + 4], true);
  out.setInt32(pos + 20, pool[from + 5], true);
  out.setInt32(pos + 24, pool[from + 6], true);
  out.setInt32(pos + 28, pool[from + 7], true);
}

/** 1 to 6 uniform words joined by spaces: one draw, and a second for 4 words or more. */
export function writeWords(out: DataView, pos: number, streams: Int32Array, i: number): number {
  // The draw picks the word count; what is left of it picks the first phrase.
  const six = draw(streams, i) * INV_2_32 * 6;
  const count = six | 0;
  const first = FIRST_PHRASE[count];
  let pick = PHRASE_FROM[first] + (((six - count) * PHRASE_COUNT[first]) | 0);
  copy8(out, pos, PHRASES.words, pick);
  pos += PHRASES.lengths[pick];
  const second = SECOND_PHRASE[count];
  if (second === 0) return pos;
  pick = PHRASE_FROM[second] + ((draw(streams, i) * INV_2_32 * PHRASE_COUNT[second]) | 0);
  out.setUint8(pos, SPACE);
  copy8(out, pos + 1, PHRASES.words, pick);
  return pos + 1 + PHRASES.lengths[pick];
}

/** One of eight category names. */
export function writeCategory(out: DataView, pos: number, streams: Int32Array, i: number): number {
  const pick = (draw(streams, i) * INV_2_32 * 8) | 0;
  out.setInt32(pos, CATEGORIES.words[2 * pick], true);
  out.setInt32(pos + 4, CATEGORIES.words[2 * pick + 1], true);
  return pos + CATEGORIES.lengths[pick];
}

/** `REF-` and 0 .. 999999 in base 36, upper case, no leading zeros. */
export function writeRef(out: DataView, pos: number, streams: Int32Array, i: number): number {
  const value = (draw(streams, i) * INV_2_32 * 1_000_000) | 0;
  const high = (value / 1296) | 0;
  const low = value - high * 1296;
  out.setInt32(pos, REF_PREFIX, true);
  if (high === 0) {
    out.setInt32(pos + 4, PLAIN_PAIRS.words[low], true);
    return pos + 4 + PLAIN_PAIRS.lengths[low];
  }
  out.setInt32(pos + 4, PLAIN_PAIRS.words[high], true);
  pos += 4 + PLAIN_PAIRS.lengths[high];
  out.setInt32(pos, PADDED_PAIRS.words[low], true);
  return pos + 2;
}

const NINE = 0x39;

/** `name_<id>` for rising ids: the digits are counted up in place, not formatted per row. */
export class NameLabel {
  readonly #words = new Int32Array(4);
  readonly #bytes = new Uint8Array(this.#words.buffer);
  #length = 0;
  #id = -1;

  /** Writes `name_<id>` at `pos`; returns where it ends. */
  write(out: DataView, pos: number, id: number): number {
    if (id !== this.#id) this.#moveTo(id);
    if (id < 0) return writeAscii(out, pos, `name_${id}`); // no sign to count up
    const words = this.#words;
    out.setInt32(pos, words[0], true);
    out.setInt32(pos + 4, words[1], true);
    out.setInt32(pos + 8, words[2], true);
    out.setInt32(pos + 12, words[3], true);
    return pos + this.#length;
  }

  #moveTo(id: number): void {
    const bytes = this.#bytes;
    const last = this.#length - 1;
    if (id === this.#id + 1 && id > 0 && bytes[last] !== NINE) bytes[last]++;
    else {
      const text = `name_${id}`;
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      this.#length = text.length;
    }
    this.#id = id;
  }
}

function writeAscii(out: DataView, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) out.setUint8(pos + i, text.charCodeAt(i));
  return pos + text.length;
}

// ---- Batches.

/** What a generated batch is made of: enough for an encoder to write its rows directly. */
export interface RowRecipe {
  shape: Shape;
  rowCount: number;
  firstId: number;
  /** KIND of each column. */
  kinds: readonly number[];
  /**
   * The random streams at the batch's first row, fresh for each recipe: column c draws its
   * values from `valueStream(c)` and its NULLs from the stream after it.
   */
  streams: Int32Array;
}

const kindsByShape = new Map<Shape, number[]>();

function kindOf(column: Column): number {
  switch (column.type) {
    case "INT":
      return column.name === "id" ? KIND.ID : KIND.INT;
    case "SMALLINT":
      return KIND.SMALLINT;
    case "BOOL":
      return KIND.BOOL;
    case "BIGINT":
      return KIND.BIGINT;
    case "TIMESTAMP":
      return KIND.TIMESTAMP;
    case "DOUBLE PRECISION":
      return KIND.DOUBLE;
    case "TEXT":
      return column.name === "name"
        ? KIND.NAME
        : column.name === "category"
        ? KIND.CATEGORY
        : column.name === "ref_code"
        ? KIND.REF
        : KIND.WORDS;
  }
}

/** The KIND of each column of `shape`. */
export function kindsOf(shape: Shape): readonly number[] {
  let kinds = kindsByShape.get(shape);
  if (!kinds) {
    kinds = shape.columns.map(kindOf);
    kindsByShape.set(shape, kinds);
  }
  return kinds;
}

/** For each reused batch, the generated batch that may write into its arrays. */
const latestInto = new WeakMap<RowBatch, GeneratedBatch>();

/** Rows that exist as a seed until their arrays are read. */
class GeneratedBatch implements RowBatch {
  readonly shape: Shape;
  readonly rowCount: number;
  readonly firstId: number;
  readonly seed: number;
  readonly #reuse: RowBatch | undefined;
  #values: ColumnValues[] | null = null;
  #nulls: (Uint8Array | null)[] | null = null;

  constructor(shape: Shape, rowCount: number, seed: number, firstId: number, reuse?: RowBatch) {
    this.shape = shape;
    this.rowCount = rowCount;
    this.seed = seed;
    this.firstId = firstId;
    this.#reuse = reuse;
  }

  get values(): ColumnValues[] {
    return this.#values ?? this.#fill().values;
  }

  get nulls(): (Uint8Array | null)[] {
    return this.#nulls ?? this.#fill().nulls;
  }

  /** True once the arrays exist (they may have been changed since). */
  get filled(): boolean {
    return this.#values !== null;
  }

  #fill(): { values: ColumnValues[]; nulls: (Uint8Array | null)[] } {
    // Into the reused arrays only while no later batch took them over.
    const into = this.#reuse && latestInto.get(this.#reuse) === this ? this.#reuse : undefined;
    const { shape, rowCount } = this;
    const recipe = recipeFor(this);
    const nulls = into?.nulls ??
      shape.columns.map((c) => (c.nullable ? new Uint8Array(rowCount) : null));
    const values = recipe.kinds.map((kind, c) => {
      const flags = nulls[c];
      if (flags) fillNulls(flags, rowCount, recipe.streams, valueStream(c) + 1);
      const column = fillColumn(kind, recipe, c, flags, into?.values[c]);
      if (into) into.values[c] = column; // a text column may have grown
      return column;
    });
    this.#values = values;
    this.#nulls = nulls;
    return { values, nulls };
  }
}

function recipeFor(batch: GeneratedBatch): RowRecipe {
  const kinds = kindsOf(batch.shape);
  return {
    shape: batch.shape,
    rowCount: batch.rowCount,
    firstId: batch.firstId,
    kinds,
    streams: seedStreams(batch.seed, 2 * kinds.length),
  };
}

/**
 * Rows with ids `firstId`, `firstId + 1`, ... and every other value drawn from one seed taken
 * from `rng`. With `reuse` (an earlier batch of the same shape with room for `rowCount` rows)
 * the arrays, once read, are filled in its arrays instead of new ones, so a stream of batches
 * makes no garbage; a text column that needs more room is replaced in `reuse`. A batch filled
 * into `reuse` is valid until the next batch is generated into it.
 */
export function generateBatch(
  shape: Shape,
  rowCount: number,
  rng: Rng,
  firstId = 1,
  reuse?: RowBatch,
): RowBatch {
  const fits = reuse?.shape === shape && capacity(reuse) >= rowCount;
  const batch = new GeneratedBatch(
    shape,
    rowCount,
    rng.uint32(),
    firstId,
    fits ? reuse : undefined,
  );
  if (fits) latestInto.set(reuse!, batch);
  return batch;
}

/** The batch's recipe while its arrays have not been read, else null (use the arrays). */
export function recipeOf(batch: RowBatch): RowRecipe | null {
  return batch instanceof GeneratedBatch && !batch.filled ? recipeFor(batch) : null;
}

/** How many rows a batch's arrays can hold. */
function capacity(batch: RowBatch): number {
  const first = batch.values[0];
  return "offsets" in first ? first.offsets.length - 1 : first.length;
}

/** Marks each row NULL with probability NULL_RATE, drawing only the gaps between NULLs. */
function fillNulls(flags: Uint8Array, rowCount: number, streams: Int32Array, i: number): void {
  flags.fill(0, 0, rowCount);
  for (let r = nullGap(streams, i); r < rowCount; r += 1 + nullGap(streams, i)) flags[r] = 1;
}

// Column fills: one loop per kind over one array type, so V8 keeps each monomorphic. A NULL draws
// no value (its slot keeps whatever was there), exactly as the direct encoders do.

function fillColumn(
  kind: number,
  recipe: RowRecipe,
  c: number,
  nulls: Uint8Array | null,
  reuse: ColumnValues | undefined,
): ColumnValues {
  const { rowCount, firstId, streams } = recipe;
  const i = valueStream(c);
  switch (kind) {
    case KIND.ID:
      return fillIds((reuse as Int32Array) ?? new Int32Array(rowCount), rowCount, firstId);
    case KIND.INT:
      return fillInts(
        (reuse as Int32Array) ?? new Int32Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.SMALLINT:
      return fillSmallInts(
        (reuse as Int16Array) ?? new Int16Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.BOOL:
      return fillBools(
        (reuse as Uint8Array) ?? new Uint8Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.BIGINT:
      return fillBigInts(
        (reuse as Float64Array) ?? new Float64Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.TIMESTAMP:
      return fillTimestamps(
        (reuse as Float64Array) ?? new Float64Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    case KIND.DOUBLE:
      return fillDoubles(
        (reuse as Float64Array) ?? new Float64Array(rowCount),
        rowCount,
        streams,
        i,
        nulls,
      );
    default:
      return fillText(kind, recipe, i, nulls, reuse as TextColumn | undefined);
  }
}

function fillIds(out: Int32Array, rowCount: number, firstId: number): Int32Array {
  for (let r = 0; r < rowCount; r++) out[r] = firstId + r;
  return out;
}

function fillInts(
  out: Int32Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Int32Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = intValue(draw(streams, i));
  }
  return out;
}

function fillSmallInts(
  out: Int16Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Int16Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = smallintValue(draw(streams, i));
  }
  return out;
}

function fillBools(
  out: Uint8Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Uint8Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = boolValue(draw(streams, i));
  }
  return out;
}

function fillBigInts(
  out: Float64Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Float64Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) {
      out[r] = bigintHigh(draw(streams, i)) * TWO_32 + draw(streams, i);
    }
  }
  return out;
}

function fillTimestamps(
  out: Float64Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Float64Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = TS_FROM_US + timestampOffset(draw(streams, i));
  }
  return out;
}

function fillDoubles(
  out: Float64Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): Float64Array {
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) out[r] = doubleValue(draw(streams, i));
  }
  return out;
}

/** A text column: the values back to back, nothing for a NULL. */
function fillText(
  kind: number,
  recipe: RowRecipe,
  i: number,
  nulls: Uint8Array | null,
  reuse: TextColumn | undefined,
): TextColumn {
  const { rowCount, streams } = recipe;
  const needed = rowCount * MAX_TEXT_BYTES[kind] + TEXT_SCRATCH;
  const offsets = reuse && reuse.offsets.length > rowCount
    ? reuse.offsets
    : new Int32Array(rowCount + 1);
  const bytes = reuse && reuse.bytes.buffer.byteLength >= needed
    ? new Uint8Array(reuse.bytes.buffer)
    : new Uint8Array(needed);
  const out = new DataView(bytes.buffer);
  let end = 0;
  if (kind === KIND.NAME) end = fillNames(out, offsets, rowCount, recipe.firstId, nulls);
  else if (kind === KIND.CATEGORY) end = fillCategories(out, offsets, rowCount, streams, i, nulls);
  else if (kind === KIND.REF) end = fillRefs(out, offsets, rowCount, streams, i, nulls);
  else end = fillWords(out, offsets, rowCount, streams, i, nulls);
  return { bytes: bytes.subarray(0, end), offsets };
}

// One loop per text kind; each returns where the column's bytes end.

function fillNames(
  out: DataView,
  offsets: Int32Array,
  rowCount: number,
  firstId: number,
  nulls: Uint8Array | null,
): number {
  const label = new NameLabel();
  let pos = 0;
  offsets[0] = 0;
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) pos = label.write(out, pos, firstId + r);
    offsets[r + 1] = pos;
  }
  return pos;
}

function fillCategories(
  out: DataView,
  offsets: Int32Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): number {
  let pos = 0;
  offsets[0] = 0;
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) pos = writeCategory(out, pos, streams, i);
    offsets[r + 1] = pos;
  }
  return pos;
}

function fillRefs(
  out: DataView,
  offsets: Int32Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): number {
  let pos = 0;
  offsets[0] = 0;
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) pos = writeRef(out, pos, streams, i);
    offsets[r + 1] = pos;
  }
  return pos;
}

function fillWords(
  out: DataView,
  offsets: Int32Array,
  rowCount: number,
  streams: Int32Array,
  i: number,
  nulls: Uint8Array | null,
): number {
  let pos = 0;
  offsets[0] = 0;
  for (let r = 0; r < rowCount; r++) {
    if (nulls === null || nulls[r] === 0) pos = writeWords(out, pos, streams, i);
    offsets[r + 1] = pos;
  }
  return pos;
}
