/**
 * Cheap image quality signals from the analysis raster, for best-shot choice:
 * sharpness = variance of the Laplacian on a 256 px luma image; exposure in [0,1],
 * 1 = well exposed (mid-tone mean, little clipping).
 */
import type { Raster } from '../../common/raster';

export interface QualitySignals {
  sharpness: number;
  exposure: number;
}

/** Measured on the thumbnail's pixels (long side ~320): cheap, and comparable between photos. */
export function measureQuality(raster: Raster): QualitySignals {
  const gray = toLuma(raster);
  return { sharpness: laplacianVariance(gray, raster.width, raster.height), exposure: exposureScore(gray) };
}

export function toLuma(raster: Raster): Uint8Array {
  const { data, channels } = raster;
  const n = raster.width * raster.height;
  if (channels === 1) return data;
  const out = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels)
    out[i] = (77 * data[p]! + 150 * data[p + 1]! + 29 * data[p + 2]!) >> 8;
  return out;
}

export function laplacianVariance(gray: Uint8Array, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v = 4 * gray[i]! - gray[i - 1]! - gray[i + 1]! - gray[i - width]! - gray[i + width]!;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export function exposureScore(gray: Uint8Array): number {
  if (gray.length === 0) return 0;
  let sum = 0;
  let clipped = 0;
  for (let i = 0; i < gray.length; i++) {
    const v = gray[i]!;
    sum += v;
    if (v <= 4 || v >= 251) clipped++;
  }
  const mean = sum / gray.length / 255;
  const centred = 1 - Math.min(1, Math.abs(mean - 0.5) * 2);
  return Math.max(0, centred * (1 - clipped / gray.length));
}
