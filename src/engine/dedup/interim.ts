/**
 * When to regroup duplicates while a scan is still hashing, so that groups show up as the scan
 * goes instead of all at its end. A regrouping reads every hash so far and costs more as the
 * library grows, so it runs at most once per `minIntervalMs` and takes at most `share` of the
 * scan's time: after a regrouping that took d ms, the next waits max(minIntervalMs, d / share).
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

export function createInterimGrouping(options: InterimGroupingOptions): { tick: () => boolean } {
  const minInterval = options.minIntervalMs ?? INTERIM_GROUPING_MIN_INTERVAL_MS;
  const share = options.share ?? INTERIM_GROUPING_SHARE;
  // The first regrouping waits a full interval too: a scan that ends sooner is grouped once, at its end.
  let nextAt = options.now() + Math.max(minInterval, (options.expectedCostMs ?? 0) / share);
  return {
    /** Called as the scan makes progress; regroups when it is time, and says whether it did. */
    tick(): boolean {
      const started = options.now();
      if (started < nextAt) return false;
      try {
        options.regroup();
      } finally {
        const ended = options.now();
        nextAt = ended + Math.max(minInterval, (ended - started) / share);
      }
      return true;
    },
  };
}
