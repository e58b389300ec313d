/**
 * Tilt probes: hashes that survive an arbitrary rotation (e.g. a scan or a photo straightened by
 * 30°, with black corners). For each probe angle θ we hash
 *   - `rotated`: the image sampled on a centred box turned by θ, i.e. the image "un-rotated" by θ,
 *   - `cropped`: the same centred box without rotation.
 * The box covers the same fraction of width and height whatever the image's aspect ratio (so a
 * copy resized to another aspect ratio gives the same 32×32 grid): the largest fraction that stays
 * inside any frame up to 2:1 when turned by θ, so it never sees the black corners of a rotated copy. If B is A rotated by about −θ, rotated_θ(B) shows the
 * same content as cropped_|θ|(A) and their hashes agree. A mirrored copy is matched through
 * `rotatedMirrored` (the hflip of the rotated box).
 */
import type { Hash64 } from './hash64';
import {
  DHASH_HEIGHT,
  DHASH_WIDTH,
  dhashFromGrid,
  lowFrequencyDct,
  phashFromDct,
  PHASH_INPUT_SIZE,
  resampleArea,
  transformDct,
} from './perceptual';

/** Probe angles in degrees; step 6° leaves at most 3° of residual rotation, which pHash tolerates. */
export const TILT_ANGLES: readonly number[] = Object.freeze(
  [6, 12, 18, 24, 30, 36, 42, 48].flatMap((a) => [-a, a]),
);

export interface TiltHashes {
  phash: Hash64;
  dhash: Hash64;
}

export interface TiltProbe {
  /** Degrees, counter-clockwise in image coordinates (y down). */
  angle: number;
  rotated: TiltHashes;
  rotatedMirrored: TiltHashes;
}

export interface TiltSignature {
  probes: TiltProbe[];
  /** Hashes of the unrotated centred box for each |angle| (keyed by the absolute angle). */
  cropped: Record<number, TiltHashes>;
}

/** Scale of the largest centred box with the frame's aspect ratio that fits the frame turned by θ. */
export function inscribedScale(width: number, height: number, degrees: number): number {
  const t = (Math.abs(degrees) * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  return Math.min(1, width / (width * c + height * s), height / (width * s + height * c));
}

/** Fraction of each side covered by the probe box at θ (aspect ratios up to 2:1 stay black-free). */
export function probeScale(degrees: number): number {
  return inscribedScale(2, 1, degrees);
}

/**
 * Tilt signature from a square luma thumbnail of an image whose true size is width×height (the
 * thumbnail may be squashed; rotation happens in true-aspect coordinates).
 */
export function tiltSignature(
  luma: Float64Array,
  thumbSize: number,
  width: number,
  height: number,
): TiltSignature {
  const cropped: Record<number, TiltHashes> = {};
  const probes: TiltProbe[] = [];
  for (const angle of TILT_ANGLES) {
    const scale = probeScale(angle);
    const key = Math.abs(angle);
    if (!(key in cropped)) cropped[key] = hashesOf(sampleBox(luma, thumbSize, width, height, 0, scale)).plain;
    const { plain, mirrored } = hashesOf(sampleBox(luma, thumbSize, width, height, angle, scale));
    probes.push({ angle, rotated: plain, rotatedMirrored: mirrored });
  }
  return { probes, cropped };
}

function hashesOf(grid: Float64Array): { plain: TiltHashes; mirrored: TiltHashes } {
  const n = PHASH_INPUT_SIZE;
  const dct = lowFrequencyDct(grid);
  const small = resampleArea(grid, n, n, DHASH_WIDTH, DHASH_HEIGHT);
  const mirroredSmall = new Float64Array(small.length);
  for (let y = 0; y < DHASH_HEIGHT; y++) {
    for (let x = 0; x < DHASH_WIDTH; x++)
      mirroredSmall[y * DHASH_WIDTH + x] = small[y * DHASH_WIDTH + (DHASH_WIDTH - 1 - x)]!;
  }
  return {
    plain: { phash: phashFromDct(dct), dhash: dhashFromGrid(small) },
    mirrored: { phash: phashFromDct(transformDct(dct, 'hflip')), dhash: dhashFromGrid(mirroredSmall) },
  };
}

/** Samples a 32×32 grid over the centred box (scale × frame) turned by `degrees`, bilinear. */
export function sampleBox(
  luma: Float64Array,
  thumbSize: number,
  width: number,
  height: number,
  degrees: number,
  scale: number,
): Float64Array {
  const n = PHASH_INPUT_SIZE;
  const out = new Float64Array(n * n);
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const boxW = width * scale;
  const boxH = height * scale;
  const sx = thumbSize / width;
  const sy = thumbSize / height;
  for (let v = 0; v < n; v++) {
    const dy = ((v + 0.5) / n - 0.5) * boxH;
    for (let u = 0; u < n; u++) {
      const dx = ((u + 0.5) / n - 0.5) * boxW;
      const x = width / 2 + cos * dx - sin * dy;
      const y = height / 2 + sin * dx + cos * dy;
      out[v * n + u] = bilinear(luma, thumbSize, x * sx - 0.5, y * sy - 0.5);
    }
  }
  return out;
}

function bilinear(grid: Float64Array, size: number, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), size - 1);
  const cy = Math.min(Math.max(y, 0), size - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, size - 1);
  const y1 = Math.min(y0 + 1, size - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const top = grid[y0 * size + x0]! * (1 - fx) + grid[y0 * size + x1]! * fx;
  const bottom = grid[y1 * size + x0]! * (1 - fx) + grid[y1 * size + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}
