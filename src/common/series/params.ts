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
 * only a veto: two group photos always hold some similar outfits). Measured with the Lab clothing
 * descriptor on the dev group photos bbt1–bbt5 (one cast, five shoots, five outfits each) and four
 * edits of each (4 % crop, +12 % brightness, 60 % size, mirror), bodies paired by face: same person,
 * same outfit 5th percentile 0.931, median 0.996; same person, another shoot median 0.616, 95th
 * percentile 0.765, max 0.791; other people 95th percentile 0.831, max 0.942. Hence
 * `clothingSimilar` 0.88 (between the same person's other shoots and the same outfit; on the dev
 * series set the same outfit from another side has median 0.93) and `redundantClothing` 0.97 (a
 * frame is only called redundant when the clothes are as good as identical).
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
  /** A background link needs a similarity above the photos' k-th nearest backgrounds by this much. */
  backgroundDistinctMargin: number;
  /**
   * k of that test (`backgroundCommonness`), leaving out neighbours at `backgroundNearIdentical` or
   * more (copies and frames of the same scene). Measured: dev series set (54 shoots on one white
   * studio background) 8th-nearest other background median 0.994, shoot-mates 0.95-0.997, so a
   * background never links them; synthetic bursts (16 scenes) burst frame vs base 0.998-1.000
   * against an 8th-nearest of about 0.95.
   */
  backgroundCommonK: number;
  backgroundNearIdentical: number;
  /** File-dated photos: this many within `batchWindowMs` were copied in one go; their dates are no clock. */
  batchMinFiles: number;
  batchWindowMs: number;
  /** Without a clock: one figure dressed alike (body descriptors this similar) links two neighbours by itself. */
  clothingAlone: number;
  /** Without a clock: the clothing bar for neighbours whose names share a specific stem. */
  clothingWithName: number;
  /** A stem shared by at most this many files of a folder is specific (a look, a product, a burst). */
  specificStemMaxFiles: number;
  /** Without a clock: the photos of the current run a new photo is compared with. */
  untimedLookback: number;
  /**
   * A pause in the rhythm of shooting: a gap longer than `breakFactor` times the median of the
   * `breakWindow` gaps before it, and at least `breakMinGapMs`. A studio day is outfit after outfit
   * on one wall, frames seconds apart and minutes between looks; across such a pause a place and
   * look-alike clothes are no evidence of one shoot, only the same person is (see linkEvidence).
   */
  breakFactor: number;
  breakWindow: number;
  breakMinGapMs: number;
}

export const DEFAULT_SERIES_PARAMS: SeriesParams = {
  burstGapMs: 10_000,
  sessionGapMs: 30 * 60_000,
  timeOnlyGapMs: 5 * 60_000,
  maxGapMs: 3 * 60 * 60_000,
  backgroundDifferent: 0.9,
  backgroundSimilar: 0.975,
  backgroundStrong: 0.985,
  clothingSimilar: 0.88,
  lookback: 6,
  minPhotos: 2,
  redundantGapMs: 3_000,
  redundantBackground: 0.99,
  redundantClothing: 0.97,
  backgroundMaxPersonCover: 0.8,
  backgroundDistinctMargin: 0.002,
  backgroundCommonK: 8,
  backgroundNearIdentical: 0.998,
  batchMinFiles: 10,
  batchWindowMs: 60_000,
  clothingAlone: 0.95,
  clothingWithName: 0.7,
  specificStemMaxFiles: 12,
  untimedLookback: 3,
  breakFactor: 5,
  breakWindow: 6,
  breakMinGapMs: 2 * 60_000,
};
