import { describe, expect, it } from 'vitest';
import { FIT, fitScale, panBy, place, zoomTo } from './zoom';

const stage = { width: 800, height: 600 };
const photo = { width: 4000, height: 3000 };

describe('viewer zoom', () => {
  it('fits a large photo into the stage and never enlarges a small one', () => {
    expect(fitScale(stage, photo)).toBeCloseTo(0.2);
    expect(fitScale(stage, { width: 400, height: 300 })).toBe(1);
    const p = place(FIT, stage, photo);
    expect(p).toMatchObject({ left: 0, top: 0, width: 800, height: 600 });
  });

  it('zooms to 100 % around the centre: one image pixel per CSS pixel, same point in the middle', () => {
    const full = zoomTo(FIT, stage, photo, 1);
    expect(full.scale).toBe(1);
    const p = place(full, stage, photo);
    expect(p.width).toBe(4000);
    // The image centre stays under the stage centre.
    expect(p.left + 2000).toBeCloseTo(400);
    expect(p.top + 1500).toBeCloseTo(300);
  });

  it('keeps the point under the cursor fixed when zooming there', () => {
    const at = { x: 100, y: 100 };
    const before = place(FIT, stage, photo);
    const u = (at.x - before.left) / before.width;
    const next = zoomTo(FIT, stage, photo, 1, at);
    const after = place(next, stage, photo);
    expect((at.x - after.left) / after.width).toBeCloseTo(u);
  });

  it('pans with the drag and stops at the image edges', () => {
    const full = zoomTo(FIT, stage, photo, 1);
    const moved = place(panBy(full, stage, photo, -100, 0), stage, photo);
    expect(moved.left).toBeCloseTo(place(full, stage, photo).left - 100);
    const far = place(panBy(full, stage, photo, 1e6, 1e6), stage, photo);
    expect(far.left).toBe(0);
    expect(far.top).toBe(0);
    // At fit there is nothing to pan.
    expect(place(panBy(FIT, stage, photo, 50, 50), stage, photo).left).toBe(0);
  });
});
