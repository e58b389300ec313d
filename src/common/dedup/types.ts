import type { ContentSignature } from './content';
import type { CropProbes } from './crop-probes';
import type { DihedralTransform } from './dihedral';
import type { Hash64 } from './hash64';
import type { TiltSignature } from './tilt';
import type { ZoomSignature } from './zoom';

export const HASH_KINDS = ['phash', 'dhash', 'blockhash'] as const;
export type HashKind = (typeof HASH_KINDS)[number];

/** One 64-bit hash per kind. */
export type HashTriple = Record<HashKind, Hash64>;

/**
 * Perceptual hashes of one image: the hashes of the image as it is (`phash`, `dhash`,
 * `blockhash`) and of its 7 other dihedral variants (flips, rotations by 90/180/270, transposes).
 * Comparing `variants[t]` of A with the plain hashes of B detects B = t(A).
 */
export interface ImageHashes extends HashTriple {
  variants: Record<Exclude<DihedralTransform, 'identity'>, HashTriple>;
  /** Probes for copies rotated by an arbitrary angle (see tilt.ts). */
  tilt: TiltSignature;
  /** Centred boxes at several scales, per dihedral transform, for the zoom verification (see zoom.ts). */
  zoom: ZoomSignature;
  /** Small luma/chroma grids for verifying a pair on its pixels (see content.ts); absent in synthetic test hashes. */
  content?: ContentSignature;
  /** Crop probes (crop-probes.ts), computed from `content` with the hashes; when absent, grouping computes them. */
  crop?: CropProbes;
}
