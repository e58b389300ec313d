/**
 * People without faces. A body whose face is missing or unusable is compared (clothing / body
 * descriptor) with "anchor" bodies whose face belongs to a person, but only within the same series
 * or a short time window: clothes identify a person for an afternoon, not for a year.
 */
import type { BodyInferenceParams } from './params';

export interface BodyTarget {
  bodyId: number;
  contentId: number;
  time: number | null;
  seriesId: number | null;
}

export interface BodyAnchor extends BodyTarget {
  personId: number;
}

export interface BodyInference {
  bodyId: number;
  personId: number;
  confidence: number;
  distance: number;
  /** Distance to the best other person, null when no other person was in reach. */
  runnerUp: number | null;
  anchorBodyId: number;
}

export interface BodyInferenceInput {
  targets: readonly BodyTarget[];
  anchors: readonly BodyAnchor[];
  /** Cosine distance between two body descriptors, null when either vector is unknown. */
  distance: (a: number, b: number) => number | null;
  /** People already present in the photo by their face (a person is not twice in a photo). */
  peopleInContent: (contentId: number) => ReadonlySet<number> | undefined;
  /** People the user rejected for this body. */
  rejectedPeople: (bodyId: number) => ReadonlySet<number> | undefined;
}

/** Anchors considered per target at most (the nearest in time), to bound work in dense libraries. */
const MAX_ANCHORS_PER_TARGET = 2000;

export function inferBodies(input: BodyInferenceInput, params: BodyInferenceParams): BodyInference[] {
  const timed = input.anchors
    .filter((a) => a.time !== null)
    .sort((a, b) => (a.time as number) - (b.time as number));
  const times = timed.map((a) => a.time as number);
  const bySeries = new Map<number, BodyAnchor[]>();
  for (const a of input.anchors) {
    if (a.seriesId === null) continue;
    const list = bySeries.get(a.seriesId);
    if (list === undefined) bySeries.set(a.seriesId, [a]);
    else list.push(a);
  }
  const results: BodyInference[] = [];
  for (const target of input.targets) {
    const candidates = new Map<number, BodyAnchor>();
    if (target.seriesId !== null)
      for (const a of bySeries.get(target.seriesId) ?? []) candidates.set(a.bodyId, a);
    if (target.time !== null) {
      const from = lowerBound(times, target.time - params.windowMs);
      const to = lowerBound(times, target.time + params.windowMs + 1);
      let lo = from;
      let hi = to;
      if (hi - lo > MAX_ANCHORS_PER_TARGET) {
        const centre = lowerBound(times, target.time);
        lo = Math.max(from, centre - MAX_ANCHORS_PER_TARGET / 2);
        hi = Math.min(to, lo + MAX_ANCHORS_PER_TARGET);
      }
      for (let i = lo; i < hi; i++) {
        const a = timed[i] as BodyAnchor;
        candidates.set(a.bodyId, a);
      }
    }
    const present = input.peopleInContent(target.contentId);
    const rejected = input.rejectedPeople(target.bodyId);
    const bestPerPerson = new Map<number, { distance: number; anchor: number; sameSeries: boolean }>();
    for (const anchor of candidates.values()) {
      if (anchor.bodyId === target.bodyId || anchor.contentId === target.contentId) continue;
      if (present?.has(anchor.personId) === true || rejected?.has(anchor.personId) === true) continue;
      const d = input.distance(target.bodyId, anchor.bodyId);
      if (d === null) continue;
      const prev = bestPerPerson.get(anchor.personId);
      if (prev === undefined || d < prev.distance)
        bestPerPerson.set(anchor.personId, {
          distance: d,
          anchor: anchor.bodyId,
          sameSeries: target.seriesId !== null && anchor.seriesId === target.seriesId,
        });
    }
    const ranked = [...bestPerPerson.entries()].sort((a, b) => a[1].distance - b[1].distance);
    const first = ranked[0];
    // Inside one series (a shoot already linked on clothing) a looser match is enough.
    if (
      first === undefined ||
      first[1].distance > (first[1].sameSeries ? params.seriesMaxDistance : params.maxDistance)
    )
      continue;
    const runnerUp = ranked[1]?.[1].distance ?? null;
    const margin = runnerUp === null ? Number.POSITIVE_INFINITY : runnerUp - first[1].distance;
    if (margin < params.minMargin) continue;
    const sameOutfit = (d: number): number =>
      1 / (1 + Math.exp(-(params.calibrationA + params.calibrationB * d)));
    const confidence = sameOutfit(first[1].distance) * (runnerUp === null ? 1 : 1 - sameOutfit(runnerUp));
    results.push({
      bodyId: target.bodyId,
      personId: first[0],
      confidence: round3(confidence),
      distance: round3(first[1].distance),
      runnerUp: runnerUp === null ? null : round3(runnerUp),
      anchorBodyId: first[1].anchor,
    });
  }
  return results;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
