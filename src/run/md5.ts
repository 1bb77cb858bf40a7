/**
 * MD5 (RFC 1321), reduced to the 56-bit integer that the integrity fingerprint's SQL takes from
 * Hyper's `md5()`: bytes 0..6 of the digest, little-endian. Written for the model's side of the
 * fingerprint, which hashes one short text per generated row: node:crypto's `createHash` costs a
 * call into the runtime and an object per row, this costs neither. The message is padded in
 * place and read as little-endian words straight from its buffer: copying the last block out
 * cost as much as compressing it.
 */

const S = Int32Array.from([7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]);
const K = Int32Array.from(
  { length: 64 },
  (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32),
);
/** Which message word step i reads. */
const G = Int32Array.from(
  { length: 64 },
  (_, i) => i < 16 ? i : i < 32 ? (5 * i + 1) % 16 : i < 48 ? (3 * i + 5) % 16 : (7 * i) % 16,
);

const state = new Int32Array(4);

/**
 * The 64 steps of one block at word `at`, unrolled into straight-line code with the constants
 * inlined (built once, as the row writers of hyper_binary_direct.ts are): twice as fast as the
 * loop over tables.
 */
const compress = (() => {
  const steps: string[] = [];
  const regs = ["a", "b", "c", "d"];
  for (let i = 0; i < 64; i++) {
    // Registers rotate instead of moving: step i writes what the loop calls a.
    const [a, b, c, d] = [0, 1, 2, 3].map((k) => regs[(k - i + 64) % 4]);
    const f = i < 16
      ? `((${b} & ${c}) | (~${b} & ${d}))`
      : i < 32
      ? `((${d} & ${b}) | (~${d} & ${c}))`
      : i < 48
      ? `(${b} ^ ${c} ^ ${d})`
      : `(${c} ^ (${b} | ~${d}))`;
    const s = S[(i >> 4) * 4 + (i & 3)];
    steps.push(
      `t = (${a} + ${f} + ${K[i] | 0} + w${G[i]}) | 0; ` +
        `${a} = (${b} + ((t << ${s}) | (t >>> ${32 - s}))) | 0;`,
    );
  }
  const words = Array.from({ length: 16 }, (_, i) => `w${i} = words[at + ${i}]`).join(", ");
  const source = `const ${words}; ` +
    "let a = state[0], b = state[1], c = state[2], d = state[3], t = 0; " +
    steps.join("\n") +
    " state[0] = (state[0] + a) | 0; state[1] = (state[1] + b) | 0;" +
    " state[2] = (state[2] + c) | 0; state[3] = (state[3] + d) | 0;";
  return new Function("words", "at", "state", source) as (
    words: Int32Array,
    at: number,
    s: Int32Array,
  ) => void;
})();

/** Bytes a message buffer needs after its message: the padding and the bit length. */
export const MD5_ROOM = 72;

/** A buffer for messages of up to `size` bytes, with its words (the platform is little-endian). */
export class Md5Buffer {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;

  constructor(size: number) {
    const words = new Int32Array(Math.ceil((size + MD5_ROOM) / 64) * 16);
    this.words = words;
    this.bytes = new Uint8Array(words.buffer);
  }
}

if (new Uint8Array(Int32Array.of(1).buffer)[0] !== 1) {
  throw new Error(
    "md5.ts reads message words in the platform's order, which must be little-endian",
  );
}

/** The digest's four words (the state after the last block) of `buffer`'s first `length` bytes. */
function digest(buffer: Md5Buffer, length: number): Int32Array {
  const { bytes, words } = buffer;
  const blocks = (length + 8) >>> 6;
  const end = (blocks + 1) * 64;
  // Pads in place: 0x80, zeros, the length in bits (below 2^32) in the last block's last 8 bytes.
  bytes[length] = 0x80;
  bytes.fill(0, length + 1, end - 8);
  words[(end >>> 2) - 2] = length * 8;
  words[(end >>> 2) - 1] = 0;
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  for (let at = 0; at < end >>> 2; at += 16) compress(words, at, state);
  return state;
}

/** The MD5 of `bytes` as lower-case hex, as Hyper's `md5()` prints it. */
export function md5Hex(bytes: Uint8Array): string {
  const buffer = new Md5Buffer(bytes.length);
  buffer.bytes.set(bytes);
  const words = digest(buffer, bytes.length);
  let hex = "";
  for (let i = 0; i < 16; i++) {
    hex += ((words[i >> 2] >>> (8 * (i & 3))) & 0xff).toString(16).padStart(2, "0");
  }
  return hex;
}

/**
 * Low 28 bits of the 56-bit hash of `buffer`'s first `length` bytes (it pads them in place);
 * `md5High28` must follow at once.
 */
export function md5Low28(buffer: Md5Buffer, length: number): number {
  const words = digest(buffer, length);
  // Digest bytes 0..3 are word 0, little-endian; byte 3's low nibble completes the 28 bits.
  return words[0] & 0x0fffffff;
}

/** High 28 bits (digest bytes 3.5..6) of the hash the last `md5Low28` call computed. */
export function md5High28(): number {
  const w0 = state[0], w1 = state[1];
  return ((w0 >>> 28) & 0xf) | ((w1 & 0xffffff) << 4);
}
