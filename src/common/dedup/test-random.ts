/** Deterministic pseudo-random numbers and hashes for tests and benchmarks (mulberry32). */
import type { Hash64 } from './hash64';

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomHash(random: () => number): Hash64 {
  const hi = Math.floor(random() * 2 ** 32);
  const lo = Math.floor(random() * 2 ** 32);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** `hash` with `bits` distinct random bits flipped. */
export function flipBits(hash: Hash64, bits: number, random: () => number): Hash64 {
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(random() * 64));
  let out = hash;
  for (const b of chosen) out ^= 1n << BigInt(b);
  return out;
}
