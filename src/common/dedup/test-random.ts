/** Deterministic pseudo-random numbers and hashes for tests and benchmarks (mulberry32). */
import { DIHEDRAL_TRANSFORMS } from './dihedral';
import type { Hash64 } from './hash64';
import { TILT_ANGLES, type TiltHashes } from './tilt';
import type { HashTriple, ImageHashes } from './types';
import { ZOOM_SCALES } from './zoom';
import { seededRandom } from '../random';

export { seededRandom };

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

/** Random hashes for every field of ImageHashes (an image unlike any other). */
export function randomImageHashes(random: () => number): ImageHashes {
  const triple = (): HashTriple => ({
    phash: randomHash(random),
    dhash: randomHash(random),
    blockhash: randomHash(random),
  });
  const pair = (): TiltHashes => ({ phash: randomHash(random), dhash: randomHash(random) });
  const variants = {} as ImageHashes['variants'];
  for (const t of DIHEDRAL_TRANSFORMS) if (t !== 'identity') variants[t] = triple();
  const cropped: Record<number, TiltHashes> = {};
  for (const angle of TILT_ANGLES) cropped[Math.abs(angle)] = pair();
  const probes = TILT_ANGLES.map((angle) => ({ angle, rotated: pair(), rotatedMirrored: pair() }));
  const zoom = DIHEDRAL_TRANSFORMS.map(() => ZOOM_SCALES.map(() => randomHash(random)));
  return { ...triple(), variants, tilt: { probes, cropped }, zoom };
}
