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
 *
 * The background descriptor of the vision pipeline is compressed (all-positive pooled features), so
 * the similarity thresholds are high. Measured on dev/dedup/synthetic (16 scenes, 96 images): a
 * burst neighbour (3 % shift) vs its base 0.998–1.000; other edits of one scene (crop, brightness,
 * JPEG, flip) 10th percentile 0.942; DIFFERENT scenes median 0.880, 99th percentile 0.962, max 0.971.
 * Hence `backgroundSimilar` 0.975 (above every different-scene pair), `backgroundStrong` 0.985 and
 * `redundantBackground` 0.99.
 *
 * Clothing compares the bodies of ONE person in the two photos (the best pair of any two bodies is
 * only a veto: two group photos always hold some similar outfits). Measured on the dev group photos
 * bbt1–bbt5 (one cast, five shoots, five outfits each) and four edits of each (4 % crop, +12 %
 * brightness, 60 % size, mirror), bodies paired by face: same person, same outfit (edits of one
 * photo) 5th percentile 0.975, median 0.992; same person, another shoot median 0.925, 95th
 * percentile 0.950, max 0.958; other people 95th percentile 0.951, max 0.969. Hence
 * `clothingSimilar` 0.97 (0.95 linked the cafeteria and the red-carpet photo of the same actors)
 * and `redundantClothing` 0.97.
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
  /**
   * A photo whose largest person box covers this much of the frame has no background to compare
   * (its "background" descriptor would describe the person): dev identity crops 0.90–0.99, the
   * astronaut portrait 0.63–0.69, group photos 0.23–0.36.
   */
  backgroundMaxPersonCover: number;
}

export const DEFAULT_SERIES_PARAMS: SeriesParams = {
  burstGapMs: 10_000,
  sessionGapMs: 30 * 60_000,
  timeOnlyGapMs: 5 * 60_000,
  maxGapMs: 3 * 60 * 60_000,
  backgroundDifferent: 0.9,
  backgroundSimilar: 0.975,
  backgroundStrong: 0.985,
  clothingSimilar: 0.97,
  lookback: 6,
  minPhotos: 2,
  redundantGapMs: 3_000,
  redundantBackground: 0.99,
  redundantClothing: 0.97,
  backgroundMaxPersonCover: 0.8,
};
