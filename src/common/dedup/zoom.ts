/**
 * Zoom verification: pHashes of the centred box at several scales (from 0.83 down to 0.46 of each
 * side), for each of the 8 dihedral transforms. The global hashes see only the 8×8 low band of the
 * whole frame, and two different photos with the same layout (tight portraits, centred subjects)
 * agree there; the zoomed boxes look at the middle of the picture in 2× more detail, where a
 * different photo of the same kind of subject differs. Summing over 8 boxes averages out the
 * small misalignment that crops, 3° turns and burst shifts cause (see docs/dedup.md for the
 * measured distributions). A centred box maps to the centred box under every dihedral transform,
 * so the variants come from the DCT block like the global pHash variants.
 */
import { DIHEDRAL_TRANSFORMS } from './dihedral';
import { hashHigh32, hashLow32, popcount32, type Hash64 } from './hash64';
import { lowFrequencyDct, phashFromDct, transformDct } from './perceptual';
import { sampleBox } from './tilt';

/** Fraction of each side covered by each zoom box (the unturned tilt boxes use the same scales). */
export const ZOOM_SCALES: readonly number[] = Object.freeze([
  0.831, 0.717, 0.637, 0.579, 0.536, 0.504, 0.48, 0.464,
]);

/** zoom[t][s]: pHash of the centred box at ZOOM_SCALES[s] of the image transformed by DIHEDRAL_TRANSFORMS[t]. */
export type ZoomSignature = Hash64[][];

/** Zoom signature from a square luma thumbnail of an image whose true size is width×height. */
export function zoomSignature(
  luma: Float64Array,
  thumbSize: number,
  width: number,
  height: number,
): ZoomSignature {
  const dcts = ZOOM_SCALES.map((scale) =>
    lowFrequencyDct(sampleBox(luma, thumbSize, width, height, 0, scale)),
  );
  return DIHEDRAL_TRANSFORMS.map((transform) =>
    dcts.map((dct) => phashFromDct(transformDct(dct, transform))),
  );
}

/** Zoom hashes of one image as 32-bit words, [transform][scale][hi, lo], written at `offset`. */
export function packZoomWords(zoom: ZoomSignature, out: Uint32Array, offset: number): void {
  let at = offset;
  for (let t = 0; t < DIHEDRAL_TRANSFORMS.length; t++) {
    for (let s = 0; s < ZOOM_SCALES.length; s++) {
      const h = zoom[t]?.[s] ?? 0n;
      out[at++] = hashHigh32(h);
      out[at++] = hashLow32(h);
    }
  }
}

export const ZOOM_WORDS_PER_TRANSFORM = ZOOM_SCALES.length * 2;
export const ZOOM_WORDS_PER_ITEM = DIHEDRAL_TRANSFORMS.length * ZOOM_WORDS_PER_TRANSFORM;

/** Σ over scales of the Hamming distances between transform `t` of `a` and the plain boxes of `b` (packed rows). */
export function zoomDistance(a: Uint32Array, t: number, b: Uint32Array): number {
  const from = t * ZOOM_WORDS_PER_TRANSFORM;
  let sum = 0;
  for (let w = 0; w < ZOOM_WORDS_PER_TRANSFORM; w++)
    sum += popcount32(((a[from + w] ?? 0) ^ (b[w] ?? 0)) >>> 0);
  return sum;
}
