/**
 * Person boxes from the CenterNet heatmap (COCO class 0) and appearance descriptors pooled from its
 * stride-8 FPN features: body (whole box, torso, legs + colour statistics) and background (cells
 * outside every person box + a coarse colour layout).
 */
import type { TensorData } from '../runtime/protocol';
import { iou } from './face-detect';
import type { RgbImage } from './image';

export const CENTERNET_LONG_SIDE = 320;
export const CENTERNET_STRIDE = 4;
export const FEATURE_STRIDE = 8;

/** Input geometry: the raster scaled by `scale` into a (multiple-of-32) canvas, top-left aligned. */
export interface CenternetGeometry {
  width: number;
  height: number;
  scale: number;
}

export function centernetGeometry(width: number, height: number, longSide = CENTERNET_LONG_SIDE): CenternetGeometry {
  const scale = longSide / Math.max(width, height);
  const round32 = (v: number): number => Math.max(32, Math.ceil(v / 32) * 32);
  return { width: round32(width * scale), height: round32(height * scale), scale };
}

export interface PersonCandidate {
  box: [number, number, number, number];
  score: number;
}

export function decodePersons(heatmap: TensorData, ltrb: TensorData, geom: CenternetGeometry, minScore: number, maxPersons = 30): PersonCandidate[] {
  const [, h = 0, w = 0, classes = 80] = heatmap.dims;
  const hm = heatmap.data;
  const at = (x: number, y: number): number => hm[(y * w + x) * classes] ?? 0;
  const found: PersonCandidate[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const s = at(x, y);
      if (s < minScore) continue;
      let peak = true;
      for (let dy = -1; dy <= 1 && peak; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx || dy) && x + dx >= 0 && y + dy >= 0 && x + dx < w && y + dy < h && at(x + dx, y + dy) > s) {
            peak = false;
            break;
          }
        }
      if (!peak) continue;
      const o = (y * w + x) * 4;
      const cx = x * CENTERNET_STRIDE;
      const cy = y * CENTERNET_STRIDE;
      const d = ltrb.data;
      const box: [number, number, number, number] = [
        (cx - (d[o] ?? 0)) / geom.scale,
        (cy - (d[o + 1] ?? 0)) / geom.scale,
        (cx + (d[o + 2] ?? 0)) / geom.scale,
        (cy + (d[o + 3] ?? 0)) / geom.scale,
      ];
      if (box[2] - box[0] < 4 || box[3] - box[1] < 4) continue;
      found.push({ box, score: s });
    }
  found.sort((a, b) => b.score - a.score);
  const kept: PersonCandidate[] = [];
  for (const c of found) {
    if (kept.length >= maxPersons) break;
    if (kept.every((k) => iou(k.box, c.box) < 0.5)) kept.push(c);
  }
  return kept;
}

function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / n;
  return v;
}

/** Concatenates blocks, each L2-normalised then weighted; the result is L2-normalised. */
export function weightedConcat(blocks: ReadonlyArray<{ v: Float32Array; weight: number }>): Float32Array {
  const out = new Float32Array(blocks.reduce((s, b) => s + b.v.length, 0));
  let at = 0;
  for (const b of blocks) {
    const v = l2normalize(Float32Array.from(b.v));
    for (let i = 0; i < v.length; i++) out[at + i] = (v[i] ?? 0) * b.weight;
    at += v.length;
  }
  return l2normalize(out);
}

/** Mean feature over the cells whose centres fall in an image-space rectangle (at least one cell). */
function poolRect(features: TensorData, geom: CenternetGeometry, rect: readonly [number, number, number, number], mask?: Uint8Array): Float32Array {
  const [, fh = 0, fw = 0, c = 0] = features.dims;
  const toCell = (v: number): number => (v * geom.scale) / FEATURE_STRIDE - 0.5;
  let x0 = Math.ceil(toCell(rect[0]));
  let x1 = Math.floor(toCell(rect[2]));
  let y0 = Math.ceil(toCell(rect[1]));
  let y1 = Math.floor(toCell(rect[3]));
  if (x1 < x0) x0 = x1 = Math.round((toCell(rect[0]) + toCell(rect[2])) / 2);
  if (y1 < y0) y0 = y1 = Math.round((toCell(rect[1]) + toCell(rect[3])) / 2);
  x0 = Math.max(0, x0); y0 = Math.max(0, y0); x1 = Math.min(fw - 1, x1); y1 = Math.min(fh - 1, y1);
  const out = new Float32Array(c);
  let n = 0;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      if (mask && mask[y * fw + x]) continue;
      const o = (y * fw + x) * c;
      for (let k = 0; k < c; k++) out[k] = (out[k] ?? 0) + (features.data[o + k] ?? 0);
      n++;
    }
  if (n) for (let k = 0; k < c; k++) out[k] = (out[k] ?? 0) / n;
  return out;
}

/**
 * A small copy of the photo for colour statistics (a pyramid level), with the factor that maps
 * analysis-raster coordinates onto it.
 */
export interface ColourImage {
  img: RgbImage;
  scale: number;
}

