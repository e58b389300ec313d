/**
 * Perceptual hashes of a raster (the scan passes its ~320 px preview). It is reduced once to a 64×64
 * RGB thumbnail by area averaging; the gray grids for each hash are exact box reductions of that.
 * Dihedral variants (flips, 90° rotations) come from the DCT block (pHash) or from permuting the
 * tiny grids (dHash, blockhash), so no image is resized twice.
 */
import {
  DIHEDRAL_TRANSFORMS,
  dihedralSource,
  swapsAxes,
  transformGrid,
  type DihedralTransform,
} from '../../common/dedup/dihedral';
import type { Hash64 } from '../../common/dedup/hash64';
import {
  flatWeights,
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
import { contentSignature, uniformBorder } from '../../common/dedup/content';
import { cropProbes } from '../../common/dedup/crop-probes';
import { tiltSignature } from '../../common/dedup/tilt';
import { zoomSignature } from '../../common/dedup/zoom';
import type { HashTriple, ImageHashes } from '../../common/dedup/types';
import type { Raster } from '../../common/raster';
import { blockhash64 } from './blockhash-bridge';

const THUMB = 64;
const BLOCK_INPUT = 16;

export function computeImageHashes(input: Raster): ImageHashes {
  if (input.data.length !== input.width * input.height * input.channels) {
    throw new RangeError(
      `expected ${input.width * input.height * input.channels} bytes for a ${input.width}×${input.height}×${input.channels} raster but received ${input.data.length}`,
    );
  }
  // An added frame (white border, letterbox) is not part of the picture: everything is computed
  // from what lies inside it, so a framed copy hashes like its original.
  const border = uniformBorder(input.data, input.width, input.height, input.channels);
  const raster = border.some((f) => f > 0) ? cropRaster(input, border) : input;
  const { width, height } = raster;
  const thumb = rgbThumbnail(raster, THUMB);
  // The gray grids for each hash are exact box reductions of the thumbnail.
  const luma = lumaFromRgb(thumb, THUMB * THUMB);
  const luma32 = resampleArea(luma, THUMB, THUMB, PHASH_INPUT_SIZE, PHASH_INPUT_SIZE);
  const dh98 = resampleArea(luma, THUMB, THUMB, DHASH_WIDTH, DHASH_HEIGHT);
  const dh89 = resampleArea(luma, THUMB, THUMB, DHASH_HEIGHT, DHASH_WIDTH);
  const rgba = blockhashInput(thumb);
  const dct = lowFrequencyDct(luma32);

  const hashesFor = (transform: DihedralTransform): HashTriple => {
    // A transform that swaps axes turns an 8-wide, 9-tall grid into the 9×8 grid dHash needs.
    const dSource = swapsAxes(transform)
      ? { grid: dh89, w: DHASH_HEIGHT, h: DHASH_WIDTH }
      : { grid: dh98, w: DHASH_WIDTH, h: DHASH_HEIGHT };
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
  const content = contentSignature(thumb, THUMB, border, width / height);
  return {
    ...identity,
    variants,
    tilt: tiltSignature(luma, THUMB, width, height),
    zoom: zoomSignature(luma, THUMB, width, height),
    content,
    // Stored with the hashes: 145 box DCTs per photo, which every regroup would otherwise redo.
    crop: cropProbes(content),
  };
}

function cropRaster(raster: Raster, [top, right, bottom, left]: readonly number[]): Raster {
  const { width, height, channels, data } = raster;
  const x0 = Math.round((left ?? 0) * width);
  const y0 = Math.round((top ?? 0) * height);
  const w = width - x0 - Math.round((right ?? 0) * width);
  const h = height - y0 - Math.round((bottom ?? 0) * height);
  const out = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++)
    out.set(
      data.subarray(((y0 + y) * width + x0) * channels, ((y0 + y) * width + x0 + w) * channels),
      y * w * channels,
    );
  return { data: out, width: w, height: h, channels };
}

/**
 * The raster reduced to size×size RGB (stretched to a square; alpha composited on white; gray
 * repeated into R, G and B) by exact area averaging, separably: rows, then columns. Kept as floats
 * (no rounding to bytes). In JS because the input is the ~320 px preview: a sharp call for it cost
 * ~1.8 ms of CPU, mostly pipeline overhead, against ~0.3 ms here.
 */
export function rgbThumbnail(raster: Raster, size: number): Float64Array {
  const { width, height, channels } = raster;
  const data = raster.data;
  const xs = flatWeights(width, size);
  const ys = flatWeights(height, size);
  // Pass 1: each source row reduced to `size` RGB cells. The scratch is reused: a fresh ~370 kB
  // array per photo lands in V8's large-object space and made the scan collect garbage 3× as often.
  const rows = rowScratch(height * size * 3);
  const { start, index, weight } = xs;
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    const o = y * size * 3;
    for (let ox = 0; ox < size; ox++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const to = start[ox + 1]!;
      if (channels === 3) {
        for (let j = start[ox]!; j < to; j++) {
          const w = weight[j]!;
          const p = (rowStart + index[j]!) * 3;
          r += w * data[p]!;
          g += w * data[p + 1]!;
          b += w * data[p + 2]!;
        }
      } else {
        for (let j = start[ox]!; j < to; j++) {
          const [pr, pg, pb] = pixelOnWhite(data, (rowStart + index[j]!) * channels, channels);
          const w = weight[j]!;
          r += w * pr;
          g += w * pg;
          b += w * pb;
        }
      }
      rows[o + ox * 3] = r;
      rows[o + ox * 3 + 1] = g;
      rows[o + ox * 3 + 2] = b;
    }
  }
  // Pass 2: columns.
  const out = new Float64Array(size * size * 3);
  const line = size * 3;
  for (let oy = 0; oy < size; oy++) {
    const to = oy * line;
    for (let j = ys.start[oy]!; j < ys.start[oy + 1]!; j++) {
      const w = ys.weight[j]!;
      const from = ys.index[j]! * line;
      for (let k = 0; k < line; k++) out[to + k] = out[to + k]! + w * rows[from + k]!;
    }
  }
  return out;
}

