import { describe, expect, it } from 'vitest';
import { createInterimGrouping } from './interim';

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('interim duplicate grouping during a scan', () => {
  it('waits a full interval before the first regrouping and between two', () => {
    const c = clock();
    let runs = 0;
    const g = createInterimGrouping({ now: c.now, regroup: () => runs++, minIntervalMs: 5_000 });
    expect(g.tick(10, 1000)).toBe(false);
    c.advance(4_999);
    expect(g.tick(20, 1000)).toBe(false);
    c.advance(1);
    expect(g.tick(30, 1000)).toBe(true);
    expect(g.tick(31, 1000)).toBe(false);
    c.advance(5_000);
    expect(g.tick(40, 1000)).toBe(true);
    expect(runs).toBe(2);
  });

  it('spends at most its share of the scan on regrouping, counting the next one at its grown cost', () => {
    const c = clock();
    let cost = 1_000;
    let spent = 0;
    const g = createInterimGrouping({
      now: c.now,
      regroup: () => {
        c.advance(cost);
        spent += cost;
      },
      minIntervalMs: 5_000,
      share: 0.05,
    });
    // Nothing is known about the cost yet: the first regrouping runs after the interval (it takes 1 s).
    c.advance(5_000);
    expect(g.tick(100, 10_000)).toBe(true);
    // Twice the photos: the next one is expected to cost 2 s, so 1 s + 2 s needs 60 s of scan.
    cost = 2_000;
    c.advance(53_999);
    expect(g.tick(200, 10_000)).toBe(false);
    c.advance(1);
    expect(g.tick(200, 10_000)).toBe(true);
    expect(spent).toBe(3_000);
    // Whatever happened, the share holds: 3 s of regrouping in 60 s of scanning.
    expect(spent / (c.now() - 1_000)).toBeLessThanOrEqual(0.05 + 1e-9);
  });

  it('never regroups in the last tenth of the scan: its final grouping is near', () => {
    const c = clock();
    const g = createInterimGrouping({ now: c.now, regroup: () => undefined, minIntervalMs: 100 });
    c.advance(1_000);
    expect(g.tick(900, 1000)).toBe(false);
    expect(g.tick(899, 1000)).toBe(true);
  });

  it("waits for the first regrouping as long as the last regrouping's cost asks (a small rescan of a big library)", () => {
    const c = clock();
    const g = createInterimGrouping({
      now: c.now,
      regroup: () => undefined,
      minIntervalMs: 5_000,
      share: 0.05,
      expectedCostMs: 3_000,
    });
    c.advance(59_999);
    expect(g.tick(10, 1000)).toBe(false);
    c.advance(1);
    expect(g.tick(10, 1000)).toBe(true);
  });

  it('keeps its schedule when a regrouping fails (the caller decides what a failure means)', () => {
    const c = clock();
    const g = createInterimGrouping({
      now: c.now,
      regroup: () => {
        throw new Error('disk full');
      },
      minIntervalMs: 100,
    });
    c.advance(100);
    expect(() => g.tick(1, 1000)).toThrow('disk full');
    expect(g.tick(2, 1000)).toBe(false);
  });
});
