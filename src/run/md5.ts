/**
 * MD5 (RFC 1321) of bytes, reduced to the 56-bit integer that the integrity fingerprint's SQL
 * takes from Hyper's `md5()`: bytes 0..6 of the digest, little-endian. Written for the model's
 * side of the fingerprint, which hashes one short row text per generated row: node:crypto's
 * `createHash` costs a call into the runtime and an object per row, this costs neither.
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

const block = new Int32Array(16);
const tail = new Uint8Array(128);
const state = new Int32Array(4);

/**
 * The 64 steps of one block, unrolled into straight-line code with the constants inlined (built
 * once, as the row writers of hyper_binary_direct.ts are): twice as fast as the loop over tables.
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
  const words = Array.from({ length: 16 }, (_, i) => `w${i} = words[${i}]`).join(", ");
  const source = `const ${words}; ` +
    "let a = state[0], b = state[1], c = state[2], d = state[3], t = 0; " +
    steps.join("\n") +
    " state[0] = (state[0] + a) | 0; state[1] = (state[1] + b) | 0;" +
    " state[2] = (state[2] + c) | 0; state[3] = (state[3] + d) | 0;";
  return new Function("words", "state", source) as (words: Int32Array, s: Int32Array) => void;
})();

function loadWords(bytes: Uint8Array, at: number): void {
  for (let w = 0; w < 16; w++) {
    const p = at + 4 * w;
    block[w] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
  }
}

/** The digest's first four words (state after the last block) of `bytes[0, length)`. */
function digest(bytes: Uint8Array, length: number): Int32Array {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  const whole = length & ~63;
  for (let at = 0; at < whole; at += 64) {
    loadWords(bytes, at);
    compress(block, state);
  }
  const rest = length - whole;
  tail.fill(0);
  tail.set(bytes.subarray(whole, length));
  tail[rest] = 0x80;
  const tailLength = rest < 56 ? 64 : 128;
  const bits = length * 8;
  tail[tailLength - 8] = bits & 0xff;
  tail[tailLength - 7] = (bits >>> 8) & 0xff;
  tail[tailLength - 6] = (bits >>> 16) & 0xff;
  tail[tailLength - 5] = (bits >>> 24) & 0xff;
  tail[tailLength - 4] = Math.floor(bits / 2 ** 32) & 0xff;
  for (let at = 0; at < tailLength; at += 64) {
    loadWords(tail, at);
    compress(block, state);
  }
  return state;
}

/** The MD5 of `bytes[0, length)` as lower-case hex, as Hyper's `md5()` prints it. */
export function md5Hex(bytes: Uint8Array, length = bytes.length): string {
  const words = digest(bytes, length);
  let hex = "";
  for (let i = 0; i < 16; i++) {
    hex += ((words[i >> 2] >>> (8 * (i & 3))) & 0xff).toString(16).padStart(2, "0");
  }
  return hex;
}

/** Low 28 bits of the 56-bit row hash of `bytes[0, length)`; `md5High28` must follow at once. */
export function md5Low28(bytes: Uint8Array, length: number): number {
  const words = digest(bytes, length);
  // Digest bytes 0..3 are word 0, little-endian; byte 3's low nibble completes the 28 bits.
  return words[0] & 0x0fffffff;
}

/** High 28 bits (digest bytes 3.5..6) of the hash the last `md5Low28` call computed. */
export function md5High28(): number {
  const w0 = state[0], w1 = state[1];
  return ((w0 >>> 28) & 0xf) | ((w1 & 0xffffff) << 4);
}