let rowsBuffer = new Float64Array(0);
/** Scratch kept between calls up to this many values (1.5 MB: a 1000-row raster); larger inputs get their own. */
const MAX_KEPT_SCRATCH = 1000 * 64 * 3;

function rowScratch(length: number): Float64Array {
  if (rowsBuffer.length >= length) return rowsBuffer;
  if (length > MAX_KEPT_SCRATCH) return new Float64Array(length);
  rowsBuffer = new Float64Array(length);
  return rowsBuffer;
}

/** A gray or RGBA pixel as RGB, alpha composited on white. */
function pixelOnWhite(data: Uint8Array, p: number, channels: number): [number, number, number] {
  if (channels === 1) return [data[p]!, data[p]!, data[p]!];
  const a = channels === 4 ? data[p + 3]! / 255 : 1;
  const white = 255 * (1 - a);
  return [data[p]! * a + white, data[p + 1]! * a + white, data[p + 2]! * a + white];
}

/**
 * 16×16 RGBA input for image-hash's blockhash: 4×4 box means of the thumbnail. Blockhash only sums
 * pixels per block, so this gives the same 8×8 block sums as the 64×64 thumbnail (up to rounding)
 * while running 16× fewer pixels through it for each of the 8 variants.
 */
function blockhashInput(rgb: Float64Array): Uint8Array {
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
      out.set(
        rgba.subarray((sy * BLOCK_INPUT + sx) * 4, (sy * BLOCK_INPUT + sx) * 4 + 4),
        (y * BLOCK_INPUT + x) * 4,
      );
    }
  }
  return blockhash64({ width: BLOCK_INPUT, height: BLOCK_INPUT, data: out });
}
