/**
 * BlazeFace post-processing in TS: anchors, box/keypoint decoding, tiling plan and weighted NMS
 * (scores blend overlapping boxes, as MediaPipe does, instead of keeping only the best one).
 */
import { iouCorners } from '../../../common/geometry';

export const BLAZEFACE_INPUT = 256;
const KEYPOINTS = 6;

export interface Anchor {
  x: number;
  y: number;
}

/**
 * Anchor centres (input pixels) of the back model for an input of width x height (multiples of
 * 32): a stride-16 grid with 2 anchors per cell, then a stride-32 grid with 6, row-major as the
 * model's NHWC reshape lays them out. At 256x256 that is the familiar 512 + 384.
 */
export function blazefaceBackAnchors(
  width = BLAZEFACE_INPUT,
  height = width,
  strides: readonly number[] = [16, 32],
  perCell: readonly number[] = [2, 6],
  offset = 0.5,
): Anchor[][] {
  return strides.map((stride, k) => {
    const gw = Math.ceil(width / stride);
    const gh = Math.ceil(height / stride);
    const out: Anchor[] = [];
    for (let y = 0; y < gh; y++)
      for (let x = 0; x < gw; x++)
        for (let a = 0; a < (perCell[k] ?? 1); a++)
          out.push({ x: (x + offset) * stride, y: (y + offset) * stride });
    return out;
  });
}

/**
 * One detector pass: the image region [x, x + inWidth*scale) x [y, y + inHeight*scale) resampled
 * to an inWidth x inHeight input (uniform scale, image pixels per input pixel).
 */
export interface DetectionPass {
  x: number;
  y: number;
  scale: number;
  inWidth: number;
  inHeight: number;
}

export interface PassPlanOptions {
  /** Margin around the image in the square global pass, as a fraction of the long side. */
  globalMargin: number;
  /** Long side (px) of the detail pass over the whole image; 0 disables it. */
  detailLongSide: number;
}

export const DEFAULT_PASS_PLAN: PassPlanOptions = { globalMargin: 0.125, detailLongSide: 512 };

const ceil32 = (v: number): number => Math.max(32, Math.ceil(v / 32) * 32);

/**
 * Multi-scale plan: a square 256x256 pass over the whole image with a margin (large faces, faces
 * cut by the border), plus a detail pass over the whole image at a higher resolution for small
 * faces in group photos (skipped when it would not be finer than the global pass).
 */
export function planPasses(
  width: number,
  height: number,
  o: PassPlanOptions = DEFAULT_PASS_PLAN,
): DetectionPass[] {
  const long = Math.max(width, height);
  const side0 = long * (1 + 2 * o.globalMargin);
  const passes: DetectionPass[] = [
    {
      x: (width - side0) / 2,
      y: (height - side0) / 2,
      scale: side0 / BLAZEFACE_INPUT,
      inWidth: BLAZEFACE_INPUT,
      inHeight: BLAZEFACE_INPUT,
    },
  ];
  if (o.detailLongSide > 0 && o.detailLongSide > BLAZEFACE_INPUT * 1.25) {
    const scale = Math.max(1, long / o.detailLongSide);
    const finer = side0 / BLAZEFACE_INPUT / scale;
    if (finer >= 1.5)
      passes.push({ x: 0, y: 0, scale, inWidth: ceil32(width / scale), inHeight: ceil32(height / scale) });
  }
  return passes;
}

export type DetailMode = 'auto' | 'always' | 'never';

/** Faces narrower than this many detector-input pixels are found, but placed too roughly to trust. */
export const MIN_RELIABLE_FACE_INPUT_PX = 16;

export function isReliable(face: FaceCandidate, pass: DetectionPass): boolean {
  return (face.box[2] - face.box[0]) / pass.scale >= MIN_RELIABLE_FACE_INPUT_PX;
}

