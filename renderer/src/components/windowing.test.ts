import { describe, expect, it } from 'vitest';
import { blockIndex, computeListWindow, computeWindow, itemAt, listOffsets } from './windowing';

const base = {
  viewportWidth: 1000,
  viewportHeight: 800,
  cellWidth: 132,
  cellHeight: 132,
  gap: 8,
  blockRows: 3,
  scrollTop: 0,
};

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
    const list = computeWindow({
      ...base,
      cellWidth: 'fill',
      cellHeight: 330,
      count: 5000,
      scrollTop: 330_000,
    });
    expect(list.columns).toBe(1);
    expect(list.end - list.start).toBeLessThanOrEqual(12);
    expect(list.start).toBeLessThanOrEqual(Math.floor(330_000 / 338));
  });
});

describe('computeListWindow (items of varying heights)', () => {
  // Duplicate groups: 2 to 30 copies each, so heights from ~150 px to ~2,000 px.
  const heights = Array.from({ length: 5000 }, (_, i) => 80 + ((i * 7919) % 29) * 66);
  const offsets = listOffsets(heights.length, (i) => heights[i] ?? 0, 8);

  it('places items one after another with the gap between them', () => {
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBe((heights[0] ?? 0) + 8);
    expect(offsets[5000]).toBe(heights.reduce((a, b) => a + b, 0) + 8 * 4999);
    expect(listOffsets(0, () => 100, 8)).toEqual([0]);
  });

  it('always covers the viewport and mounts a bounded number of items', () => {
    const viewport = 700;
    const blockPx = 350;
    for (const scrollTop of [0, 999, 123_456, 2_000_000, (offsets[5000] ?? 0) - viewport]) {
      const { start, end } = computeListWindow(offsets, viewport, blockPx, blockIndex(scrollTop, blockPx, 1));
      // The first visible item is the one whose bottom is below scrollTop; the last starts above the viewport's bottom.
      const firstVisible = itemAt(offsets, scrollTop);
      const lastVisible = itemAt(offsets, scrollTop + viewport - 1);
      expect(start).toBeLessThanOrEqual(firstVisible);
      expect(end).toBeGreaterThan(lastVisible);
      expect(end - start).toBeLessThanOrEqual(20);
    }
  });

  it('does not change within a block', () => {
    const at = (scrollTop: number) => computeListWindow(offsets, 700, 350, blockIndex(scrollTop, 350, 1));
    expect(at(351)).toEqual(at(699));
    expect(at(700)).not.toEqual(at(0));
    expect(computeListWindow([0], 700, 350, 0)).toEqual({ start: 0, end: 0 });
  });

  it('finds the item under a position, clamped to the list', () => {
    expect(itemAt([0, 108, 216, 300], 0)).toBe(0);
    expect(itemAt([0, 108, 216, 300], 107)).toBe(0);
    expect(itemAt([0, 108, 216, 300], 108)).toBe(1);
    expect(itemAt([0, 108, 216, 300], 10_000)).toBe(2);
  });
});
