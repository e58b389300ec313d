import { describe, expect, it } from 'vitest';
import { contentSignature, measureContentCandidates, type ContentSignature } from './content';
import { alignedPhashDistance, CROP_INDEX_BOXES, cropProbes, probeAlignments } from './crop-probes';
import { hammingDistance } from './hash64';

const SIZE = 64;

function sig(f: (u: number, v: number) => number): ContentSignature {
  const out = new Float64Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const l = f((x + 0.5) / SIZE, (y + 0.5) / SIZE);
      out.set([l, l, l], (y * SIZE + x) * 3);
    }
  return contentSignature(out, SIZE, [0, 0, 0, 0]);
}

/** A textured scene; `seed` picks another. */
const scene =
  (seed: number) =>
  (u: number, v: number): number =>
    128 +
    60 * Math.sin(u * (7 + seed) + seed) * Math.cos(v * (5 + 2 * seed) - seed) +
    40 * Math.sin((u - v) * (11 + seed));

/** Closest distance between B's query box and A's index boxes (B a crop of A). */
const probeDistance = (a: ContentSignature, b: ContentSignature): number => {
  const pa = cropProbes(a);
  const pb = cropProbes(b);
  return Math.min(...pa.index.map((h) => hammingDistance(pb.query, h)));
};

describe('crop probes', () => {
  it('index a box per axis side and offset', () => {
    expect(cropProbes(sig(scene(1))).index).toHaveLength(CROP_INDEX_BOXES);
  });

  // Crops that keep different shares of the width and the height, off-centre: square index boxes
  // missed these (12 bits for a crop of 25 % of the width and 12 % of the height).
  for (const [left, right, top, bottom] of [
    [0.12, 0.13, 0.01, 0.11],
    [0.02, 0.14, 0.15, 0.1],
    [0.15, 0.15, 0, 0.05],
    [0.06, 0.02, 0.12, 0.13],
  ] as const) {
    it(`find a crop of ${left}/${right} of the width and ${top}/${bottom} of the height, and its alignment`, () => {
      const original = sig(scene(2));
      const w = 1 - left - right;
      const h = 1 - top - bottom;
      const crop = sig((u, v) => scene(2)(left + w * u, top + h * v));
      expect(probeDistance(original, crop)).toBeLessThanOrEqual(10);
      // The probe matches are starting points on a coarse grid; the content search finds the crop.
      const [m] = measureContentCandidates(
        original,
        crop,
        'identity',
        0.7,
        probeAlignments(cropProbes(original), cropProbes(crop), 3),
        3,
        0.9,
      );
      expect(m?.agreement).toBeGreaterThan(0.9);
      // Within 0.08 of the true scale: these smooth test scenes leave the alignment a little play.
      expect(Math.abs((m?.sx ?? 0) - w)).toBeLessThan(0.08);
      expect(Math.abs((m?.sy ?? 0) - h)).toBeLessThan(0.08);
      expect(m && alignedPhashDistance(original, crop, m)).toBeLessThanOrEqual(6);
    });
  }

  it('tell a crop from another picture by the pHash of the aligned overlap', () => {
    const original = sig(scene(3));
    const crop = sig((u, v) => scene(3)(0.1 + 0.8 * u, 0.05 + 0.85 * v));
    const other = sig((u, v) => scene(4)(0.1 + 0.8 * u, 0.05 + 0.85 * v));
    const at = {
      agreement: 1,
      overlay: false,
      leftOut: null,
      structured: 100,
      sx: 0.8,
      sy: 0.85,
      ox: 0.1,
      oy: 0.05,
      gain: 1,
      offset: 0,
      flat: false,
      hue: 1,
    };
    expect(alignedPhashDistance(original, crop, at)).toBeLessThanOrEqual(4);
    expect(alignedPhashDistance(original, other, at)).toBeGreaterThan(16);
    // The band the agreement left out is left out of the pHash too: a bar over B's bottom quarter.
    const barred = sig((u, v) => (v > 0.78 ? 20 : scene(3)(0.1 + 0.8 * u, 0.05 + 0.85 * v)));
    expect(alignedPhashDistance(original, barred, at)).toBeGreaterThan(8);
    expect(alignedPhashDistance(original, barred, { ...at, leftOut: [0, 0.75, 1, 1] })).toBeLessThanOrEqual(
      4,
    );
  });
});
