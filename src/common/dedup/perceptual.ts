/**
 * Pure parts of the perceptual hashes: they take small grayscale grids (made by the engine with
 * sharp) and return 64-bit hashes. No I/O, no decoding.
 */
import { dctAction, type DihedralTransform } from './dihedral';
import { hashFromBits, type Hash64 } from './hash64';

export const PHASH_INPUT_SIZE = 32;
export const PHASH_BAND = 8;
/** dHash compares 9 columns pairwise in each of 8 rows. */
export const DHASH_WIDTH = 9;
export const DHASH_HEIGHT = 8;

/** cos((2x+1)uπ/2N) for u < 8, x < 32, shared by every pHash. */
const DCT_TABLE: Float64Array = (() => {
  const n = PHASH_INPUT_SIZE;
  const table = new Float64Array(PHASH_BAND * n);
  for (let u = 0; u < PHASH_BAND; u++) {
    for (let x = 0; x < n; x++) table[u * n + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n));
  }
  return table;
})();

/**
 * The 8×8 low-frequency block of the 2-D DCT-II of a 32×32 luma grid, row-major as [v * 8 + u]
 * (u horizontal frequency). Unnormalised: only the order of the values matters for the hash.
 */
export function lowFrequencyDct(luma32: ArrayLike<number>): Float64Array {
  const n = PHASH_INPUT_SIZE;
  const band = PHASH_BAND;
  if (luma32.length !== n * n) throw new RangeError(`expected ${n * n} luma values for pHash but received ${luma32.length}`);
  // Separable: rows first (32 rows × 8 frequencies), then columns.
  const rows = new Float64Array(n * band);
  for (let y = 0; y < n; y++) {
    for (let u = 0; u < band; u++) {
      let sum = 0;
      for (let x = 0; x < n; x++) sum += (luma32[y * n + x] ?? 0) * (DCT_TABLE[u * n + x] ?? 0);
      rows[y * band + u] = sum;
    }
  }
  const coefficients = new Float64Array(band * band);
  for (let v = 0; v < band; v++) {
    for (let u = 0; u < band; u++) {
      let sum = 0;
      for (let y = 0; y < n; y++) sum += (DCT_TABLE[v * n + y] ?? 0) * (rows[y * band + u] ?? 0);
      coefficients[v * band + u] = sum;
    }
  }
  return coefficients;
}

/**
 * The DCT block of the transformed image, derived from the original block without touching pixels:
 * a mirror flips the sign of odd frequencies on its axis, a transpose swaps u and v.
 */
export function transformDct(coefficients: Float64Array, transform: DihedralTransform): Float64Array {
  const band = PHASH_BAND;
  const { transpose, flipU, flipV } = dctAction(transform);
  const out = new Float64Array(band * band);
  for (let v = 0; v < band; v++) {
    for (let u = 0; u < band; u++) {
      const source = transpose ? coefficients[u * band + v] : coefficients[v * band + u];
      const sign = (flipU && u % 2 === 1 ? -1 : 1) * (flipV && v % 2 === 1 ? -1 : 1);
      out[v * band + u] = sign * (source ?? 0);
    }
  }
  return out;
}

/** pHash bits: each of the 64 coefficients against the median of the 63 AC coefficients. */
export function phashFromDct(coefficients: Float64Array): Hash64 {
  const ac = Array.from(coefficients.subarray(1)).sort((a, b) => a - b);
  const mid = ac.length >> 1;
  const median = ac.length % 2 === 1 ? (ac[mid] ?? 0) : ((ac[mid - 1] ?? 0) + (ac[mid] ?? 0)) / 2;
  const bits: boolean[] = [];
  for (const c of coefficients) bits.push(c > median);
  return hashFromBits(bits);
}

/** dHash: in each of 8 rows, is the next of 9 pixels brighter than this one. */
export function dhashFromGrid(grid: ArrayLike<number>): Hash64 {
  if (grid.length !== DHASH_WIDTH * DHASH_HEIGHT) {
    throw new RangeError(`expected a ${DHASH_WIDTH}×${DHASH_HEIGHT} grid for dHash but received ${grid.length} values`);
  }
  const bits: boolean[] = [];
  for (let y = 0; y < DHASH_HEIGHT; y++) {
    for (let x = 0; x < DHASH_WIDTH - 1; x++) {
      bits.push((grid[y * DHASH_WIDTH + x + 1] ?? 0) > (grid[y * DHASH_WIDTH + x] ?? 0));
    }
  }
  return hashFromBits(bits);
}

/** BT.601 luma of an interleaved RGB buffer. */
export function lumaFromRgb(rgb: ArrayLike<number>, pixelCount: number): Float64Array {
  const out = new Float64Array(pixelCount);
  for (let i = 0; i < pixelCount; i++) {
    out[i] = 0.299 * (rgb[i * 3] ?? 0) + 0.587 * (rgb[i * 3 + 1] ?? 0) + 0.114 * (rgb[i * 3 + 2] ?? 0);
  }
  return out;
}

/**
 * Area-weighted (box) downscale of a single-channel grid: each output cell is the exact mean of the
 * source area it covers, fractional edge pixels weighted by overlap.
 */
export function resampleArea(grid: ArrayLike<number>, width: number, height: number, outWidth: number, outHeight: number): Float64Array {
  if (outWidth > width || outHeight > height) throw new RangeError(`expected a downscale but received ${width}×${height} → ${outWidth}×${outHeight}`);
  const xs = overlapWeights(width, outWidth);
  const ys = overlapWeights(height, outHeight);
  const out = new Float64Array(outWidth * outHeight);
  for (let oy = 0; oy < outHeight; oy++) {
    for (const [sy, wy] of ys[oy] ?? []) {
      for (let ox = 0; ox < outWidth; ox++) {
        let sum = 0;
        for (const [sx, wx] of xs[ox] ?? []) sum += (grid[sy * width + sx] ?? 0) * wx;
        out[oy * outWidth + ox] = (out[oy * outWidth + ox] ?? 0) + sum * wy;
      }
    }
  }
  return out;
}

/** For each output index: the source indices it overlaps and the normalised weights. */
function overlapWeights(size: number, outSize: number): Array<Array<[number, number]>> {
  const scale = size / outSize;
  const result: Array<Array<[number, number]>> = [];
  for (let o = 0; o < outSize; o++) {
    const start = o * scale;
    const end = start + scale;
    const cells: Array<[number, number]> = [];
    for (let s = Math.floor(start); s < Math.min(size, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 1e-12) cells.push([s, overlap / scale]);
    }
    result.push(cells);
  }
  return result;
}
