/**
 * Person boxes from the CenterNet heatmap (COCO class 0) and appearance descriptors pooled from its
 * stride-8 FPN features: body (whole box, torso, legs + colour statistics) and background (cells
 * outside every person box + a coarse colour layout).
 */
import type { TensorData } from '../runtime/protocol';
import { iou } from './face-detect';

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

/** Per-channel mean and standard deviation (0..1) of the canvas pixels in a rectangle. */
function colourStats(canvas: Float32Array, geom: CenternetGeometry, rect: readonly [number, number, number, number]): Float32Array {
  const x0 = Math.max(0, Math.floor(rect[0] * geom.scale));
  const y0 = Math.max(0, Math.floor(rect[1] * geom.scale));
  const x1 = Math.min(geom.width, Math.ceil(rect[2] * geom.scale));
  const y1 = Math.min(geom.height, Math.ceil(rect[3] * geom.scale));
  const sum = [0, 0, 0], sum2 = [0, 0, 0];
  let n = 0;
  for (let y = y0; y < y1; y += 2)
    for (let x = x0; x < x1; x += 2) {
      const o = (y * geom.width + x) * 3;
      for (let k = 0; k < 3; k++) {
        const v = (canvas[o + k] ?? 0) / 255;
        sum[k] = (sum[k] ?? 0) + v;
        sum2[k] = (sum2[k] ?? 0) + v * v;
      }
      n++;
    }
  const out = new Float32Array(6);
  for (let k = 0; k < 3; k++) {
    const m = n ? (sum[k] ?? 0) / n : 0;
    out[k] = m;
    out[3 + k] = n ? Math.sqrt(Math.max(0, (sum2[k] ?? 0) / n - m * m)) : 0;
  }
  return out;
}

export function bodyDescriptor(features: TensorData, canvas: Float32Array, geom: CenternetGeometry, box: readonly [number, number, number, number]): Float32Array {
  const [x1, y1, x2, y2] = box;
  const bw = x2 - x1;
  const bh = y2 - y1;
  const torso: [number, number, number, number] = [x1 + 0.15 * bw, y1 + 0.2 * bh, x2 - 0.15 * bw, y1 + 0.55 * bh];
  const legs: [number, number, number, number] = [x1 + 0.15 * bw, y1 + 0.55 * bh, x2 - 0.15 * bw, y2];
  const colour = new Float32Array(12);
  colour.set(colourStats(canvas, geom, torso), 0);
  colour.set(colourStats(canvas, geom, legs), 6);
  return weightedConcat([
    { v: poolRect(features, geom, box), weight: 0.5 },
    { v: poolRect(features, geom, torso), weight: 0.6 },
    { v: poolRect(features, geom, legs), weight: 0.4 },
    { v: colour, weight: 0.5 },
  ]);
}

export const BACKGROUND_GRID = 4;

export function backgroundDescriptor(features: TensorData, canvas: Float32Array, geom: CenternetGeometry, image: { width: number; height: number }, persons: ReadonlyArray<readonly [number, number, number, number]>): Float32Array {
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
  const whole: [number, number, number, number] = [0, 0, image.width, image.height];
  const feat = poolRect(features, geom, whole, free >= 4 ? mask : undefined);
  // Colour layout: mean RGB per grid cell, skipping person pixels where enough remain.
  const layout = new Float32Array(BACKGROUND_GRID * BACKGROUND_GRID * 3);
  const inPerson = (x: number, y: number): boolean => persons.some(([a, b, c, d]) => x >= a && x < c && y >= b && y < d);
  for (let gy = 0; gy < BACKGROUND_GRID; gy++)
    for (let gx = 0; gx < BACKGROUND_GRID; gx++) {
      const sum = [0, 0, 0], all = [0, 0, 0];
      let n = 0, nAll = 0;
      const px0 = Math.floor((gx * image.width * geom.scale) / BACKGROUND_GRID);
      const px1 = Math.floor(((gx + 1) * image.width * geom.scale) / BACKGROUND_GRID);
      const py0 = Math.floor((gy * image.height * geom.scale) / BACKGROUND_GRID);
      const py1 = Math.floor(((gy + 1) * image.height * geom.scale) / BACKGROUND_GRID);
      for (let y = py0; y < py1; y += 2)
        for (let x = px0; x < px1; x += 2) {
          const o = (y * geom.width + x) * 3;
          const masked = inPerson(x / geom.scale, y / geom.scale);
          for (let k = 0; k < 3; k++) {
            const v = (canvas[o + k] ?? 0) / 255;
            all[k] = (all[k] ?? 0) + v;
            if (!masked) sum[k] = (sum[k] ?? 0) + v;
          }
          nAll++;
          if (!masked) n++;
        }
      for (let k = 0; k < 3; k++) layout[(gy * BACKGROUND_GRID + gx) * 3 + k] = n >= 4 ? (sum[k] ?? 0) / n : nAll ? (all[k] ?? 0) / nAll : 0;
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
