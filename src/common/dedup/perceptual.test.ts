import { describe, expect, it } from 'vitest';
import { DIHEDRAL_TRANSFORMS, transformGrid } from './dihedral';
import { hammingDistance } from './hash64';
import { dhashFromGrid, lowFrequencyDct, phashFromDct, resampleArea, transformDct } from './perceptual';
import { seededRandom } from './test-random';

function smoothImage(seed: number, size = 32): Float64Array {
  const random = seededRandom(seed);
  const blobs = Array.from({ length: 6 }, () => ({
    x: random() * size,
    y: random() * size,
    r: 3 + random() * 10,
    v: random() * 200,
  }));
  const img = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 20;
      for (const b of blobs) v += b.v * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
      img[y * size + x] = v;
    }
  }
  return img;
}

describe('pHash', () => {
  it.each(DIHEDRAL_TRANSFORMS)(
    'derives the DCT of the %s image from the original coefficients',
    (transform) => {
      const img = smoothImage(11);
      const direct = lowFrequencyDct(transformGrid(img, 32, 32, transform).data);
      const derived = transformDct(lowFrequencyDct(img), transform);
      for (let i = 0; i < 64; i++) expect(derived[i]).toBeCloseTo(direct[i] ?? NaN, 6);
      expect(phashFromDct(derived)).toBe(phashFromDct(direct));
    },
  );

  it('separates different images and tolerates small changes', () => {
    const a = smoothImage(1);
    const b = smoothImage(2);
    const noisy = a.map((v, i) => v + ((i * 7919) % 5) - 2);
    const hash = (img: Float64Array): bigint => phashFromDct(lowFrequencyDct(img));
    expect(hammingDistance(hash(a), hash(noisy))).toBeLessThanOrEqual(4);
    expect(hammingDistance(hash(a), hash(b))).toBeGreaterThan(16);
  });
});

describe('dHash', () => {
  it('sets a bit where the next pixel is brighter', () => {
    const grid = new Float64Array(72);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 9; x++) grid[y * 9 + x] = y === 0 ? x : 9 - x;
    expect(dhashFromGrid(grid)).toBe(0xff00000000000000n);
    expect(() => dhashFromGrid(new Float64Array(64))).toThrow(/9×8/);
  });
});

describe('resampleArea', () => {
  it('averages exact blocks and keeps the mean for fractional ones', () => {
    const grid = Float64Array.from({ length: 16 }, (_, i) => i);
    expect(Array.from(resampleArea(grid, 4, 4, 2, 2))).toEqual([2.5, 4.5, 10.5, 12.5]);
    const thirds = resampleArea(grid, 4, 4, 3, 3);
    const mean = thirds.reduce((s, v) => s + v, 0) / 9;
    expect(mean).toBeCloseTo(7.5, 9);
    expect(() => resampleArea(grid, 4, 4, 5, 5)).toThrow(/downscale/);
  });
});

describe('transformGrid', () => {
  it('rotates clockwise and swaps the size', () => {
    // 3×2 grid: [a b c / d e f]
    const out = transformGrid([1, 2, 3, 4, 5, 6], 3, 2, 'rot90');
    expect({ w: out.width, h: out.height, data: Array.from(out.data) }).toEqual({
      w: 2,
      h: 3,
      data: [4, 1, 5, 2, 6, 3],
    });
    const back = transformGrid(out.data, 2, 3, 'rot270');
    expect(Array.from(back.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