/** Per-channel mean and standard deviation (0..1) of the pixels in a raster-space rectangle. */
function colourStats(c: ColourImage, rect: readonly [number, number, number, number], skip?: (x: number, y: number) => boolean): { stats: Float32Array; n: number } {
  const { img, scale } = c;
  const x0 = Math.max(0, Math.floor(rect[0] * scale));
  const y0 = Math.max(0, Math.floor(rect[1] * scale));
  const x1 = Math.min(img.width, Math.ceil(rect[2] * scale));
  const y1 = Math.min(img.height, Math.ceil(rect[3] * scale));
  let s0 = 0, s1 = 0, s2 = 0, q0 = 0, q1 = 0, q2 = 0, n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      if (skip?.(x / scale, y / scale)) continue;
      const o = (y * img.width + x) * 3;
      const r = (img.data[o] ?? 0) / 255, g = (img.data[o + 1] ?? 0) / 255, b = (img.data[o + 2] ?? 0) / 255;
      s0 += r; s1 += g; s2 += b;
      q0 += r * r; q1 += g * g; q2 += b * b;
      n++;
    }
  const stats = new Float32Array(6);
  if (n) {
    stats.set([s0 / n, s1 / n, s2 / n]);
    stats.set([Math.sqrt(Math.max(0, q0 / n - (s0 / n) ** 2)), Math.sqrt(Math.max(0, q1 / n - (s1 / n) ** 2)), Math.sqrt(Math.max(0, q2 / n - (s2 / n) ** 2))], 3);
  }
  return { stats, n };
}

export function bodyDescriptor(features: TensorData, colour: ColourImage, geom: CenternetGeometry, box: readonly [number, number, number, number]): Float32Array {
  const [x1, y1, x2, y2] = box;
  const bw = x2 - x1;
  const bh = y2 - y1;
  const torso: [number, number, number, number] = [x1 + 0.15 * bw, y1 + 0.2 * bh, x2 - 0.15 * bw, y1 + 0.55 * bh];
  const legs: [number, number, number, number] = [x1 + 0.15 * bw, y1 + 0.55 * bh, x2 - 0.15 * bw, y2];
  const colours = new Float32Array(12);
  colours.set(colourStats(colour, torso).stats, 0);
  colours.set(colourStats(colour, legs).stats, 6);
  return weightedConcat([
    { v: poolRect(features, geom, box), weight: 0.5 },
    { v: poolRect(features, geom, torso), weight: 0.6 },
    { v: poolRect(features, geom, legs), weight: 0.4 },
    { v: colours, weight: 0.5 },
  ]);
}

export const BACKGROUND_GRID = 4;

export function backgroundDescriptor(features: TensorData, colour: ColourImage, geom: CenternetGeometry, image: { width: number; height: number }, persons: ReadonlyArray<readonly [number, number, number, number]>): Float32Array {
  const [, fh = 0, fw = 0] = features.dims;
  const mask = new Uint8Array(fw * fh);
  const cellOf = (v: number): number => (v * geom.scale) / FEATURE_STRIDE;
  for (const [x1, y1, x2, y2] of persons)
    for (let y = Math.max(0, Math.floor(cellOf(y1))); y <= Math.min(fh - 1, Math.floor(cellOf(y2))); y++)
      for (let x = Math.max(0, Math.floor(cellOf(x1))); x <= Math.min(fw - 1, Math.floor(cellOf(x2))); x++) mask[y * fw + x] = 1;
  const usedW = Math.min(fw, Math.ceil(cellOf(image.width)));
  const usedH = Math.min(fh, Math.ceil(cellOf(image.height)));
  let free = 0;
  for (let y = 0; y < usedH; y++) for (let x = 0; x < usedW; x++) if (!mask[y * fw + x]) free++;
  const feat = poolRect(features, geom, [0, 0, image.width, image.height], free >= 4 ? mask : undefined);
  // Colour layout: mean RGB per grid cell, leaving out person pixels where enough others remain.
  const layout = new Float32Array(BACKGROUND_GRID * BACKGROUND_GRID * 3);
  const inPerson = (x: number, y: number): boolean => persons.some(([a, b, c, d]) => x >= a && x < c && y >= b && y < d);
  for (let gy = 0; gy < BACKGROUND_GRID; gy++)
    for (let gx = 0; gx < BACKGROUND_GRID; gx++) {
      const cell: [number, number, number, number] = [(gx * image.width) / BACKGROUND_GRID, (gy * image.height) / BACKGROUND_GRID, ((gx + 1) * image.width) / BACKGROUND_GRID, ((gy + 1) * image.height) / BACKGROUND_GRID];
      const background = colourStats(colour, cell, inPerson);
      const use = background.n >= 4 ? background : colourStats(colour, cell);
      layout.set(use.stats.subarray(0, 3), (gy * BACKGROUND_GRID + gx) * 3);
    }
  return weightedConcat([
    { v: feat, weight: 0.7 },
    { v: layout, weight: 0.7 },
  ]);
}

/** Assigns each face to at most one person: its centre must lie in the upper half of the box. */
export function matchFacesToPersons(persons: ReadonlyArray<{ box: readonly number[]; score: number }>, faces: ReadonlyArray<{ box: readonly number[] }>): Array<number | null> {
  const taken = new Set<number>();
  const order = persons.map((_, i) => i).sort((a, b) => (persons[b]?.score ?? 0) - (persons[a]?.score ?? 0));
  const result: Array<number | null> = persons.map(() => null);
  for (const pi of order) {
    const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = persons[pi]?.box ?? [];
    let best = -1, bestArea = 0;
    faces.forEach((f, fi) => {
      if (taken.has(fi)) return;
      const [fx1 = 0, fy1 = 0, fx2 = 0, fy2 = 0] = f.box;
      const cx = (fx1 + fx2) / 2, cy = (fy1 + fy2) / 2;
      if (cx < x1 || cx > x2 || cy < y1 || cy > y1 + 0.5 * (y2 - y1)) return;
      const area = (fx2 - fx1) * (fy2 - fy1);
      if (area > bestArea) {
        best = fi;
        bestArea = area;
      }
    });
    if (best >= 0) {
      taken.add(best);
      result[pi] = best;
    }
  }
  return result;
}
