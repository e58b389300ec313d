/**
 * Face alignment to dlib's 150x150 face chip. dlib's get_face_chip_details maps its mean face
 * shape (landmarks normalised to [0,1]) into the chip with padding 0.25: chip = (p + 0.25) / 1.5 * 150.
 * The template points below are dlib's mean-face eye centres (mean of the 6 eye landmarks), nose
 * tip (landmark 30) and mouth centre (mean of the 12 outer-lip landmarks), mapped that way.
 */
import { FACE_DESCRIPTOR_INPUT } from '../models/manifest';
import type { Affine } from './image';

const PADDING = 0.25;
const toChip = (v: number): number => ((v + PADDING) / (1 + 2 * PADDING)) * FACE_DESCRIPTOR_INPUT;

/** [image-left eye, image-right eye, nose tip, mouth centre] in chip pixels. */
export const CHIP_TEMPLATE: ReadonlyArray<readonly [number, number]> = [
  [toChip(0.225492), toChip(0.21599)],
  [toChip(0.754761), toChip(0.21599)],
  [toChip(0.490127), toChip(0.515625)],
  [toChip(0.490127), toChip(0.807659)],
];
export const CHIP_WEIGHTS = [1, 1, 0.5, 0.75] as const;

/** Least-squares similarity (rotation, uniform scale, translation) taking `from` onto `to`. */
export function fitSimilarity(
  from: ReadonlyArray<readonly [number, number]>,
  to: ReadonlyArray<readonly [number, number]>,
  weights: readonly number[],
): { a: number; b: number; tx: number; ty: number } {
  let sw = 0,
    fx = 0,
    fy = 0,
    tx = 0,
    ty = 0;
  for (let i = 0; i < from.length; i++) {
    const w = weights[i] ?? 1;
    const p = from[i] as readonly [number, number];
    const q = to[i] as readonly [number, number];
    sw += w;
    fx += w * p[0];
    fy += w * p[1];
    tx += w * q[0];
    ty += w * q[1];
  }
  fx /= sw;
  fy /= sw;
  tx /= sw;
  ty /= sw;
  let num1 = 0,
    num2 = 0,
    den = 0;
  for (let i = 0; i < from.length; i++) {
    const w = weights[i] ?? 1;
    const p = from[i] as readonly [number, number];
    const q = to[i] as readonly [number, number];
    const px = p[0] - fx,
      py = p[1] - fy,
      qx = q[0] - tx,
      qy = q[1] - ty;
    num1 += w * (px * qx + py * qy);
    num2 += w * (px * qy - py * qx);
    den += w * (px * px + py * py);
  }
  const a = den > 0 ? num1 / den : 1;
  const b = den > 0 ? num2 / den : 0;
  // q = [a -b; b a] p + t
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

/** The chip -> image affine for a face given BlazeFace keypoints (right eye, left eye, nose, mouth, ...). */
export function chipAffine(keypoints: ReadonlyArray<readonly [number, number]>): Affine {
  const pts = keypoints.slice(0, 4);
  const s = fitSimilarity(pts, CHIP_TEMPLATE, CHIP_WEIGHTS);
  // invert q = M p + t  =>  p = M^-1 (q - t), M = [a -b; b a], M^-1 = [a b; -b a] / (a^2 + b^2)
  const det = s.a * s.a + s.b * s.b;
  const ia = s.a / det;
  const ib = s.b / det;
  return { a: ia, b: ib, c: -ib, d: ia, e: -(ia * s.tx + ib * s.ty), f: -(-ib * s.tx + ia * s.ty) };
}
