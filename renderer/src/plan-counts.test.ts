import { describe, expect, it } from 'vitest';
import type { DeletePlan } from '../../src/common/contract/types';
import { moveCounts, rowsToMove } from './plan-counts';

// The shape `trash:plan` answers: two ordinary files and the last copy of a group, guarded.
const plan: DeletePlan = {
  id: 1,
  createdAt: 0,
  totalBytes: 3000,
  items: [
    {
      photoId: 1,
      path: '/p/a.jpg',
      bytes: 1000,
      reason: 'selected by you',
      because: { key: 'delete.selected', params: {} },
    },
    {
      photoId: 2,
      path: '/p/b.jpg',
      bytes: 2000,
      reason: 'selected by you',
      because: { key: 'delete.selected', params: {} },
    },
  ],
  guarded: [
    {
      photoId: 3,
      path: '/p/c.jpg',
      bytes: 500,
      why: 'last copy',
      because: { key: 'guard.lastCopy', params: { group: 7 } },
    },
  ],
};

describe('delete plan counts', () => {
  it('count the guarded files the user ticked: what the engine will move', () => {
    expect(moveCounts(plan, true)).toEqual({ files: 3, bytes: 3500 });
    expect(rowsToMove(plan, true).map((r) => r.photoId)).toEqual([1, 2, 3]);
  });

  it('leave them out while the extra confirmation is not ticked', () => {
    expect(moveCounts(plan, false)).toEqual({ files: 2, bytes: 3000 });
    expect(rowsToMove(plan, false).every((r) => !r.guarded)).toBe(true);
  });
});
