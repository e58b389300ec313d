/**
 * Series thresholds. Similarities are cosine similarities (1 - distance) of L2-normalised vectors.
 *
 * - `burstGapMs` 10 s: frames this close are one shooting moment unless the background changed.
 * - `sessionGapMs` 30 min (digiKam/Apple "moments" use similar gaps): within it, photos link on
 *   visual evidence — same background (>= `backgroundSimilar`), or shared people in the same
 *   clothes (>= `clothingSimilar`); without descriptors, on time alone up to `timeOnlyGapMs`.
 * - `maxGapMs` 3 h: beyond the session gap only a very similar background (>= `backgroundStrong`)
 *   with the same people continues a series; nothing links across more than 3 h.
 * - Redundant burst frames: at most `redundantGapMs` apart AND background >= `redundantBackground`
 *   AND bodies >= `redundantClothing` AND the same people.
 */
export interface SeriesParams {
  burstGapMs: number;
  sessionGapMs: number;
  timeOnlyGapMs: number;
  maxGapMs: number;
  backgroundDifferent: number;
  backgroundSimilar: number;
  backgroundStrong: number;
  clothingSimilar: number;
  /** Members of an open series a new photo is compared with (the most recent ones). */
  lookback: number;
  minPhotos: number;
  redundantGapMs: number;
  redundantBackground: number;
  redundantClothing: number;
}

export const DEFAULT_SERIES_PARAMS: SeriesParams = {
  burstGapMs: 10_000,
  sessionGapMs: 30 * 60_000,
  timeOnlyGapMs: 5 * 60_000,
  maxGapMs: 3 * 60 * 60_000,
  backgroundDifferent: 0.5,
  backgroundSimilar: 0.75,
  backgroundStrong: 0.88,
  clothingSimilar: 0.8,
  lookback: 6,
  minPhotos: 2,
  redundantGapMs: 3_000,
  redundantBackground: 0.95,
  redundantClothing: 0.9,
};
