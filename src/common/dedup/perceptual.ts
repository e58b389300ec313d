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

/** Scratch for the row pass of lowFrequencyDct (synchronous, so one buffer serves every call). */
const DCT_ROWS = new Float64Array(PHASH_INPUT_SIZE * PHASH_BAND);

/**
 * The 8×8 low-frequency block of the 2-D DCT-II of a 32×32 luma grid, row-major as [v * 8 + u]
 * (u horizontal frequency). Unnormalised: only the order of the values matters for the hash.
 */
export function lowFrequencyDct(luma32: ArrayLike<number>): Float64Array {
  const n = PHASH_INPUT_SIZE;
  const band = PHASH_BAND;
  if (luma32.length !== n * n)
    throw new RangeError(`expected ${n * n} luma values for pHash but received ${luma32.length}`);
  // This runs ~33 times per photo (global, tilt and zoom boxes). Each of the 8 sums per row (and per
  // column) is accumulated in its own variable, in the same term order as a plain loop, so the
  // results are bit-identical to it, but the 8 independent chains of additions overlap in the CPU
  // instead of each addition waiting for the previous one (18 → 7-11 µs per call).
  const src = luma32 instanceof Float64Array ? luma32 : Float64Array.from(luma32);
  // Separable: rows first (32 rows × 8 frequencies), then columns.
  for (let y = 0; y < n; y++) dot8(src, y * n, DCT_TABLE, n, 1, DCT_ROWS, y * band);
  const coefficients = new Float64Array(band * band);
  for (let v = 0; v < band; v++) dot8(DCT_TABLE, v * n, DCT_ROWS, 1, band, coefficients, v * band);
  return coefficients;
}

/**
 * out[o + k] = Σ_i a[aBase + i] · b[k · kStride + i · iStride] for k < 8, i < 32: eight dot products
 * sharing one vector, each summed in ascending i (the order of a plain loop, so the same bits).
 */
function dot8(
  a: Float64Array,
  aBase: number,
  b: Float64Array,
  kStride: number,
  iStride: number,
  out: Float64Array,
  o: number,
): void {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0,
    s5 = 0,
    s6 = 0,
    s7 = 0;
  for (let i = 0; i < PHASH_INPUT_SIZE; i++) {
    const v = a[aBase + i]!;
    const j = i * iStride;
    s0 += v * b[j]!;
    s1 += v * b[j + kStride]!;
    s2 += v * b[j + 2 * kStride]!;
    s3 += v * b[j + 3 * kStride]!;
    s4 += v * b[j + 4 * kStride]!;
    s5 += v * b[j + 5 * kStride]!;
    s6 += v * b[j + 6 * kStride]!;
    s7 += v * b[j + 7 * kStride]!;
  }
  out[o] = s0;
  out[o + 1] = s1;
  out[o + 2] = s2;
  out[o + 3] = s3;
  out[o + 4] = s4;
  out[o + 5] = s5;
  out[o + 6] = s6;
  out[o + 7] = s7;
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
  // 63 values, so the median is the 32nd smallest: found by selection in a reused buffer (the same
  // value a sort would put in the middle, without sorting or allocating; ~110 calls per photo).
  const ac = MEDIAN_SCRATCH;
  for (let i = 1; i < 64; i++) ac[i - 1] = coefficients[i]!;
  const median = selectKth(ac, ac.length >> 1);
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 32; i++) hi = ((hi << 1) | (coefficients[i]! > median ? 1 : 0)) >>> 0;
  for (let i = 32; i < 64; i++) lo = ((lo << 1) | (coefficients[i]! > median ? 1 : 0)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

const MEDIAN_SCRATCH = new Float64Array(PHASH_BAND * PHASH_BAND - 1);

/** The k-th smallest value (0-based) of `values`, which it reorders (Hoare's selection). */
export function selectKth(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const pivot = values[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k]!;
  }
  return values[k]!;
}

/** dHash: in each of 8 rows, is the next of 9 pixels brighter than this one. */
export function dhashFromGrid(grid: ArrayLike<number>): Hash64 {
  if (grid.length !== DHASH_WIDTH * DHASH_HEIGHT) {
    throw new RangeError(
      `expected a ${DHASH_WIDTH}×${DHASH_HEIGHT} grid for dHash but received ${grid.length} values`,
    );
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
    out[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  }
  return out;
}

/**
 * Area-weighted (box) downscale of a single-channel grid: each output cell is the exact mean of the
 * source area it covers, fractional edge pixels weighted by overlap.
 */
export function resampleArea(
  grid: ArrayLike<number>,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float64Array {
  if (outWidth > width || outHeight > height)
    throw new RangeError(`expected a downscale but received ${width}×${height} → ${outWidth}×${outHeight}`);
  const src = grid instanceof Float64Array ? grid : Float64Array.from(grid);
  const xs = flatWeights(width, outWidth);
  const ys = flatWeights(height, outHeight);
  const out = new Float64Array(outWidth * outHeight);
  for (let oy = 0; oy < outHeight; oy++) {
    for (let j = ys.start[oy]!; j < ys.start[oy + 1]!; j++) {
      const rowStart = ys.index[j]! * width;
      const wy = ys.weight[j]!;
      for (let ox = 0; ox < outWidth; ox++) {
        let sum = 0;
        for (let i = xs.start[ox]!; i < xs.start[ox + 1]!; i++)
          sum += src[rowStart + xs.index[i]!]! * xs.weight[i]!;
        out[oy * outWidth + ox] = out[oy * outWidth + ox]! + sum * wy;
      }
    }
  }
  return out;
}

export interface FlatWeights {
  /** Cells of output o are start[o] ≤ j < start[o + 1]. */
  start: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

const weightCache = new Map<number, FlatWeights>();

/** overlapWeights in flat typed arrays, cached per (size, outSize): the same few pairs recur for every photo. */
export function flatWeights(size: number, outSize: number): FlatWeights {
  const key = size * 65536 + outSize;
  const cached = weightCache.get(key);
  if (cached) return cached;
  const cells = overlapWeights(size, outSize);
  const total = cells.reduce((n, c) => n + c.length, 0);
  const flat: FlatWeights = {
    start: new Int32Array(outSize + 1),
    index: new Int32Array(total),
    weight: new Float64Array(total),
  };
  let at = 0;
  cells.forEach((list, o) => {
    flat.start[o] = at;
    for (const [s, w] of list) {
      flat.index[at] = s;
      flat.weight[at++] = w;
    }
  });
  flat.start[outSize] = at;
  if (weightCache.size < 256) weightCache.set(key, flat);
  return flat;
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
