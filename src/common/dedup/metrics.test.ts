import { describe, expect, it } from 'vitest';
import { pairwiseScores, recallByPart } from './metrics';

describe('pairwiseScores', () => {
  it('counts pairs inside predicted groups against labels', () => {
    const labels = new Map([
      [1, 'a'],
      [2, 'a'],
      [3, 'a'],
      [4, 'b'],
      [5, 'c'],
    ]);
    const s = pairwiseScores([[1, 2, 4]], labels);
    expect(s).toMatchObject({ truePositives: 1, falsePositives: 2, falseNegatives: 2 });
    expect(s.precision).toBeCloseTo(1 / 3);
    expect(s.recall).toBeCloseTo(1 / 3);
    expect(pairwiseScores([], labels)).toMatchObject({ precision: 1, recall: 0, f1: 0 });
    expect(pairwiseScores([[1, 2, 3]], labels).f1).toBe(1);
  });

  it('splits recall by a second label, each true pair counting for both of its members', () => {
    const labels = new Map([
      [1, 'a'],
      [2, 'a'],
      [3, 'a'],
      [4, 'b'],
      [5, 'b'],
    ]);
    const parts = new Map([
      [1, 'original'],
      [2, 'crop'],
      [3, 'border'],
      [4, 'original'],
      [5, 'crop'],
    ]);
    // Found: 1-2 and 4-5; missed: 1-3 and 2-3.
    const r = recallByPart([[1, 2], [4, 5], [3]], labels, parts);
    expect(r.get('original')).toEqual({ found: 2, total: 3, recall: 2 / 3 });
    expect(r.get('crop')).toEqual({ found: 2, total: 3, recall: 2 / 3 });
    expect(r.get('border')).toEqual({ found: 0, total: 2, recall: 0 });
  });
});
