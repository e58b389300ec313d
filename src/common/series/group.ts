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
  /**
   * False when the time says nothing about when the photo was taken: a file date shared by many
   * photos copied in one go (see `untrustedFileTimes`). Such photos are ordered by file name
   * within their folder instead (a camera's counter, a shoot's export order) and link on evidence only.
   */
  timeKnown?: boolean;
  /** Folder and file name (without extension) of one file of the content, for the order without a clock. */
  folder?: string;
  name?: string;
  /**
   * How common this photo's background is in the library: the similarity of its k-th nearest other
   * background (null: unknown). A background that many photos share (a studio wall, the sky) says
   * nothing about which shoot a photo belongs to.
   */
  backgroundCommonness?: number | null;
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

const KIND_RANK: Record<LinkKind, number> = {
  burst: 4,
  'people+clothing': 3,
  'name+clothing': 2,
  clothing: 2,
  background: 1,
  time: 0,
};

/**
 * A background shared by much of the library (studio, sky, wall) tells nothing: it must be closer
 * than the photos' k-th nearest other backgrounds to count as the same place. Asked last, only of
 * pairs that pass every other test: `backgroundCommonness` is an index query.
 */
function distinctiveBackground(a: SeriesPhoto, b: SeriesPhoto, background: number, p: SeriesParams): boolean {
  return (
    background > (a.backgroundCommonness ?? -1) + p.backgroundDistinctMargin &&
    background > (b.backgroundCommonness ?? -1) + p.backgroundDistinctMargin
  );
}

export function linkEvidence(
  a: SeriesPhoto,
  b: SeriesPhoto,
  p: SeriesParams,
  acrossBreak = false,
  sameStem = false,
): LinkEvidence | null {
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
  const distinctive = (): boolean => background !== null && distinctiveBackground(a, b, background, p);
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
    if (
      peopleOverlap !== null &&
      peopleOverlap > 0 &&
      sameClothes !== null &&
      sameClothes >= p.clothingSimilar
    )
      return evidence('people+clothing');
    // A shared specific file-name stem (a look or product id) with compatible clothes, as without
    // a clock: a name says which shoot a photo is of whatever the pause before it.
    if (sameStem && clothing !== null && clothing >= p.clothingWithName && !peopleConflict)
      return evidence('name+clothing');
    // Across a pause in the shooting rhythm a place carries a series on only with a person seen on
    // both sides (a party's flurry and lull); on a studio day the next look is someone else.
    if (acrossBreak && !(peopleOverlap !== null && peopleOverlap > 0)) return null;
    // Without a trusted clock the background alone must be as close as a continuation after a long gap.
    const backgroundNeeded = trustedTime ? p.backgroundSimilar : p.backgroundStrong;
    // One place within a session is not yet one shoot: in a studio, model after model and outfit
    // after outfit stand on the same wall minutes apart. Figures dressed differently veto the link.
    if (
      background !== null &&
      background >= backgroundNeeded &&
      !peopleConflict &&
      (clothing === null || clothing >= p.clothingSimilar) &&
      distinctive()
    )
      return evidence('background');
    if (trustedTime && background === null && gapMs <= p.timeOnlyGapMs && !peopleConflict)
      return evidence('time');
    return null;
  }
  if (
    (!acrossBreak || (peopleOverlap !== null && peopleOverlap > 0)) &&
    background !== null &&
    background >= p.backgroundStrong &&
    samePeopleOrNone &&
    (clothing === null || clothing >= p.clothingSimilar) &&
    distinctive()
  ) {
    return evidence('background');
  }
  return null;
}

/**
 * Evidence for two photos without a clock (neighbours in file-name order): the same person's
 * clothes, or one dominant figure dressed alike; a shared specific file-name stem (a look or product
 * id shared by a handful of files) lowers the clothing bar. Never a background alone on a shared
 * studio background, never photos of different known people.
 */
