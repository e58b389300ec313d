/**
 * 64-bit perceptual hashes. Public type is `bigint` (exact, comparable, easy to persist as hex);
 * hot loops (the Hamming index) split it into two 32-bit halves instead.
 */
export type Hash64 = bigint;

const MASK32 = 0xffffffffn;
const MASK64 = 0xffffffffffffffffn;

/** Number of set bits in a 32-bit unsigned integer. */
export function popcount32(value: number): number {
  let v = value >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function hashHigh32(hash: Hash64): number {
  return Number((hash >> 32n) & MASK32);
}

export function hashLow32(hash: Hash64): number {
  return Number(hash & MASK32);
}

export function hammingDistance(a: Hash64, b: Hash64): number {
  const x = (a ^ b) & MASK64;
  return popcount32(Number(x >> 32n)) + popcount32(Number(x & MASK32));
}

/** Builds a hash from 64 booleans; bit 0 of the array becomes the most significant bit. */
export function hashFromBits(bits: ArrayLike<boolean | number>): Hash64 {
  if (bits.length !== 64) throw new RangeError(`expected 64 bits for a Hash64 but received ${bits.length}`);
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 32; i++) hi = ((hi << 1) | (bits[i] ? 1 : 0)) >>> 0;
  for (let i = 32; i < 64; i++) lo = ((lo << 1) | (bits[i] ? 1 : 0)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function hashToHex(hash: Hash64): string {
  return (hash & MASK64).toString(16).padStart(16, '0');
}

export function hashFromHex(hex: string): Hash64 {
  if (!/^[0-9a-fA-F]{16}$/.test(hex))
    throw new RangeError(`expected 16 hex digits for a Hash64 but received "${hex}"`);
  return BigInt(`0x${hex}`);
}
