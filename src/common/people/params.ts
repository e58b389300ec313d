/**
 * Clustering thresholds. Distances are cosine distances (1 - cos) between L2-normalised vectors.
 *
 * Measured with the real vision pipeline (dlib ResNet-34 descriptors, 128-d, L2 = 1) on the dev set
 * (40 crops of 8 people + 5 group photos + 7 unlabelled portraits; see docs/people.md):
 * same person: median 0.049, 95th percentile 0.084, max 0.106; different people: min 0.078,
 * 1st percentile 0.094, median 0.154. These descriptors live in a narrow cone, so distances are small.
 *
 * - `eps` 0.072: two faces are neighbours below it. Swept 0.06..0.10 on the dev set: 0.07 and 0.075
 *   give 8 people for 8 identities (pairwise precision 1.0, recall 0.95); 0.08 already chains two
 *   identities (precision 0.76). The pipeline's pairwise match threshold (0.085) is too loose for
 *   density clustering, where one bridge is enough to merge two people.
 * - `minPts` 3: a face is a core face with at least 3 neighbours within eps (Immich's default), so a
 *   person is born from 4 mutually close faces and a single look-alike does not chain two people.
 *   (2 and 3 gave the same result on the dev set; 3 is the safer on large libraries.)
 * - `minSeedQuality` 0.35: blurry, tiny or sideways faces (quality below it) never seed a person and
 *   never carry a cluster further; they may still join a person as border faces, with a tighter
 *   radius (`lowQualityEpsFactor`, as ente does for blurry faces). Dev-set qualities: frontal crops
 *   0.62–0.96, group-photo faces 0.72–0.95, three-quarter views in bbt2 0.19–0.46.
 */
export interface PeopleParams {
  eps: number;
  minPts: number;
  /** Neighbours fetched per face from the index. */
  k: number;
  minSeedQuality: number;
  lowQualityEpsFactor: number;
  /** Attach rounds: faces that join a person can pull in their own neighbours on the next round. */
  attachRounds: number;
  /**
   * Faces narrower than this (image pixels) are too small to recognise across a library: they take
   * no part in density clustering. Measured on the dev series set: faces of 9-32 px (128-px
   * catalogue photos) of DIFFERENT people were as close as 0.043 (48 pairs below eps), which made
   * one "person" of most men and women; faces of 88 px and more behaved like the dev face set.
   */
  minFaceWidth: number;
  /**
   * Inside one series, faces of different photos this close are one person (`seriesPeople`). Dev
   * series set, same model within a series: median 0.065, 95th percentile 0.10.
   */
  seriesFaceEps: number;
  /**
   * Faces below this quality are not faces to build a person on, even inside a series: on the dev
   * series set the back of a head was taken for a face at quality 0.01; real faces there, 10-30 px
   * wide, score 0.19-0.35.
   */
  seriesFaceMinQuality: number;
}

export const DEFAULT_PEOPLE_PARAMS: PeopleParams = {
  eps: 0.072,
  minPts: 3,
  k: 16,
  minSeedQuality: 0.35,
  lowQualityEpsFactor: 0.75,
  attachRounds: 3,
  minFaceWidth: 40,
  seriesFaceEps: 0.1,
  seriesFaceMinQuality: 0.1,
};

/**
 * People without faces: a body is matched to bodies whose face belongs to a person, only within the
 * same series or within `windowMs` (clothes change between days). `maxDistance` is the largest body
 * descriptor distance accepted; `minMargin` the gap required to the second-best person, so an
 * ambiguous body (two people in similar clothes) stays unassigned.
 *
 * Measured on the dev group photos with every head pixelated (real body descriptors, 588-d): the
 * body of the right person was nearest in 8 of 8 matched bodies, at distance 0.016–0.048, with a
 * gap of 0.007–0.036 to the next person; other people were at 0.029 and more. So `maxDistance` 0.06
 * and `minMargin` 0.005. These descriptors are not robust to a changed box (a body cropped at the
 * neck matched its own person in only 8 of 19 cases), which is why the time/series window matters.
 */
export interface BodyInferenceParams {
  windowMs: number;
  maxDistance: number;
  /** The same, for an anchor in the target's own series (one shoot, already linked on evidence). */
  seriesMaxDistance: number;
  minMargin: number;
  /**
   * Calibration of a body distance d into the probability of the same outfit, p = 1 / (1 +
   * exp(-(calibrationA + calibrationB d))): a logistic fit on the dev series set (DeepFashion, 304
   * same-outfit and 20,402 other pairs weighted equally; p(0.05) 0.97, p(0.10) 0.88, p(0.15) 0.63,
   * p(0.20) 0.28). An inference's confidence is p(best) x (1 - p(runner-up)).
   */
  calibrationA: number;
  calibrationB: number;
  /** Faces below this quality are "unusable": their body is matched by clothing instead. */
  unusableFaceQuality: number;
}

export const DEFAULT_BODY_PARAMS: BodyInferenceParams = {
  windowMs: 3 * 60 * 60 * 1000,
  maxDistance: 0.18,
  seriesMaxDistance: 0.25,
  minMargin: 0.03,
  calibrationA: 4.93,
  calibrationB: -29.45,
  unusableFaceQuality: 0.35,
};