/** Keeps the global pass's faces except rough small ones inside the detail region, which the detail pass re-detects. */
export function supersededByDetail(
  globalFaces: readonly FaceCandidate[],
  global: DetectionPass,
  detail: DetectionPass,
): FaceCandidate[] {
  const x2 = detail.x + detail.inWidth * detail.scale;
  const y2 = detail.y + detail.inHeight * detail.scale;
  return globalFaces.filter((f) => {
    if (isReliable(f, global)) return true;
    const cx = (f.box[0] + f.box[2]) / 2;
    const cy = (f.box[1] + f.box[3]) / 2;
    return !(cx >= detail.x && cx <= x2 && cy >= detail.y && cy <= y2);
  });
}

/**
 * Whether the detail pass is worth running. 'auto': only when CenterNet sees a person without a
 * reliable face from the global pass in the upper half of their box (a person far away, a face too
 * small for the global pass). Then it runs over the whole image, like 'always'; a region-limited
 * pass was tried and lost faces at its edges. No person, no detail pass: a face too small for
 * CenterNet to see the body is too small to recognise anyway.
 */
export function planDetailPass(
  full: DetectionPass,
  global: DetectionPass,
  persons: ReadonlyArray<{ box: readonly [number, number, number, number] }>,
  globalFaces: readonly FaceCandidate[],
  mode: DetailMode,
): DetectionPass | undefined {
  if (mode === 'never') return undefined;
  if (mode === 'always') return full;
  const reliable = globalFaces.filter((f) => isReliable(f, global));
  const someoneLacksAFace = persons.some(({ box: [x1, y1, x2, y2] }) => {
    const upper = y1 + 0.5 * (y2 - y1);
    return !reliable.some((f) => {
      const cx = (f.box[0] + f.box[2]) / 2;
      const cy = (f.box[1] + f.box[3]) / 2;
      return cx >= x1 && cx <= x2 && cy >= y1 && cy <= upper;
    });
  });
  return someoneLacksAFace ? full : undefined;
}

export interface FaceCandidate {
  /** x1, y1, x2, y2 in image pixels. */
  box: [number, number, number, number];
  score: number;
  keypoints: Array<[number, number]>;
}

/** Decodes one pass's raw outputs into image-space candidates above minScore. */
export function decodePass(
  grids: ReadonlyArray<{
    scores: Float32Array;
    boxes: Float32Array;
    anchors: readonly Anchor[];
    offset: number;
  }>,
  pass: DetectionPass,
  minScore: number,
): FaceCandidate[] {
  const out: FaceCandidate[] = [];
  const k = pass.scale;
  const minLogit = Math.log(minScore / (1 - minScore));
  for (const g of grids) {
    for (let i = 0; i < g.anchors.length; i++) {
      const logit = g.scores[g.offset / 16 + i] ?? -Infinity;
      if (logit < minLogit) continue;
      const a = g.anchors[i] as Anchor;
      const r = g.offset + i * 16;
      const b = g.boxes;
      const cx = a.x + (b[r] ?? 0);
      const cy = a.y + (b[r + 1] ?? 0);
      const w = b[r + 2] ?? 0;
      const h = b[r + 3] ?? 0;
      if (w <= 0 || h <= 0) continue;
      const box: [number, number, number, number] = [
        pass.x + (cx - w / 2) * k,
        pass.y + (cy - h / 2) * k,
        pass.x + (cx + w / 2) * k,
        pass.y + (cy + h / 2) * k,
      ];
      const keypoints: Array<[number, number]> = [];
      for (let p = 0; p < KEYPOINTS; p++)
        keypoints.push([
          pass.x + (a.x + (b[r + 4 + 2 * p] ?? 0)) * k,
          pass.y + (a.y + (b[r + 5 + 2 * p] ?? 0)) * k,
        ]);
      out.push({ box, score: 1 / (1 + Math.exp(-logit)), keypoints });
    }
  }
  return out;
}

