import { describe, expect, it } from 'vitest';
import { iouCorners } from '../../../common/geometry';
import { CHIP_TEMPLATE, chipAffine, fitSimilarity } from './align';
import {
  BLAZEFACE_INPUT,
  DEFAULT_VERIFICATION,
  atHeadOfPerson,
  blazefaceBackAnchors,
  decodePass,
  needsVerification,
  passesVerification,
  planDetailPass,
  planPasses,
  supersededByDetail,
  verificationPass,
  verificationScore,
  weightedNms,
  type FaceCandidate,
} from './face-detect';
import { Pyramid, sampleAffine, squareCropAffine } from './image';
import { FRAME_FIGURE_MIN_SCORE, choosePersons } from './persons';
import { estimatePose, faceQuality, laplacianVariance } from './quality';

describe('BlazeFace decoding', () => {
  it('has 512 + 384 anchors on 16x16x2 and 8x8x6 grids at 256x256, row-major for other sizes', () => {
    const [a16 = [], a8 = []] = blazefaceBackAnchors();
    expect(a16).toHaveLength(512);
    expect(a8).toHaveLength(384);
    expect(a16[0]).toEqual({ x: 8, y: 8 });
    expect(a16[1]).toEqual({ x: 8, y: 8 });
    expect(a8[383]).toEqual({ x: 240, y: 240 });
    const [w16 = [], w8 = []] = blazefaceBackAnchors(512, 384);
    expect(w16).toHaveLength(32 * 24 * 2);
    expect(w8).toHaveLength(16 * 12 * 6);
    expect(w16[2 * 32]).toEqual({ x: 8, y: 24 });
  });

  it('decodes one confident anchor into an image-space box and keypoints through the pass transform', () => {
    const [a16 = [], a8 = []] = blazefaceBackAnchors();
    const s16 = new Float32Array(512).fill(-10);
    const s8 = new Float32Array(384).fill(-10);
    const b16 = new Float32Array(512 * 16);
    const b8 = new Float32Array(384 * 16);
    const i = 2 * (5 * 16 + 7); // cell (x=7, y=5), anchor centre (120, 88)
    s16[i] = 3;
    b16.set([4, -8, 40, 40, -10, -10, 10, -10, 0, 0, 0, 10, -18, -5, 18, -5], i * 16);
    const pass = { x: 100, y: 50, scale: 2, inWidth: 256, inHeight: 256 };
    const out = decodePass(
      [
        { scores: s16, boxes: b16, anchors: a16, offset: 0 },
        { scores: s8, boxes: b8, anchors: a8, offset: 0 },
      ],
      pass,
      0.5,
    );
    expect(out).toHaveLength(1);
    const f = out[0] as FaceCandidate;
    expect(f.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    // centre (124, 80) in tile pixels, x2 scale, plus tile origin
    expect(f.box).toEqual([
      100 + (124 - 20) * 2,
      50 + (80 - 20) * 2,
      100 + (124 + 20) * 2,
      50 + (80 + 20) * 2,
    ]);
    expect(f.keypoints[0]).toEqual([100 + 110 * 2, 50 + 78 * 2]);
  });

  it('decodes the second item of a batch from its own slice of the outputs', () => {
    const [a16 = [], a8 = []] = blazefaceBackAnchors(128, 128);
    const s16 = new Float32Array(2 * a16.length).fill(-10);
    const s8 = new Float32Array(2 * a8.length).fill(-10);
    const b16 = new Float32Array(2 * a16.length * 16);
    const b8 = new Float32Array(2 * a8.length * 16);
    s8[a8.length + 3] = 2; // item 1, stride-32 anchor 3: cell (0, 0), centre (16, 16)
    b8.set([0, 0, 20, 20], (a8.length + 3) * 16);
    const pass = { x: 0, y: 0, scale: 1, inWidth: 128, inHeight: 128 };
    const decode = (item: number): FaceCandidate[] =>
      decodePass(
        [
          { scores: s16, boxes: b16, anchors: a16, offset: item * a16.length * 16 },
          { scores: s8, boxes: b8, anchors: a8, offset: item * a8.length * 16 },
        ],
        pass,
        0.5,
      );
    expect(decode(0)).toEqual([]);
    expect(decode(1).map((f) => f.box)).toEqual([[6, 6, 26, 26]]);
  });

  it('verification looks at a candidate centred, `context` face widths wide, and finds it again only where boxes overlap', () => {
    const face: FaceCandidate = { box: [100, 200, 150, 250], score: 0.7, keypoints: [] };
    const pass = verificationPass(face);
    const side = 50 * DEFAULT_VERIFICATION.context;
    expect(pass).toEqual({
      x: 125 - side / 2,
      y: 225 - side / 2,
      scale: side / DEFAULT_VERIFICATION.input,
      inWidth: DEFAULT_VERIFICATION.input,
      inHeight: DEFAULT_VERIFICATION.input,
    });
    // The face seen in the verification input sits in its centre at input / context pixels wide.
    const inputWidth = 50 / pass.scale;
    expect(inputWidth).toBeCloseTo(DEFAULT_VERIFICATION.input / DEFAULT_VERIFICATION.context, 10);
    const again = (box: [number, number, number, number], score: number): FaceCandidate => ({
      box,
      score,
      keypoints: [],
    });
    expect(verificationScore(face, [])).toBe(0);
    expect(
      verificationScore(face, [again([102, 203, 151, 252], 0.93), again([160, 200, 210, 250], 0.99)]),
    ).toBe(0.93);
    expect(verificationScore(face, [again([140, 240, 190, 290], 0.99)])).toBe(0);
    // Confident candidates are trusted; minScore 0 turns verification off.
    expect(needsVerification(face)).toBe(true);
    expect(needsVerification({ ...face, score: DEFAULT_VERIFICATION.trustScore })).toBe(false);
    expect(needsVerification(face, { ...DEFAULT_VERIFICATION, minScore: 0 })).toBe(false);
  });

  it('knows where a head belongs: the top quarter of a person box, at a plausible width', () => {
    const person = { box: [100, 100, 200, 500] }; // x1, y1, x2, y2: a standing figure 100 px wide
    const at = (x1: number, y1: number, w: number): FaceCandidate => ({
      box: [x1, y1, x1 + w, y1 + w],
      score: 0.8,
      keypoints: [],
    });
    expect(atHeadOfPerson(at(135, 110, 30), [person])).toBe(true);
    expect(atHeadOfPerson(at(135, 300, 30), [person])).toBe(false); // at the waist
    expect(atHeadOfPerson(at(20, 110, 30), [person])).toBe(false); // beside the body
    expect(atHeadOfPerson(at(145, 110, 5), [person])).toBe(false); // a button, not a head
    expect(atHeadOfPerson(at(110, 100, 90), [person])).toBe(false); // as wide as the body
    expect(atHeadOfPerson(at(135, 110, 30), [])).toBe(false);
    expect(DEFAULT_VERIFICATION.headMinScore).toBeLessThan(DEFAULT_VERIFICATION.minScore);
    expect(DEFAULT_VERIFICATION.headMinDetectorScore).toBeGreaterThan(DEFAULT_VERIFICATION.headMinScore);
  });

  it('keeps a face by its second look, or where a head belongs by a lower bar, or tiny by the detector', () => {
    const person = { box: [40, 2, 80, 126] }; // a full figure in a 128-px catalogue shot
    const face = (x1: number, y1: number, w: number, score: number): FaceCandidate => ({
      box: [x1, y1, x1 + w, y1 + w],
      score,
      keypoints: [],
    });
    const plan = DEFAULT_VERIFICATION;
    // Trusted without a second look.
    expect(passesVerification(face(0, 0, 30, 0.95), Number.NaN, [])).toBe(true);
    // Anywhere: the full bar.
    expect(passesVerification(face(200, 200, 30, 0.7), plan.minScore, [person])).toBe(true);
    expect(passesVerification(face(200, 200, 30, 0.7), plan.minScore - 0.01, [person])).toBe(false);
    // At a head, with a confident detector: the head bar.
    expect(passesVerification(face(50, 6, 20, 0.85), plan.headMinScore, [person])).toBe(true);
    expect(passesVerification(face(50, 6, 20, 0.75), plan.headMinScore, [person])).toBe(false);
    // Tiny at a head: the second look cannot see it, the detector decides.
    expect(passesVerification(face(55, 6, 10, 0.7), 0.3, [person])).toBe(true);
    expect(passesVerification(face(55, 6, 10, 0.6), 0.3, [person])).toBe(false);
    // Tiny but not at a head (no person, or at the waist): the full bar still holds.
    expect(passesVerification(face(55, 6, 10, 0.7), 0.3, [])).toBe(false);
    expect(passesVerification(face(55, 70, 10, 0.7), 0.3, [person])).toBe(false);
  });

  it('keeps a frame-filling figure the person detector is unsure of, only when it found nobody else', () => {
    const cand = (
      score: number,
      y1: number,
      y2: number,
    ): { box: [number, number, number, number]; score: number } => ({
      box: [40, y1, 80, y2],
      score,
    });
    expect(choosePersons([cand(0.26, 1, 127)], 0.3, 128)).toHaveLength(1);
    expect(choosePersons([cand(0.26, 1, 127), cand(0.22, 0, 128)], 0.3, 128)[0]?.score).toBe(0.26);
    // Not frame-filling, or too unsure: nobody.
    expect(choosePersons([cand(0.26, 40, 127)], 0.3, 128)).toHaveLength(0);
    expect(choosePersons([cand(FRAME_FIGURE_MIN_SCORE - 0.01, 1, 127)], 0.3, 128)).toHaveLength(0);
    // A confident person elsewhere: the unsure one stays out.
    expect(choosePersons([cand(0.6, 30, 90), cand(0.26, 1, 127)], 0.3, 128)).toEqual([cand(0.6, 30, 90)]);
    expect(choosePersons([], 0.3, 128)).toEqual([]);
  });

  it('weighted NMS blends overlapping boxes by score and keeps separate faces apart', () => {
    const kp = (x: number): Array<[number, number]> =>
      Array.from({ length: 6 }, () => [x, x] as [number, number]);
    const merged = weightedNms([
      { box: [0, 0, 10, 10], score: 0.9, keypoints: kp(1) },
      { box: [2, 0, 12, 10], score: 0.3, keypoints: kp(3) },
      { box: [50, 50, 60, 60], score: 0.8, keypoints: kp(9) },
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]?.score).toBe(0.9);
    expect(merged[0]?.box[0]).toBeCloseTo((0 * 0.9 + 2 * 0.3) / 1.2, 10);
    expect(merged[0]?.keypoints[0]?.[0]).toBeCloseTo((1 * 0.9 + 3 * 0.3) / 1.2, 10);
    expect(iouCorners([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3, 10);
  });

  it('weighted NMS also merges offset boxes of one small face, but not neighbouring faces', () => {
    const kp = (): Array<[number, number]> => Array.from({ length: 6 }, () => [0, 0] as [number, number]);
    // IoU ~0.2 but centres 12 px apart on ~50 px faces: one face seen by two passes.
    expect(
      weightedNms([
        { box: [700, 575, 757, 632], score: 0.9, keypoints: kp() },
        { box: [712, 570, 760, 618], score: 0.8, keypoints: kp() },
      ]),
    ).toHaveLength(1);
    // Two faces side by side, one face width apart.
    expect(
      weightedNms([
        { box: [700, 575, 750, 625], score: 0.9, keypoints: kp() },
        { box: [752, 575, 802, 625], score: 0.8, keypoints: kp() },
      ]),
    ).toHaveLength(2);
  });

  it("runs the detail pass in 'auto' mode only for a person without a reliable global face", () => {
    const [global, full] = planPasses(1600, 1200);
    if (!global || !full) throw new Error('passes missing');
    const face = (x: number, y: number, w: number): FaceCandidate => ({
      box: [x, y, x + w, y + w],
      score: 0.9,
      keypoints: [],
    });
    const person = { box: [400, 300, 700, 1100] as [number, number, number, number] };
    expect(planDetailPass(full, global, [person], [face(500, 350, 200)], 'auto')).toBeUndefined();
    // a 60 px face is under 16 input px in the global pass: not reliable, so look closer
    expect(planDetailPass(full, global, [person], [face(500, 350, 60)], 'auto')).toBe(full);
    expect(planDetailPass(full, global, [person], [], 'auto')).toBe(full);
    expect(planDetailPass(full, global, [], [], 'auto')).toBeUndefined();
    expect(planDetailPass(full, global, [], [], 'always')).toBe(full);
    expect(planDetailPass(full, global, [person], [], 'never')).toBeUndefined();
    // rough small global faces are replaced by the detail pass, large ones kept
    expect(
      supersededByDetail([face(500, 350, 60), face(100, 100, 300)], global, full).map((f) => f.box[0]),
    ).toEqual([100]);
  });

  it('plans a padded square global pass plus a finer whole-image pass for large photos', () => {
    const [global, detail, ...rest] = planPasses(1600, 1200);
    expect(rest).toEqual([]);
    expect(global?.inWidth).toBe(BLAZEFACE_INPUT);
    // global pass: the square around the image with a margin on every side
    expect(global?.x).toBeLessThan(0);
    expect(global?.y).toBeLessThan(0);
    expect((global?.x ?? 0) + BLAZEFACE_INPUT * (global?.scale ?? 0)).toBeGreaterThan(1600);
    // detail pass: whole image at long side 512, sizes multiples of 32, covering the image
    expect(detail).toMatchObject({ x: 0, y: 0, inWidth: 512, inHeight: 384 });
    expect((detail?.inHeight ?? 0) * (detail?.scale ?? 0)).toBeGreaterThanOrEqual(1200);
    expect(planPasses(200, 150)).toHaveLength(1);
    expect(planPasses(1600, 1200, { globalMargin: 0.125, detailLongSide: 0 })).toHaveLength(1);
  });
});

describe('alignment', () => {
  it('recovers a known similarity transform', () => {
    const a = 0.8 * Math.cos(0.3),
      b = 0.8 * Math.sin(0.3);
    const from: Array<[number, number]> = [
      [10, 20],
      [60, 25],
      [35, 50],
      [36, 80],
    ];
    const to = from.map(([x, y]) => [a * x - b * y + 5, b * x + a * y - 7] as [number, number]);
    const s = fitSimilarity(from, to, [1, 1, 0.5, 0.75]);
    expect(s.a).toBeCloseTo(a, 10);
    expect(s.b).toBeCloseTo(b, 10);
    expect(s.tx).toBeCloseTo(5, 8);
    expect(s.ty).toBeCloseTo(-7, 8);
  });

  it('maps the dlib chip template back onto the face keypoints', () => {
    const kp: Array<[number, number]> = CHIP_TEMPLATE.map(([x, y]) => [300 + 2 * x, 100 + 2 * y]);
    const m = chipAffine(kp);
    CHIP_TEMPLATE.forEach(([x, y], i) => {
      expect(m.a * x + m.b * y + m.e).toBeCloseTo(kp[i]?.[0] ?? NaN, 6);
      expect(m.c * x + m.d * y + m.f).toBeCloseTo(kp[i]?.[1] ?? NaN, 6);
    });
  });
});

describe('sampling', () => {
  const checker = (w: number, h: number): Uint8Array => {
    const d = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        d.fill(((x >> 2) + (y >> 2)) % 2 ? 200 : 20, (y * w + x) * 3, (y * w + x) * 3 + 3);
    return d;
  };

  it('identity sampling reproduces the pixels; outside the image gives the fill value', () => {
    const img = { data: checker(16, 12), width: 16, height: 12 };
    const out = new Float32Array(20 * 12 * 3);
    sampleAffine(
      new Pyramid(img),
      { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 },
      { out, offset: 0, width: 20, height: 12, scale: 1, bias: 0, fill: 7 },
    );
    expect(out[(5 * 20 + 3) * 3]).toBe(img.data[(5 * 16 + 3) * 3]);
    expect(out[(5 * 20 + 18) * 3]).toBe(7);
  });

  it('downscaling reads a pyramid level, so a 4x4 checker averages to grey instead of aliasing', () => {
    const img = { data: checker(256, 256), width: 256, height: 256 };
    const out = new Float32Array(16 * 16 * 3);
    sampleAffine(new Pyramid(img), squareCropAffine(0, 0, 256, 16), {
      out,
      offset: 0,
      width: 16,
      height: 16,
      scale: 1,
      bias: 0,
      fill: 0,
    });
    for (const v of out) expect(Math.abs(v - 110)).toBeLessThan(15);
  });
});

describe('quality', () => {
  it('Laplacian variance drops when the chip is blurred', () => {
    const size = 40;
    const sharp = new Float32Array(size * size * 3).map((_, i) =>
      ((Math.floor(i / 3) % size) >> 1) % 2 ? 255 : 0,
    );
    const blurred = new Float32Array(sharp.length);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < 3; c++) {
          let s = 0,
            n = 0;
          for (let dx = -2; dx <= 2; dx++)
            if (x + dx >= 0 && x + dx < size) {
              s += sharp[(y * size + x + dx) * 3 + c] ?? 0;
              n++;
            }
          blurred[(y * size + x) * 3 + c] = s / n;
        }
    expect(laplacianVariance(sharp, 0, size)).toBeGreaterThan(10 * laplacianVariance(blurred, 0, size));
  });

  it('pose: frontal has ~0 yaw, a turned face has large |yaw|; quality stays in [0,1] with its parts', () => {
    const frontal = estimatePose([
      [40, 50],
      [80, 50],
      [60, 70],
      [60, 90],
    ]);
    const turned = estimatePose([
      [40, 50],
      [80, 50],
      [78, 70],
      [70, 90],
    ]);
    expect(Math.abs(frontal.yaw)).toBeLessThan(1e-9);
    expect(turned.yaw).toBeGreaterThan(0.4);
    const good = faceQuality({ score: 0.95, faceWidth: 120, laplacianVariance: 400, pose: frontal });
    const bad = faceQuality({ score: 0.7, faceWidth: 30, laplacianVariance: 10, pose: turned });
    expect(good.quality).toBeGreaterThan(0.8);
    expect(bad.quality).toBeLessThan(0.3);
    for (const q of [good, bad]) {
      expect(q.quality).toBeGreaterThanOrEqual(0);
      expect(q.quality).toBeLessThanOrEqual(1);
      expect(Object.keys(q.parts)).toEqual(expect.arrayContaining(['detector', 'size', 'sharpness', 'pose']));
    }
  });
});
