import { describe, expect, it } from 'vitest';
import { blockIndex, computeWindow } from './windowing';

const base = { viewportWidth: 1000, viewportHeight: 800, cellWidth: 132, cellHeight: 132, gap: 8, blockRows: 3, scrollTop: 0 };

describe('computeWindow', () => {
  it('mounts a bounded number of cells for 50,000 items anywhere in the list', () => {
    for (const scrollTop of [0, 1234, 500_000, 874_860]) {
      const w = computeWindow({ ...base, count: 50_000, scrollTop });
      expect(w.columns).toBe(7);
      expect(w.end - w.start).toBeLessThanOrEqual(7 * 16);
      // The viewport is always covered.
      const firstVisible = Math.floor(scrollTop / w.rowHeight) * w.columns;
      const lastVisible = Math.min(50_000, Math.ceil((scrollTop + 800) / w.rowHeight) * w.columns);
      expect(w.start).toBeLessThanOrEqual(firstVisible);
      expect(w.end).toBeGreaterThanOrEqual(Math.min(lastVisible, 50_000));
    }
  });

  it('changes only at block boundaries', () => {
    const a = computeWindow({ ...base, count: 50_000, scrollTop: 0 });
    const b = computeWindow({ ...base, count: 50_000, scrollTop: 3 * 140 - 1 });
    const c = computeWindow({ ...base, count: 50_000, scrollTop: 3 * 140 });
    expect(b).toEqual(a);
    expect(c.block).toBe(1);
    expect(blockIndex(-50, 140, 3)).toBe(0);
  });

  it('clamps to the item count and handles lists and empty grids', () => {
    expect(computeWindow({ ...base, count: 5 })).toMatchObject({ start: 0, end: 5, rows: 1 });
    expect(computeWindow({ ...base, count: 0 })).toMatchObject({ start: 0, end: 0 });
    const list = computeWindow({ ...base, cellWidth: 'fill', cellHeight: 330, count: 5000, scrollTop: 330_000 });
    expect(list.columns).toBe(1);
    expect(list.end - list.start).toBeLessThanOrEqual(12);
    expect(list.start).toBeLessThanOrEqual(Math.floor(330_000 / 338));
  });
});