/**
 * Passes at different scales can place the same small face with offset boxes whose IoU falls
 * under the threshold; centres closer than half the smaller width at a similar size are one face
 * (distinct neighbouring faces sit about a face width apart).
 */
function sameFaceByCentre(a: readonly number[], b: readonly number[]): boolean {
  const [ax1 = 0, ay1 = 0, ax2 = 0, ay2 = 0] = a;
  const [bx1 = 0, by1 = 0, bx2 = 0, by2 = 0] = b;
  const wa = ax2 - ax1,
    wb = bx2 - bx1;
  const small = Math.min(wa, wb),
    large = Math.max(wa, wb);
  if (small <= 0 || large > 2 * small) return false;
  return Math.hypot((ax1 + ax2 - bx1 - bx2) / 2, (ay1 + ay2 - by1 - by2) / 2) < 0.5 * small;
}

/** Weighted NMS: each cluster (IoU > threshold with its best member) becomes a score-weighted average. */
export function weightedNms(candidates: readonly FaceCandidate[], iouThreshold = 0.3): FaceCandidate[] {
  const rest = [...candidates].sort((a, b) => b.score - a.score);
  const out: FaceCandidate[] = [];
  while (rest.length) {
    const best = rest[0] as FaceCandidate;
    const cluster: FaceCandidate[] = [];
    for (let i = rest.length - 1; i >= 0; i--) {
      const c = rest[i] as FaceCandidate;
      if (iouCorners(best.box, c.box) > iouThreshold || sameFaceByCentre(best.box, c.box)) {
        cluster.push(c);
        rest.splice(i, 1);
      }
    }
    const total = cluster.reduce((s, c) => s + c.score, 0);
    const box = [0, 1, 2, 3].map((j) => cluster.reduce((s, c) => s + c.box[j as 0] * c.score, 0) / total) as [
      number,
      number,
      number,
      number,
    ];
    const keypoints = best.keypoints.map(
      (_, p) =>
        [0, 1].map((j) => cluster.reduce((s, c) => s + (c.keypoints[p]?.[j] ?? 0) * c.score, 0) / total) as [
          number,
          number,
        ],
    );
    out.push({ box, score: best.score, keypoints });
  }
  return out;
}

/**
 * Verification (a second look at every candidate): the detector runs again on a square around the
 * candidate, `context` face widths wide, resampled to `input` pixels, so that every face is seen at
 * the same canonical size (about 64 input pixels) with the same amount of surroundings. A real face
 * is found again with a high score (0.85-0.98 on the dev set); the false hits of the full-image
 * passes (a lotion bottle, a toothbrush pack, a cat's head, a spoon) score 0.09-0.71, because they
 * only looked like a face at one particular scale and framing. Measured on the dev set, see
 * docs/models.md.
 */
export interface VerificationPlan {
  context: number;
  input: number;
  /** A candidate is kept when its best re-detection score reaches this. */
  minScore: number;
  /** Re-detections overlapping the candidate at least this much count as finding it again. */
  minIou: number;
  /**
   * Candidates whose detector score reaches this are trusted without a second look. Verification
   * costs about 8 ms CPU per face; the false hits seen so far all scored under 0.82, while most
   * faces in group photos score 0.9-0.98, so this skips most of the cost where faces are many.
   */
  trustScore: number;
  /**
   * The lower bar for a candidate where a head belongs: at the top of a body the person detector
   * found (see atHeadOfPerson). A face 10-20 px wide is blown up about 6x for the second look and
   * re-scores only 0.58-0.72 there (dev series set: frontal faces of 128-px catalogue photos),
   * inside the range of the false hits on objects (0.09-0.71), which were never at a person's head.
   */
  headMinScore: number;
  /**
   * ...and only for a confident first look: the tiny frontal faces scored 0.82-0.89 on the
   * detector, while a hand at the top of a torso crop (a body box whose head is cut off) scored 0.63.
   */
  headMinDetectorScore: number;
  /**
   * Faces narrower than this (image pixels) are not looked at again where a head belongs: blown up
   * from so few pixels, the second look sees blur and scores real faces 0.31-0.49 (dev series set:
   * 8-13 px faces of 128-px full-body shots), so it cannot confirm anything. There the head prior
   * and the detector's own score decide (`tinyHeadMinDetectorScore`).
   */
  tinyFaceWidth: number;
  /** Those tiny faces scored 0.69-0.84 on the detector; the hand on a torso crop 0.63. */
  tinyHeadMinDetectorScore: number;
}