export function untimedLinkEvidence(
  a: SeriesPhoto,
  b: SeriesPhoto,
  p: SeriesParams,
  sameStem: boolean,
): LinkEvidence | null {
  const gapMs = Math.abs(b.time - a.time);
  const background =
    a.background !== null && b.background !== null ? cosineSimilarity(a.background, b.background) : null;
  const sameClothes = samePersonSimilarity(a.bodies, a.bodyPeople, b.bodies, b.bodyPeople);
  const anyClothes = compatibleBodySimilarity(a, b);
  const peopleOverlap = jaccard(a.people, b.people);
  if (peopleOverlap === 0 && a.people.length > 0 && b.people.length > 0) return null;
  const evidence = (kind: LinkKind, clothing: number | null): LinkEvidence => ({
    kind,
    gapMs,
    background: r3(background),
    clothing: r3(clothing),
    peopleOverlap: r3(peopleOverlap),
  });
  if (sameClothes !== null && sameClothes >= p.clothingSimilar)
    return evidence('people+clothing', sameClothes);
  if (
    background !== null &&
    background >= p.backgroundStrong &&
    (anyClothes === null || anyClothes >= p.clothingSimilar) &&
    distinctiveBackground(a, b, background, p)
  )
    return evidence('background', anyClothes);
  if (anyClothes === null) return null;
  // One figure in each photo: in a group photo some pair of outfits is always alike.
  if (anyClothes >= p.clothingAlone && a.bodies.length === 1 && b.bodies.length === 1)
    return evidence('clothing', anyClothes);
  if (sameStem && anyClothes >= p.clothingWithName) return evidence('name+clothing', anyClothes);
  return null;
}

/**
 * Best similarity of two bodies that may be one person: bodies known to be different people are
 * skipped. Null when either photo has no body.
 */
function compatibleBodySimilarity(a: SeriesPhoto, b: SeriesPhoto): number | null {
  let best: number | null = null;
  for (let i = 0; i < a.bodies.length; i++) {
    const pa = a.bodyPeople?.[i] ?? null;
    for (let j = 0; j < b.bodies.length; j++) {
      const pb = b.bodyPeople?.[j] ?? null;
      if (pa !== null && pb !== null && pa !== pb) continue;
      const s = cosineSimilarity(a.bodies[i] as ArrayLike<number>, b.bodies[j] as ArrayLike<number>);
      if (best === null || s > best) best = s;
    }
  }
  return best;
}

/**
 * The identifying stem of a file name: the name up to its last run of digits ("look3_02_front" ->
 * "look3_"), when that stem carries digits of its own (a look, product or date id). A plain counter
 * ("IMG_0042", "bbt3") has no stem: consecutive frames of a camera say nothing about the content.
 */
export function nameStem(name: string): string {
  const m = /^(.*?)\d+\D*$/.exec(name);
  const stem = m ? (m[1] as string) : '';
  return /\d/.test(stem) ? stem : '';
}

const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** File-name order as people read it ("IMG_9" before "IMG_10"). */
export function compareNames(a: string, b: string): number {
  return naturalOrder.compare(a, b);
}

/**
 * The specific file-name stem of each photo that has one: shared by at most `specificStemMaxFiles`
 * files of its folder (a look, a product, a burst; not a camera's counter).
 */
function specificStems(photos: readonly SeriesPhoto[], p: SeriesParams): Map<SeriesPhoto, string> {
  const count = new Map<string, number>();
  const stems = photos.map((photo) => `${photo.folder ?? ''}\0${nameStem(photo.name ?? '')}`);
  for (const key of stems) count.set(key, (count.get(key) ?? 0) + 1);
  const out = new Map<SeriesPhoto, string>();
  photos.forEach((photo, i) => {
    const key = stems[i] as string;
    if (!key.endsWith('\0') && (count.get(key) ?? 0) <= p.specificStemMaxFiles) out.set(photo, key);
  });
  return out;
}

/**
 * Photos without a clock: per folder, in file-name order, each photo joins the current run when it
 * links to one of the run's last `untimedLookback` photos; otherwise it starts a new run.
 */
