/**
 * When to regroup duplicates while a scan is still hashing, so that groups show up as the scan
 * goes instead of all at its end. A regrouping reads every hash so far, blocks the engine while it
 * runs and costs more as the scan adds photos, so:
 * - all regroupings of a scan together take at most `share` of the scan's time so far, counting
 *   the next one at its expected cost (the last one's, grown with the photos analysed since);
 * - two regroupings are at least `minIntervalMs` apart;
 * - none runs in the last tenth of the scan: the scan groups everything at its end anyway.
 * Measured before this budget (3,060 photos): three early regroupings took 4.6 s of a 38.8 s scan.
 */
export interface InterimGroupingOptions {
  regroup: () => void;
  now: () => number;
  minIntervalMs?: number;
  share?: number;
  /** What the last regrouping cost (ms), so that the first one of a scan in a big library waits as long as later ones. */
  expectedCostMs?: number;
}

export const INTERIM_GROUPING_MIN_INTERVAL_MS = 5_000;
const INTERIM_GROUPING_SHARE = 0.05;
/** No early regrouping once the scan is this far: the final one is near. */
const LAST_STRETCH = 0.9;

export function createInterimGrouping(options: InterimGroupingOptions): {
  tick: (done: number, total: number) => boolean;
} {
  const minInterval = options.minIntervalMs ?? INTERIM_GROUPING_MIN_INTERVAL_MS;
  const share = options.share ?? INTERIM_GROUPING_SHARE;
  const startedAt = options.now();
  // The first regrouping waits a full interval too: a scan that ends sooner is grouped once, at its end.
  let nextAt = startedAt + minInterval;
  let spent = 0;
  let last: { cost: number; done: number } | null = null;
  return {
    /** Called as the scan makes progress (photos analysed of all to analyse); regroups when it is time, and says whether it did. */
    tick(done: number, total: number): boolean {
      const started = options.now();
      if (started < nextAt || (total > 0 && done >= total * LAST_STRETCH)) return false;
      const expected =
        last === null
          ? (options.expectedCostMs ?? 0)
          : last.cost * Math.max(1, done / Math.max(1, last.done));
      if (spent + expected > share * (started - startedAt)) return false;
      try {
        options.regroup();
      } finally {
        const ended = options.now();
        spent += ended - started;
        last = { cost: ended - started, done };
        nextAt = ended + minInterval;
      }
      return true;
    },
  };
}
