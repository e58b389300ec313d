/** Why a series exists, as data (`series.reasons`) and as sentences, plus its title. */
import type { SeriesReasons, SeriesSubject } from '../contract/types';
import type { SeriesParams } from './params';
import type { GroupedSeries, LinkKind, SeriesPhoto } from './group';

export interface SeriesPhotoMeta {
  /** Faces or bodies detected, assigned or not. */
  figures: number;
  gps: { lat: number; lon: number } | null;
}

export interface SeriesDescription {
  title: string;
  reasons: SeriesReasons;
  explanation: string[];
  /** People ordered by how many photos they are in. */
  people: number[];
}

export function describeSeries(
  series: GroupedSeries,
  photos: ReadonlyMap<number, SeriesPhoto & SeriesPhotoMeta>,
  names: ReadonlyMap<number, string | null>,
  p: SeriesParams,
): SeriesDescription {
  const members = series.contentIds
    .map((id) => photos.get(id))
    .filter((x): x is SeriesPhoto & SeriesPhotoMeta => x !== undefined);
  const times = members.map((m) => m.time);
  const start = Math.min(...times);
  const end = Math.max(...times);
  let largestGapMs = 0;
  for (let i = 1; i < times.length; i++)
    largestGapMs = Math.max(largestGapMs, (times[i] as number) - (times[i - 1] as number));
  const peopleCount = new Map<number, number>();
  for (const m of members)
    for (const id of new Set(m.people)) peopleCount.set(id, (peopleCount.get(id) ?? 0) + 1);
  const people = [...peopleCount.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const links: Record<LinkKind, number> = {
    burst: 0,
    'people+clothing': 0,
    clothing: 0,
    'name+clothing': 0,
    background: 0,
    time: 0,
  };
  for (const l of series.links) links[l.kind] += 1;
  const mean = (xs: Array<number | null>): number | null => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length === 0 ? null : Math.round((v.reduce((s, x) => s + x, 0) / v.length) * 1000) / 1000;
  };
  const subject = seriesSubject(members, people.length > 0);
  const reasons: SeriesReasons = {
    photos: members.length,
    start,
    end,
    spanMs: end - start,
    largestGapMs,
    gapThresholdMs: p.sessionGapMs,
    maxGapMs: p.maxGapMs,
    burstGapMs: p.burstGapMs,
    timeSource: {
      exif: members.filter((m) => m.timeSource === 'exif').length,
      mtime: members.filter((m) => m.timeSource === 'mtime').length,
      unknown: members.filter((m) => m.timeKnown === false).length,
    },
    people: people.map(([id, count]) => ({ id, name: names.get(id) ?? null, photos: count })),
    meanBackgroundSimilarity: mean(series.links.map((l) => l.background)),
    meanClothingSimilarity: mean(series.links.map((l) => l.clothing)),
    links,
    subject,
  };

  // Without a clock the span and gaps of file dates mean nothing; say so instead of quoting them.
  const untimed = hasNoClock(reasons);
  const explanation: string[] = untimed
    ? [
        `${members.length} photos without a usable time (their file dates come from one copy), grouped by file-name order and what they show`,
      ]
    : [
        `${members.length} photos over ${formatDuration(end - start)} (${formatDateTime(start)} – ${formatDateTime(end)} UTC)`,
        `consecutive photos at most ${formatDuration(largestGapMs)} apart; a gap over ${formatDuration(p.sessionGapMs)} needs a very similar background, none over ${formatDuration(p.maxGapMs)} is bridged`,
      ];
  for (const person of reasons.people.slice(0, 5))
    explanation.push(
      `${displayName(person.id, person.name)} in ${person.photos} of ${members.length} photos`,
    );
  if (reasons.meanBackgroundSimilarity !== null)
    explanation.push(
      `mean background similarity ${reasons.meanBackgroundSimilarity.toFixed(2)} between linked photos`,
    );
  if (reasons.meanClothingSimilarity !== null)
    explanation.push(
      `mean clothing similarity ${reasons.meanClothingSimilarity.toFixed(2)} between linked photos`,
    );
  const linkText = (Object.entries(links) as Array<[LinkKind, number]>)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} by ${k}`);
  if (linkText.length > 0) explanation.push(`links: ${linkText.join(', ')}`);
  if (reasons.timeSource.mtime > 0)
    explanation.push(`${reasons.timeSource.mtime} photo times come from file dates (no EXIF capture time)`);
  if (!untimed && (reasons.timeSource.unknown ?? 0) > 0)
    explanation.push(
      `${reasons.timeSource.unknown} photos have no usable time (their file dates come from one copy): grouped by file-name order and what they show`,
    );

  return {
    title: seriesTitle(subject, reasons, members.length, start, end),
    reasons,
    explanation,
    people: people.map(([id]) => id),
  };
}

export function displayName(id: number, name: string | null): string {
  return name ?? `Person ${id}`;
}

function seriesSubject(members: ReadonlyArray<SeriesPhotoMeta>, hasPeople: boolean): SeriesSubject {
  if (hasPeople) return { kind: 'people' };
  if (members.some((m) => m.figures > 0)) return { kind: 'unknown-people' };
  const gps = members.find((m) => m.gps !== null)?.gps ?? null;
  return gps === null ? { kind: 'photos' } : { kind: 'place', lat: gps.lat, lon: gps.lon };
}

function seriesTitle(
  subject: SeriesSubject,
  reasons: SeriesReasons,
  photos: number,
  start: number,
  end: number,
): string {
  let who: string;
  const named = reasons.people.map((p) => displayName(p.id, p.name));
  if (subject.kind === 'people') who = joinNames(named);
  else if (subject.kind === 'unknown-people') who = 'Unknown people';
  else if (subject.kind === 'place') who = `Near ${formatPosition(subject.lat, subject.lon)}`;
  else who = 'Photos';
  // A copy's file date is not when the photos were taken: no date without a clock.
  if (hasNoClock(reasons)) return `${who} · ${photos} photos`;
  const day = formatDate(start);
  const lastDay = formatDate(end);
  const date = day === lastDay ? day : `${day} – ${lastDay}`;
  return `${who} · ${date} · ${photos} photos`;
}

/** Whether none of a series' photos has a usable time (their file dates come from one copy). */
export function hasNoClock(reasons: Pick<SeriesReasons, 'photos' | 'timeSource'>): boolean {
  return reasons.timeSource.unknown === reasons.photos;
}

/** "A", "A & B", or "A, B +2": the people of a series title. */
export function joinNames(names: readonly string[]): string {
  return names.length <= 2 ? names.join(' & ') : `${names.slice(0, 2).join(', ')} +${names.length - 2}`;
}

/** A GPS position as "52.52°N 13.40°E". */
export function formatPosition(lat: number, lon: number): string {
  return `${formatCoordinate(lat, 'N', 'S')} ${formatCoordinate(lon, 'E', 'W')}`;
}

function formatCoordinate(value: number, positive: string, negative: string): string {
  return `${Math.abs(value).toFixed(2)}°${value >= 0 ? positive : negative}`;
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
