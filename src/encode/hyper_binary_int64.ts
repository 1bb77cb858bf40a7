/**
 * HyperBinary's 8-byte integers from JavaScript numbers, without BigInt: an int64 as two 32-bit
 * words, and the shift of a TIMESTAMP from the Unix epoch to Hyper's.
 */

/** 2^32, and its inverse: a multiplication by a power of two is exact. */
export const TWO_32 = 4294967296;
/** See TWO_32. */
export const INV_2_32 = 1 / TWO_32;
// Hyper timestamps count µs from the Julian day 0 epoch; the Unix epoch is Julian day 2440588.
const UNIX_EPOCH_US = 2440588n * 86_400_000_000n;
/** The Unix epoch in Hyper's µs, as the high and low 32 bits of an int64. */
export const EPOCH_HI = Number(UNIX_EPOCH_US / BigInt(TWO_32));
/** See EPOCH_HI. */
export const EPOCH_LO = Number(UNIX_EPOCH_US % BigInt(TWO_32));

/** Writes `value + (addHi * 2^32 + addLo)` as a little-endian int64, without BigInt. */
export function writeInt64(
  view: DataView,
  p: number,
  value: number,
  addHi: number,
  addLo: number,
): void {
  const hi = Math.floor(value * INV_2_32); // exact: a power of two, and no division
  let lo = value - hi * TWO_32 + addLo;
  const carry = lo >= TWO_32 ? 1 : 0;
  lo -= carry * TWO_32;
  view.setUint32(p, lo, true);
  view.setInt32(p + 4, hi + addHi + carry, true);
}
