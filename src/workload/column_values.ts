/**
 * The values of generated columns: how each kind of column draws a value from its own random
 * stream, and how text values are written as bytes (pre-encoded words and digit groups).
 */
import { draw } from "./rng.ts";
import type { Shape } from "./table_shapes.ts";

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
export const TWO_32 = 4294967296;
/** Share of NULLs in nullable columns. */
export const NULL_RATE = 0.05;
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
  const encoder = new TextEncoder();
  strings.forEach((s, i) => {
    const slot = bytes.subarray(i * stride * 4, (i + 1) * stride * 4);
    const { read, written } = encoder.encodeInto(s, slot);
    if (read < s.length) throw new RangeError(`"${s}" does not fit a slot`);
    lengths[i] = written;
  });
  return { words, lengths };
}

export const WORDS = ["stress", "hyper", "table", "query", "insert", "value", "random", "load"]
  .concat(["café", "größe", "データ", "naïve"]);
const CATEGORIES = slotPool(
  ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"],
  2,
);
/** Every phrase of 1, 2 and 3 words. */
const PHRASE_TEXTS = (() => {
  const two = WORDS.flatMap((a) => WORDS.map((b) => `${a} ${b}`));
  const three = two.flatMap((a) => WORDS.map((b) => `${a} ${b}`));
  return [...WORDS, ...two, ...three];
})();
/**
 * An empty slot, then the phrases, in 32-byte slots (60 KB): a text of k uniform words (k = 1..6)
 * is one phrase, or two joined by a space, the same distribution as k separate word picks.
 */
const PHRASES = slotPool(["", ...PHRASE_TEXTS], 8);
/** The phrase slots as doubles, for copyPhrase. UTF-8 text never has a NaN's exponent bits. */
const PHRASE_DOUBLES = (() => {
  const doubles = new Float64Array(PHRASES.words.buffer);
  if (doubles.some(Number.isNaN)) throw new Error("a phrase slot holds a NaN pattern");
  return doubles;
})();
// Integer tables (typed arrays keep the index arithmetic in integers).
/** First slot and phrase count of each phrase length 1..3; length 0 is the empty slot. */
const PHRASE_FROM = Int32Array.of(0, 1, 1 + WORDS.length, 1 + WORDS.length + WORDS.length ** 2);
const PHRASE_COUNT = Int32Array.of(0, WORDS.length, WORDS.length ** 2, WORDS.length ** 3);
/** By phrase length: bytes of the space before a second phrase of it (none before none). */
const SPACE_BYTES = Int32Array.of(0, 1, 1, 1);
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

/**
 * Copies a 32-byte phrase slot as four doubles: half the stores of 4-byte words. The bits
 * survive because no slot holds a NaN pattern (checked when the pool is built).
 */
function copyPhrase(out: DataView, pos: number, slot: number): void {
  const from = slot * 4;
  const pool = PHRASE_DOUBLES;
  out.setFloat64(pos, pool[from], true);
  out.setFloat64(pos + 8, pool[from + 1], true);
  out.setFloat64(pos + 16, pool[from + 2], true);
  out.setFloat64(pos + 24, pool[from + 3], true);
}

/**
 * 1 to 6 uniform words joined by spaces. The first draw `u` picks the word count and, with what
 * is left of it, the first phrase; the second draw `u2` the second phrase, when there is one.
 * Without one, a space and the empty slot are written as scratch: no branch the CPU would
 * mispredict every other text. One pool serves both phrases.
 */
export function writeWords(out: DataView, pos: number, u: number, u2: number): number {
  const six = u * INV_2_32 * 6;
  const count = six | 0;
  const first = FIRST_PHRASE[count];
  const pick = PHRASE_FROM[first] + (((six - count) * PHRASE_COUNT[first]) | 0);
  copyPhrase(out, pos, pick);
  pos += PHRASES.lengths[pick];
  const second = SECOND_PHRASE[count];
  const pick2 = PHRASE_FROM[second] + ((u2 * INV_2_32 * PHRASE_COUNT[second]) | 0);
  out.setUint8(pos, SPACE);
  copyPhrase(out, pos + 1, pick2);
  return pos + SPACE_BYTES[second] + PHRASES.lengths[pick2];
}

/** One of eight category names, picked by the draw `u`. */
export function writeCategory(out: DataView, pos: number, u: number): number {
  const pick = (u * INV_2_32 * 8) | 0;
  out.setInt32(pos, CATEGORIES.words[2 * pick], true);
  out.setInt32(pos + 4, CATEGORIES.words[2 * pick + 1], true);
  return pos + CATEGORIES.lengths[pick];
}

/** `REF-` and 0 .. 999999 (picked by the draw `u`) in base 36, upper case, no leading zeros. */
export function writeRef(out: DataView, pos: number, u: number): number {
  const value = (u * INV_2_32 * 1_000_000) | 0;
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

/** 0 .. 9999 as four zero-padded digits, and as one to four without padding. */
const PADDED_QUADS = slotPool(
  Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, "0")),
  1,
);
const PLAIN_QUADS = slotPool(Array.from({ length: 10_000 }, (_, i) => String(i)), 1);
const NAME_ = 0x656d616e; // "name" read as a little-endian int32; `_` follows
const UNDERSCORE = 0x5f;

/**
 * `name_<id>`: the id's last four digits come from a table, what precedes them is kept as
 * words and formatted anew only when it changes (every 10,000 ids). Counting the digits up byte
 * by byte, formatting them anew at every carry, had cost a medium row 6 ns more (measured).
 */
export class NameLabel {
  /** `name_` and the digits above the last four, as little-endian words. */
  readonly #head = new Int32Array(3);
  #headBytes = 0;
  #high = -1;

  /** Writes `name_<id>` at `pos`; returns where it ends. */
  write(out: DataView, pos: number, id: number): number {
    if (id < 10_000) {
      if (id < 0) return writeAscii(out, pos, `name_${id}`);
      out.setInt32(pos, NAME_, true);
      out.setUint8(pos + 4, UNDERSCORE);
      out.setInt32(pos + 5, PLAIN_QUADS.words[id], true);
      return pos + 5 + PLAIN_QUADS.lengths[id];
    }
    const high = (id / 10_000) | 0;
    if (high !== this.#high) this.#setHigh(high);
    const head = this.#head;
    out.setInt32(pos, head[0], true);
    out.setInt32(pos + 4, head[1], true);
    out.setInt32(pos + 8, head[2], true);
    pos += this.#headBytes;
    out.setInt32(pos, PADDED_QUADS.words[id - high * 10_000], true);
    return pos + 4;
  }

  #setHigh(high: number): void {
    const text = `name_${high}`;
    const bytes = new Uint8Array(this.#head.buffer);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    this.#headBytes = text.length;
    this.#high = high;
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