export const DEFAULT_VERIFICATION: VerificationPlan = {
  context: 3,
  input: 192,
  minScore: 0.78,
  minIou: 0.4,
  trustScore: 0.9,
  headMinScore: 0.55,
  headMinDetectorScore: 0.8,
  tinyFaceWidth: 16,
  tinyHeadMinDetectorScore: 0.65,
};

/**
 * Whether a face candidate sits where a detected person's head is: its centre inside the top
 * quarter of the body box and its width a plausible share of the body's (10-70 %).
 */
export function atHeadOfPerson(
  face: FaceCandidate,
  persons: ReadonlyArray<{ box: readonly number[] }>,
): boolean {
  const fw = face.box[2] - face.box[0];
  const cx = (face.box[0] + face.box[2]) / 2;
  const cy = (face.box[1] + face.box[3]) / 2;
  return persons.some(({ box: [x1 = 0, y1 = 0, x2 = 0, y2 = 0] }) => {
    const bw = x2 - x1;
    return (
      cx >= x1 && cx <= x2 && cy >= y1 && cy <= y1 + 0.25 * (y2 - y1) && fw >= 0.1 * bw && fw <= 0.7 * bw
    );
  });
}

/**
 * Whether a candidate is kept, given its verification score (NaN: trusted on its detector score, not
 * looked at again) and the persons found in the photo (see VerificationPlan).
 */
export function passesVerification(
  face: FaceCandidate,
  verification: number,
  persons: ReadonlyArray<{ box: readonly number[] }>,
  plan: VerificationPlan = DEFAULT_VERIFICATION,
): boolean {
  if (Number.isNaN(verification)) return true;
  const atHead = atHeadOfPerson(face, persons);
  const width = Math.max(face.box[2] - face.box[0], face.box[3] - face.box[1]);
  if (atHead && width < plan.tinyFaceWidth && face.score >= plan.tinyHeadMinDetectorScore) return true;
  const bar =
    atHead && face.score >= plan.headMinDetectorScore
      ? Math.min(plan.minScore, plan.headMinScore)
      : plan.minScore;
  return verification >= bar;
}

/** Whether a candidate needs the verification pass (see VerificationPlan.trustScore). */
export function needsVerification(
  face: FaceCandidate,
  plan: VerificationPlan = DEFAULT_VERIFICATION,
): boolean {
  return plan.minScore > 0 && face.score < plan.trustScore;
}

/** The pass that looks again at one candidate (see VerificationPlan). */
export function verificationPass(
  face: FaceCandidate,
  plan: VerificationPlan = DEFAULT_VERIFICATION,
): DetectionPass {
  const width = Math.max(face.box[2] - face.box[0], face.box[3] - face.box[1]);
  const side = width * plan.context;
  const cx = (face.box[0] + face.box[2]) / 2;
  const cy = (face.box[1] + face.box[3]) / 2;
  return {
    x: cx - side / 2,
    y: cy - side / 2,
    scale: side / plan.input,
    inWidth: plan.input,
    inHeight: plan.input,
  };
}

/** Best score among re-detections that overlap the candidate (0 when it was not found again). */
export function verificationScore(
  face: FaceCandidate,
  redetections: readonly FaceCandidate[],
  plan: VerificationPlan = DEFAULT_VERIFICATION,
): number {
  let best = 0;
  for (const d of redetections)
    if (d.score > best && iouCorners(face.box, d.box) >= plan.minIou) best = d.score;
  return best;
}
