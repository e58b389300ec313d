/**
 * Clustering thresholds. Distances are cosine distances (1 - cos) between L2-normalised vectors.
 *
 * - `eps` 0.18: two faces are neighbours below it. It is the classic 0.6 Euclidean threshold of the
 *   128-d dlib/face-api descriptors converted to unit vectors (d² / 2 = 0.18); the engine passes the
 *   vision pipeline's own match threshold when it has one. Ente uses 0.24 on its 192-d model.
 * - `minPts` 3: a face is a core face with at least 3 neighbours within eps (Immich's default), so a
 *   person is born from 4 mutually close faces and a single look-alike does not chain two people.
 * - `minSeedQuality` 0.35: blurry, tiny or sideways faces (quality below it) never seed a person and
 *   never carry a cluster further; they may still join a person as border faces, with a tighter
 *   radius (`lowQualityEpsFactor`, as ente does for blurry faces).
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
}

export const DEFAULT_PEOPLE_PARAMS: PeopleParams = {
  eps: 0.18,
  minPts: 3,
  k: 16,
  minSeedQuality: 0.35,
  lowQualityEpsFactor: 0.75,
  attachRounds: 3,
};

/**
 * People without faces: a body is matched to bodies whose face belongs to a person, only within the
 * same series or within `windowMs` (clothes change between days). `maxDistance` is the largest body
 * descriptor distance accepted; `minMargin` the gap required to the second-best person, so an
 * ambiguous body (two people in similar clothes) stays unassigned.
 */
export interface BodyInferenceParams {
  windowMs: number;
  maxDistance: number;
  minMargin: number;
  /** Faces below this quality are "unusable": their body is matched by clothing instead. */
  unusableFaceQuality: number;
}

export const DEFAULT_BODY_PARAMS: BodyInferenceParams = {
  windowMs: 3 * 60 * 60 * 1000,
  maxDistance: 0.25,
  minMargin: 0.03,
  unusableFaceQuality: 0.35,
};