function groupUntimed(photos: readonly SeriesPhoto[], p: SeriesParams): GroupedSeries[] {
  const byFolder = new Map<string, SeriesPhoto[]>();
  for (const photo of photos) {
    const key = photo.folder ?? '';
    const list = byFolder.get(key);
    if (list === undefined) byFolder.set(key, [photo]);
    else list.push(photo);
  }
  const out: GroupedSeries[] = [];
  for (const list of byFolder.values()) {
    list.sort((a, b) => compareNames(a.name ?? '', b.name ?? '') || a.contentId - b.contentId);
    const stemOf = specificStems(list, p);
    // Each photo is compared with the `untimedLookback` photos before it in name order (whatever
    // run they are in), so one odd frame between two views of a shoot does not cut it in two.
    const runOf: Array<{ members: SeriesPhoto[]; links: LinkEvidence[] }> = [];
    const runs: Array<{ members: SeriesPhoto[]; links: LinkEvidence[] }> = [];
    list.forEach((photo, i) => {
      const stem = stemOf.get(photo);
      let best: { run: { members: SeriesPhoto[]; links: LinkEvidence[] }; link: LinkEvidence } | null = null;
      for (let j = i - 1; j >= Math.max(0, i - p.untimedLookback); j--) {
        const other = list[j] as SeriesPhoto;
        const link = untimedLinkEvidence(other, photo, p, stem !== undefined && stemOf.get(other) === stem);
        if (link !== null && (best === null || better(link, best.link)))
          best = { run: runOf[j] as { members: SeriesPhoto[]; links: LinkEvidence[] }, link };
      }
      if (best !== null) {
        best.run.members.push(photo);
        best.run.links.push(best.link);
        runOf.push(best.run);
      } else {
        const run = { members: [photo], links: [] as LinkEvidence[] };
        runs.push(run);
        runOf.push(run);
      }
    });
    for (const run of runs) out.push({ contentIds: run.members.map((m) => m.contentId), links: run.links });
  }
  return out.filter((s) => s.contentIds.length >= p.minPhotos);
}

export function groupSeries(photos: readonly SeriesPhoto[], p: SeriesParams): GroupedSeries[] {
  const untimed = photos.filter((photo) => photo.timeKnown === false);
  const timed = untimed.length === 0 ? photos : photos.filter((photo) => photo.timeKnown !== false);
  return [...groupTimed(timed, p), ...groupUntimed(untimed, p)].sort(
    (a, b) => (a.contentIds[0] as number) - (b.contentIds[0] as number),
  );
}

/**
 * File dates that are no clock: when at least `batchMinFiles` file-dated photos fall within
 * `batchWindowMs` of each other, they were copied (or downloaded, extracted) in one go, and the date
 * says nothing about when each was taken. Returns the content ids whose time is unknown.
 */
export function untrustedFileTimes(
  photos: ReadonlyArray<{ contentId: number; time: number; timeSource: TimeSource }>,
  p: Pick<SeriesParams, 'batchMinFiles' | 'batchWindowMs'>,
): Set<number> {
  const dated = photos.filter((x) => x.timeSource === 'mtime').sort((a, b) => a.time - b.time);
  const out = new Set<number>();
  let lo = 0;
  for (let hi = 0; hi < dated.length; hi++) {
    while ((dated[hi] as { time: number }).time - (dated[lo] as { time: number }).time > p.batchWindowMs)
      lo++;
    if (hi - lo + 1 >= p.batchMinFiles)
      for (let k = lo; k <= hi; k++) out.add((dated[k] as { contentId: number }).contentId);
  }
  return out;
}

/**
 * Pauses in the rhythm of shooting (see SeriesParams.breakFactor), counted along photos in time
 * order: breaksUpTo[i] is the number of pauses at or before photo i, so two photos are on either
 * side of one when their counts differ.
 */
export function shootingBreaks(sorted: readonly { time: number }[], p: SeriesParams): number[] {
  const out: number[] = [];
  const gaps: number[] = [];
  let count = 0;
  sorted.forEach((photo, i) => {
    if (i > 0) {
      const gap = photo.time - (sorted[i - 1] as { time: number }).time;
      const recent = gaps.slice(-p.breakWindow).sort((x, y) => x - y);
      const median = recent.length === 0 ? null : (recent[recent.length >> 1] as number);
      if (median !== null && gap >= p.breakMinGapMs && gap > p.breakFactor * median) count++;
      gaps.push(gap);
    }
    out.push(count);
  });
  return out;
}

function groupTimed(photos: readonly SeriesPhoto[], p: SeriesParams): GroupedSeries[] {
  const sorted = [...photos].sort((a, b) => a.time - b.time || a.contentId - b.contentId);
  const breaks = shootingBreaks(sorted, p);
  const breaksOf = new Map(sorted.map((photo, i) => [photo, breaks[i] as number]));
  const stemOf = specificStems(sorted, p);
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
        const member = s.members[j] as SeriesPhoto;
        const stem = stemOf.get(photo);
        const link = linkEvidence(
          member,
          photo,
          p,
          breaksOf.get(member) !== breaksOf.get(photo),
          stem !== undefined && stemOf.get(member) === stem,
        );
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
