/**
 * Perceptual hashes of an analysis raster. sharp reduces the raster once to a 64×64 RGB thumbnail
 * (the expensive step); the gray grids for each hash are exact box reductions of that thumbnail.
 * Dihedral variants (flips, 90° rotations) come from the DCT block (pHash) or from permuting the
 * tiny grids (dHash, blockhash), so no image is resized twice.
 */
import sharp from 'sharp';
import { DIHEDRAL_TRANSFORMS, dihedralSource, swapsAxes, transformGrid, type DihedralTransform } from '../../common/dedup/dihedral';
import type { Hash64 } from '../../common/dedup/hash64';
import {
  DHASH_HEIGHT,
  DHASH_WIDTH,
  dhashFromGrid,
  lowFrequencyDct,
  lumaFromRgb,
  phashFromDct,
  PHASH_INPUT_SIZE,
  resampleArea,
  transformDct,
} from '../../common/dedup/perceptual';
import { tiltSignature } from '../../common/dedup/tilt';
import { zoomSignature } from '../../common/dedup/zoom';
import type { HashTriple, ImageHashes } from '../../common/dedup/types';
import type { Raster } from '../../common/raster';
import { blockhash64 } from './blockhash-bridge';

const THUMB = 64;
const BLOCK_INPUT = 16;

export async function computeImageHashes(raster: Raster): Promise<ImageHashes> {
  const { data, width, height, channels } = raster;
  if (data.length !== width * height * channels) {
    throw new RangeError(`expected ${width * height * channels} bytes for a ${width}×${height}×${channels} raster but received ${data.length}`);
  }
  const thumb = await sharp(data, { raw: { width, height, channels } })
    .flatten({ background: '#ffffff' })
    .resize(THUMB, THUMB, { fit: 'fill', kernel: 'cubic' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer();
  // One sharp call does the expensive reduction; each further sharp call would cost ~1.8 ms of
  // thread-pool overhead for a 64×64 input, so the tiny gray grids are exact box reductions here.
  const luma = lumaFromRgb(thumb, THUMB * THUMB);
  const luma32 = resampleArea(luma, THUMB, THUMB, PHASH_INPUT_SIZE, PHASH_INPUT_SIZE);
  const dh98 = resampleArea(luma, THUMB, THUMB, DHASH_WIDTH, DHASH_HEIGHT);
  const dh89 = resampleArea(luma, THUMB, THUMB, DHASH_HEIGHT, DHASH_WIDTH);
  const rgba = blockhashInput(thumb);
  const dct = lowFrequencyDct(luma32);

  const hashesFor = (transform: DihedralTransform): HashTriple => {
    // A transform that swaps axes turns an 8-wide, 9-tall grid into the 9×8 grid dHash needs.
    const dSource = swapsAxes(transform) ? { grid: dh89, w: DHASH_HEIGHT, h: DHASH_WIDTH } : { grid: dh98, w: DHASH_WIDTH, h: DHASH_HEIGHT };
    return {
      phash: phashFromDct(transformDct(dct, transform)),
      dhash: dhashFromGrid(transformGrid(dSource.grid, dSource.w, dSource.h, transform).data),
      blockhash: blockhashOf(rgba, transform),
    };
  };
  const identity = hashesFor('identity');
  const variants = {} as ImageHashes['variants'];
  for (const transform of DIHEDRAL_TRANSFORMS) {
    if (transform !== 'identity') variants[transform] = hashesFor(transform);
  }
  return { ...identity, variants, tilt: tiltSignature(luma, THUMB, width, height), zoom: zoomSignature(luma, THUMB, width, height) };
}

/**
 * 16×16 RGBA input for image-hash's blockhash: 4×4 box means of the thumbnail. Blockhash only sums
 * pixels per block, so this gives the same 8×8 block sums as the 64×64 thumbnail (up to rounding)
 * while running 16× fewer pixels through it for each of the 8 variants.
 */
function blockhashInput(rgb: Buffer): Uint8Array {
  const out = new Uint8Array(BLOCK_INPUT * BLOCK_INPUT * 4);
  const factor = THUMB / BLOCK_INPUT;
  for (let by = 0; by < BLOCK_INPUT; by++) {
    for (let bx = 0; bx < BLOCK_INPUT; bx++) {
      const o = (by * BLOCK_INPUT + bx) * 4;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = by * factor; y < (by + 1) * factor; y++) {
          for (let x = bx * factor; x < (bx + 1) * factor; x++) sum += rgb[(y * THUMB + x) * 3 + c] ?? 0;
        }
        out[o + c] = Math.round(sum / (factor * factor));
      }
      out[o + 3] = 255;
    }
  }
  return out;
}

function blockhashOf(rgba: Uint8Array, transform: DihedralTransform): Hash64 {
  if (transform === 'identity') return blockhash64({ width: BLOCK_INPUT, height: BLOCK_INPUT, data: rgba });
  const out = new Uint8Array(rgba.length);
  for (let y = 0; y < BLOCK_INPUT; y++) {
    for (let x = 0; x < BLOCK_INPUT; x++) {
      const [sx, sy] = dihedralSource(transform, x, y, BLOCK_INPUT, BLOCK_INPUT);
      out.set(rgba.subarray((sy * BLOCK_INPUT + sx) * 4, (sy * BLOCK_INPUT + sx) * 4 + 4), (y * BLOCK_INPUT + x) * 4);
    }
  }
  return blockhash64({ width: BLOCK_INPUT, height: BLOCK_INPUT, data: out });
}
