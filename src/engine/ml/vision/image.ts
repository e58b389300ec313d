/**
 * Pixel plumbing for the vision stage: an RGB image pyramid (2x box filter per level) and an
 * affine bilinear sampler that reads from the level matching the requested scale, so a strong
 * downscale (a 1600 px photo into a 256 px detector tile) does not alias.
 */
import type { Raster } from '../../../common/raster';

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Returns an interleaved RGB view of a raster (copies only for 1 or 4 channels). */
export function toRgb(raster: Raster): RgbImage {
  const { width, height, channels, data } = raster;
  if (data.length < width * height * channels)
    throw new RangeError(
      `Raster data holds ${data.length} bytes but ${width}x${height}x${channels} needs ${width * height * channels}`,
    );
  if (channels === 3) return { data, width, height };
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, n = width * height; i < n; i++) {
    if (channels === 1) {
      const v = data[i] ?? 0;
      out[3 * i] = v;
      out[3 * i + 1] = v;
      out[3 * i + 2] = v;
    } else {
      out[3 * i] = data[4 * i] ?? 0;
      out[3 * i + 1] = data[4 * i + 1] ?? 0;
      out[3 * i + 2] = data[4 * i + 2] ?? 0;
    }
  }
  return { data: out, width, height };
}

function halve(img: RgbImage): RgbImage {
  const w = Math.max(1, img.width >> 1);
  const h = Math.max(1, img.height >> 1);
  const out = new Uint8Array(w * h * 3);
  const src = img.data;
  const stride = img.width * 3;
  // w = floor(W/2), so 2x+1 <= W-1 whenever W >= 2: no clamping in the loop (1-px sides repeat).
  const dx = img.width >= 2 ? 3 : 0;
  const dy = img.height >= 2 ? stride : 0;
  let o = 0;
  for (let y = 0; y < h; y++) {
    // Top-left of each 2x2 block in the row pair; channels unrolled (this runs on ~1.3 M values per photo).
    let a = 2 * y * stride;
    for (let x = 0; x < w; x++, a += 6, o += 3) {
      const c = a + dy;
      out[o] =
        ((src[a] as number) + (src[a + dx] as number) + (src[c] as number) + (src[c + dx] as number) + 2) >>
        2;
      out[o + 1] =
        ((src[a + 1] as number) +
          (src[a + dx + 1] as number) +
          (src[c + 1] as number) +
          (src[c + dx + 1] as number) +
          2) >>
        2;
      out[o + 2] =
        ((src[a + 2] as number) +
          (src[a + dx + 2] as number) +
          (src[c + 2] as number) +
          (src[c + dx + 2] as number) +
          2) >>
        2;
    }
  }
  return { data: out, width: w, height: h };
}

export class Pyramid {
  private readonly levels: RgbImage[];
  constructor(base: RgbImage) {
    this.levels = [base];
  }
  get base(): RgbImage {
    return this.levels[0] as RgbImage;
  }
  level(k: number): RgbImage {
    while (this.levels.length <= k) {
      const last = this.levels[this.levels.length - 1] as RgbImage;
      if (last.width <= 1 && last.height <= 1) break;
      this.levels.push(halve(last));
    }
    return this.levels[Math.min(k, this.levels.length - 1)] as RgbImage;
  }
}

/** dst -> src affine in base-image pixel coordinates: src = [a b; c d] * dst + [e f] (pixel centres). */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export interface SampleTarget {
  out: Float32Array;
  /** Index of the first float of the output image in `out` (HWC layout). */
  offset: number;
  width: number;
  height: number;
  /** out = pixel * scale + bias; outside the image the pixel value is `fill`. */
  scale: number;
  bias: number;
  fill: number;
}

