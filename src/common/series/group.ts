/**
 * Groups photos into series: one pass in time order keeps a few "open" series and puts each photo
 * into the open series it links to best (several series may interleave, e.g. two cameras). A link
 * needs time AND evidence (background, people + clothing); every link records its kind and values
 * so the series can say why it exists.
 */
import type { SeriesParams } from './params';
import { bestPairSimilarity, cosineSimilarity, samePersonSimilarity } from './vectors';
import type { SeriesLinkKind } from '../contract/types';

export type TimeSource = 'exif' | 'mtime';

export interface SeriesPhoto {
  contentId: number;
  time: number;
  timeSource: TimeSource;
  people: readonly number[];
  background: ArrayLike<number> | null;
  bodies: readonly ArrayLike<number>[];
  /** The person of each body (same order as `bodies`), null when unknown; absent: none known. */
  bodyPeople?: readonly (number | null)[];
}

export type LinkKind = SeriesLinkKind;

export interface LinkEvidence {
  kind: LinkKind;
  gapMs: number;
  background: number | null;
  clothing: number | null;
  peopleOverlap: number | null;
}

export interface GroupedSeries {
  contentIds: number[];
  /** links[i] joined contentIds[i + 1] (in time order) to the series. */
  links: LinkEvidence[];
}

const KIND_RANK: Record<LinkKind, number> = { burst: 3, 'people+clothing': 2, background: 1, time: 0 };

export function linkEvidence(a: SeriesPhoto, b: SeriesPhoto, p: SeriesParams): LinkEvidence | null {
  const gapMs = Math.abs(b.time - a.time);
  if (gapMs > p.maxGapMs) return null;
  const background =
    a.background !== null && b.background !== null ? cosineSimilarity(a.background, b.background) : null;
  // Same clothes means the same person's clothes; the best pair of any bodies is only a veto.
  const sameClothes = samePersonSimilarity(a.bodies, a.bodyPeople, b.bodies, b.bodyPeople);
  const clothing = sameClothes ?? bestPairSimilarity(a.bodies, b.bodies);
  const peopleOverlap = jaccard(a.people, b.people);
  const peopleConflict = peopleOverlap === 0 && a.people.length > 0 && b.people.length > 0;
  const samePeopleOrNone = peopleOverlap === null ? true : peopleOverlap > 0;
  const evidence = (kind: LinkKind): LinkEvidence => ({
    kind,
    gapMs,
    background: r3(background),
    clothing: r3(clothing),
    peopleOverlap: r3(peopleOverlap),
  });

  // File dates are no clock: copying a folder gives every file the same one. Without EXIF
  // times on both sides, closeness in time is never evidence on its own.
  const trustedTime = a.timeSource === 'exif' && b.timeSource === 'exif';
  if (trustedTime && gapMs <= p.burstGapMs && (background === null || background >= p.backgroundDifferent))
    return evidence('burst');
  if (gapMs <= p.sessionGapMs) {
    if (peopleOverlap !== null && peopleOverlap > 0 && sameClothes !== null && sameClothes >= p.clothingSimilar)
      return evidence('people+clothing');
    // Without a trusted clock the background alone must be as close as a continuation after a long gap.
    const backgroundNeeded = trustedTime ? p.backgroundSimilar : p.backgroundStrong;
    if (background !== null && background >= backgroundNeeded && !peopleConflict) return evidence('background');
    if (trustedTime && background === null && gapMs <= p.timeOnlyGapMs && !peopleConflict) return evidence('time');
    return null;
  }
  if (
    background !== null &&
    background >= p.backgroundStrong &&
    samePeopleOrNone &&
    (clothing === null || clothing >= p.clothingSimilar)
  ) {
    return evidence('background');
  }
  return null;
}

export function groupSeries(photos: readonly SeriesPhoto[], p: SeriesParams): GroupedSeries[] {
  const sorted = [...photos].sort((a, b) => a.time - b.time || a.contentId - b.contentId);
  interface Open {
    members: SeriesPhoto[];
    links: LinkEvidence[];
  }
  const open: Open[] = [];
  const done: Open[] = [];
  for (const photo of sorted) {
    // Close series that nothing can reach any more.
    for (let i = open.length - 1; i >= 0; i--) {
      const s = open[i] as Open;
      const last = s.members[s.members.length - 1] as SeriesPhoto;
      if (photo.time - last.time > p.maxGapMs) {
        done.push(s);
        open.splice(i, 1);
      }
    }
    let best: { series: Open; link: LinkEvidence } | null = null;
    for (const s of open) {
      for (let j = s.members.length - 1; j >= Math.max(0, s.members.length - p.lookback); j--) {
        const link = linkEvidence(s.members[j] as SeriesPhoto, photo, p);
        if (link !== null && (best === null || better(link, best.link))) best = { series: s, link };
      }
    }
    if (best === null) open.push({ members: [photo], links: [] });
    else {
      best.series.members.push(photo);
      best.series.links.push(best.link);
    }
  }
  done.push(...open);
  return done
    .filter((s) => s.members.length >= p.minPhotos)
    .map((s) => ({ contentIds: s.members.map((m) => m.contentId), links: s.links }))
    .sort((a, b) => (a.contentIds[0] as number) - (b.contentIds[0] as number));
}

function better(a: LinkEvidence, b: LinkEvidence): boolean {
  if (KIND_RANK[a.kind] !== KIND_RANK[b.kind]) return KIND_RANK[a.kind] > KIND_RANK[b.kind];
  if ((a.background ?? -1) !== (b.background ?? -1)) return (a.background ?? -1) > (b.background ?? -1);
  return a.gapMs < b.gapMs;
}

function jaccard(a: readonly number[], b: readonly number[]): number | null {
  if (a.length === 0 && b.length === 0) return null;
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter += 1;
  return inter / (sa.size + sb.size - inter);
}

function r3(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}
