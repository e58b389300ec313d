import { describe, expect, it } from 'vitest';
import { pairwiseScores } from './metrics';

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
});
