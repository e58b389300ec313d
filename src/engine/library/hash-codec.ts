/**
 * Packs the perceptual hashes of a photo into one BLOB of big-endian u64s: the plain triple,
 * the 7 dihedral variants, then the tilt probes (TILT_ANGLES order: rotated, rotatedMirrored)
 * the cropped boxes (ascending |angle|), then the zoom boxes (DIHEDRAL_TRANSFORMS × ZOOM_SCALES), then
 * the crop probes (query, index boxes). The layout is fixed by these constants; a BLOB of
 * another length is from an older hash version and is recomputed by the scan.
 */
import { DIHEDRAL_TRANSFORMS, type DihedralTransform } from '../../common/dedup/dihedral';
import type { HashTriple, ImageHashes } from '../../common/dedup/types';
import { HASH_KINDS } from '../../common/dedup/types';
import { TILT_ANGLES, type TiltHashes, type TiltSignature } from '../../common/dedup/tilt';
import { ZOOM_SCALES } from '../../common/dedup/zoom';
import { CONTENT_BYTES, packContent, unpackContent } from '../../common/dedup/content';
import { CROP_INDEX_BOXES, cropProbes } from '../../common/dedup/crop-probes';

const VARIANTS = DIHEDRAL_TRANSFORMS.filter(
  (t): t is Exclude<DihedralTransform, 'identity'> => t !== 'identity',
);
const CROPPED_ANGLES = [...new Set(TILT_ANGLES.map((a) => Math.abs(a)))].sort((a, b) => a - b);
const WORDS =
  HASH_KINDS.length * (VARIANTS.length + 1) +
  TILT_ANGLES.length * 4 +
  CROPPED_ANGLES.length * 2 +
  DIHEDRAL_TRANSFORMS.length * ZOOM_SCALES.length +
  1 +
  CROP_INDEX_BOXES;
/** The u64 hashes, then the content signature (content.ts) as raw bytes. */
export const PACKED_HASH_BYTES = 8 * WORDS + CONTENT_BYTES;

/**
 * The hash algorithm's version, stored per content (migration 007). 1: the preview reduced to 64×64
 * by sharp (cubic); 2: by area averaging in JS; 3: uniform borders trimmed first, plus the content
 * signature; 4: a border is trimmed by its narrowest side only. Contents hashed by an older version
 * are recomputed.
 */
export const HASH_VERSION = 4;

export function packHashes(hashes: ImageHashes): Buffer {
  const out = Buffer.alloc(PACKED_HASH_BYTES);
  let offset = 0;
  const put = (h: bigint): void => {
    out.writeBigUInt64BE(BigInt.asUintN(64, h), offset);
    offset += 8;
  };
  const triple = (t: HashTriple): void => HASH_KINDS.forEach((k) => put(t[k]));
  const tilt = (t: TiltHashes): void => {
    put(t.phash);
    put(t.dhash);
  };
  triple(hashes);
  for (const v of VARIANTS) triple(hashes.variants[v]);
  for (const angle of TILT_ANGLES) {
    const probe = hashes.tilt.probes.find((p) => p.angle === angle);
    if (!probe) throw new RangeError(`expected a tilt probe at ${angle}° but the hashes have none`);
    tilt(probe.rotated);
    tilt(probe.rotatedMirrored);
  }
  for (const angle of CROPPED_ANGLES) {
    const cropped = hashes.tilt.cropped[angle];
    if (!cropped) throw new RangeError(`expected a cropped tilt box at ${angle}° but the hashes have none`);
    tilt(cropped);
  }
  DIHEDRAL_TRANSFORMS.forEach((transform, t) => {
    const row = hashes.zoom[t];
    if (row?.length !== ZOOM_SCALES.length)
      throw new RangeError(
        `expected ${ZOOM_SCALES.length} zoom hashes for ${transform} but received ${row?.length ?? 0}`,
      );
    row.forEach(put);
  });
  if (!hashes.content) throw new RangeError('expected a content signature in the hashes but received none');
  const crop = hashes.crop ?? cropProbes(hashes.content);
  put(crop.query);
  crop.index.forEach(put);
  packContent(hashes.content, out, offset);
  return out;
}

export function isCurrentHashBlob(blob: Uint8Array | null): boolean {
  return blob !== null && blob.length === PACKED_HASH_BYTES;
}

export function unpackHashes(blob: Uint8Array): ImageHashes {
  if (blob.length !== PACKED_HASH_BYTES)
    throw new RangeError(`expected ${PACKED_HASH_BYTES} bytes of hashes but received ${blob.length}`);
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  let offset = 0;
  const get = (): bigint => {
    const v = buf.readBigUInt64BE(offset);
    offset += 8;
    return v;
  };
  const triple = (): HashTriple => {
    const t = {} as HashTriple;
    for (const k of HASH_KINDS) t[k] = get();
    return t;
  };
  const tilt = (): TiltHashes => ({ phash: get(), dhash: get() });
  const identity = triple();
  const variants = {} as ImageHashes['variants'];
  for (const v of VARIANTS) variants[v] = triple();
  const probes = TILT_ANGLES.map((angle) => ({ angle, rotated: tilt(), rotatedMirrored: tilt() }));
  const cropped: TiltSignature['cropped'] = {};
  for (const angle of CROPPED_ANGLES) cropped[angle] = tilt();
  const zoom = DIHEDRAL_TRANSFORMS.map(() => ZOOM_SCALES.map(() => get()));
  const query = get();
  const index = Array.from({ length: CROP_INDEX_BOXES }, get);
  return {
    ...identity,
    variants,
    tilt: { probes, cropped },
    zoom,
    crop: { query, index },
    content: unpackContent(blob, offset),
  };
}
