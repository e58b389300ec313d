import { describe, expect, it } from 'vitest';
import type { FaceRef } from '../../src/common/contract/types';
import { INFERRED_MIN_CONFIDENCE, pendingSuggestions } from './suggestions';

const body = (id: number, confidence: number): FaceRef => ({
  id,
  photoId: id,
  path: `/p/${id}.jpg`,
  box: [0, 0, 10, 20],
  quality: 0,
  inferred: true,
  confidence,
});

describe('faceless suggestions', () => {
  it('offer only confident matches', () => {
    const shown = pendingSuggestions(
      [body(1, 0.09), body(2, INFERRED_MIN_CONFIDENCE), body(3, 0.8)],
      new Set(),
    );
    expect(shown.map((f) => f.id)).toEqual([2, 3]);
  });

  it('drop a match once it is answered: confirmed ones (confidence 1) and the ones answered now', () => {
    const shown = pendingSuggestions([body(1, 1), body(2, 0.7), body(3, 0.8)], new Set([3]));
    expect(shown.map((f) => f.id)).toEqual([2]);
  });
});