/** Bilinear resampling of an affine-mapped region, reading from the pyramid level that fits. */
export function sampleAffine(pyr: Pyramid, m: Affine, t: SampleTarget): void {
  const stepScale = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
  const levelIndex = Math.max(0, Math.floor(Math.log2(Math.max(stepScale, 1e-6))));
  const img = pyr.level(levelIndex);
  const f = pyr.base.width / img.width;
  const fy = pyr.base.height / img.height;
  const { data, width: w, height: h } = img;
  const { out, scale, bias } = t;
  const fillOut = t.fill * scale + bias;
  if (m.b === 0 && m.c === 0) {
    sampleAxisAligned(data, w, h, m.a / f, m.e / f, m.d / fy, m.f / fy, t, fillOut);
    return;
  }
  // General affine (face chips): source coordinates advance by a constant step along each row.
  const ia = m.a / f,
    ib = m.b / f,
    ic = m.c / fy,
    id = m.d / fy;
  const ie = m.e / f - 0.5,
    iff = m.f / fy - 0.5;
  const maxX = w - 0.5,
    maxY = h - 0.5;
  const ow = t.width;
  let o = t.offset;
  for (let y = 0; y < t.height; y++) {
    let sx = ia * 0.5 + ib * (y + 0.5) + ie;
    let sy = ic * 0.5 + id * (y + 0.5) + iff;
    for (let x = 0; x < ow; x++, o += 3, sx += ia, sy += ic) {
      if (sx < -0.5 || sy < -0.5 || sx > maxX || sy > maxY) {
        out[o] = fillOut;
        out[o + 1] = fillOut;
        out[o + 2] = fillOut;
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const ax = sx - x0;
      const ay = sy - y0;
      const xa = x0 < 0 ? 0 : x0;
      const xb = x0 + 1 >= w ? w - 1 : x0 + 1;
      const ya = (y0 < 0 ? 0 : y0) * w;
      const yb = (y0 + 1 >= h ? h - 1 : y0 + 1) * w;
      bilerp3(
        data,
        (ya + xa) * 3,
        (ya + xb) * 3,
        (yb + xa) * 3,
        (yb + xb) * 3,
        ax,
        (1 - ay) * scale,
        ay * scale,
        bias,
        out,
        o,
      );
    }
  }
}

/**
 * One RGB output pixel from four source pixels (HWC byte offsets), unrolled per channel. Every
 * offset is in range by construction (clamped by the callers), so the reads are plain casts: the
 * `?? 0` guards cost about a third of the sampler's time in the hot loop.
 */
function bilerp3(
  data: Uint8Array,
  p00: number,
  p01: number,
  p10: number,
  p11: number,
  ax: number,
  wy0: number,
  wy1: number,
  bias: number,
  out: Float32Array,
  o: number,
): void {
  const r00 = data[p00] as number,
    g00 = data[p00 + 1] as number,
    b00 = data[p00 + 2] as number;
  const r01 = data[p01] as number,
    g01 = data[p01 + 1] as number,
    b01 = data[p01 + 2] as number;
  const r10 = data[p10] as number,
    g10 = data[p10 + 1] as number,
    b10 = data[p10 + 2] as number;
  const r11 = data[p11] as number,
    g11 = data[p11 + 1] as number,
    b11 = data[p11 + 2] as number;
  out[o] = (r00 + (r01 - r00) * ax) * wy0 + (r10 + (r11 - r10) * ax) * wy1 + bias;
  out[o + 1] = (g00 + (g01 - g00) * ax) * wy0 + (g10 + (g11 - g10) * ax) * wy1 + bias;
  out[o + 2] = (b00 + (b01 - b00) * ax) * wy0 + (b10 + (b11 - b10) * ax) * wy1 + bias;
}

/**
 * Fast path for scale + translate (detector inputs): the source column/row and weights are computed
 * once per output column and row instead of per pixel.
 */
function sampleAxisAligned(
  data: Uint8Array,
  w: number,
  h: number,
  sx: number,
  ex: number,
  sy: number,
  ey: number,
  t: SampleTarget,
  fillOut: number,
): void {
  const { out, scale, bias, width: ow, height: oh } = t;
  const col0 = new Int32Array(ow);
  const col1 = new Int32Array(ow);
  const colW = new Float32Array(ow);
  const colIn = new Uint8Array(ow);
  for (let x = 0; x < ow; x++) {
    const s = sx * (x + 0.5) + ex - 0.5;
    colIn[x] = s >= -0.5 && s <= w - 0.5 ? 1 : 0;
    const x0 = Math.floor(s);
    colW[x] = s - x0;
    col0[x] = (x0 < 0 ? 0 : x0 >= w ? w - 1 : x0) * 3;
    col1[x] = (x0 + 1 >= w ? w - 1 : x0 + 1 < 0 ? 0 : x0 + 1) * 3;
  }
  let o = t.offset;
  for (let y = 0; y < oh; y++) {
    const s = sy * (y + 0.5) + ey - 0.5;
    if (s < -0.5 || s > h - 0.5) {
      out.fill(fillOut, o, o + ow * 3);
      o += ow * 3;
      continue;
    }
    const y0 = Math.floor(s);
    const ay = s - y0;
    const r0 = (y0 < 0 ? 0 : y0) * w * 3;
    const r1 = (y0 + 1 >= h ? h - 1 : y0 + 1) * w * 3;
    const wy0 = (1 - ay) * scale;
    const wy1 = ay * scale;
    for (let x = 0; x < ow; x++, o += 3) {
      if (!colIn[x]) {
        out[o] = fillOut;
        out[o + 1] = fillOut;
        out[o + 2] = fillOut;
        continue;
      }
      const c0 = col0[x] as number;
      const c1 = col1[x] as number;
      bilerp3(data, r0 + c0, r0 + c1, r1 + c0, r1 + c1, colW[x] as number, wy0, wy1, bias, out, o);
    }
  }
}

/** Axis-aligned crop [x, y, side, side] of the base image into a square target. */
export function squareCropAffine(x: number, y: number, side: number, outSize: number): Affine {
  const s = side / outSize;
  return { a: s, b: 0, c: 0, d: s, e: x, f: y };
}
