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
    expect(g.tick()).toBe(false);
    c.advance(4_999);
    expect(g.tick()).toBe(false);
    c.advance(1);
    expect(g.tick()).toBe(true);
    expect(g.tick()).toBe(false);
    c.advance(5_000);
    expect(g.tick()).toBe(true);
    expect(runs).toBe(2);
  });

  it('spends at most its share of the time on regrouping when a regrouping is slow', () => {
    const c = clock();
    const g = createInterimGrouping({
      now: c.now,
      regroup: () => c.advance(1_000),
      minIntervalMs: 5_000,
      share: 0.05,
    });
    c.advance(5_000);
    expect(g.tick()).toBe(true);
    // 1 s of regrouping buys 20 s of scanning before the next one.
    c.advance(19_999);
    expect(g.tick()).toBe(false);
    c.advance(1);
    expect(g.tick()).toBe(true);
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
    expect(g.tick()).toBe(false);
    c.advance(1);
    expect(g.tick()).toBe(true);
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
    expect(() => g.tick()).toThrow('disk full');
    expect(g.tick()).toBe(false);
  });
});
