/**
 * Engine facts worded in the UI's language: keeper and shot reasons, duplicate evidence, delete
 * reasons, series titles and explanations. The engine sends keys and numbers (and English for the
 * CLI); these functions make the sentences, so what the engine says is not English in the Chinese UI.
 */
import { middleEllipsis } from './folder-label';
import type {
  DeleteReason,
  DuplicateGroup,
  DuplicateMember,
  GroupEvidence,
  GuardReason,
  KeeperReason,
  SeriesReasons,
  SeriesSubject,
  ShotParts,
  ShotReason,
} from '../../src/common/contract/types';
import { formatPosition, hasNoClock, joinNames } from '../../src/common/series/describe';
import { formatBytes } from '../../src/common/format';
import type { Lang, Translate } from './i18n';
import type { ErrorCode } from '../../src/common/errors';

function day(ms: number, locale: string): string {
  return new Date(ms).toLocaleDateString(locale, { dateStyle: 'medium' });
}

function dateTime(ms: number, locale: string): string {
  return new Date(ms).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A duration in the UI's language (ms, s, min, h): series spans, gaps, time left. */
export function spanText(ms: number, t: Translate): string {
  if (ms < 1000) return t('span.ms', { n: Math.round(ms) });
  if (ms < 60_000) return t('span.s', { n: (ms / 1000).toFixed(ms < 10_000 ? 1 : 0) });
  if (ms < 3_600_000) return t('span.min', { n: Math.round(ms / 60_000) });
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return m === 0 ? t('span.h', { n: h }) : t('span.hmin', { h, m });
}

export function keeperReasonText(r: KeeperReason, t: Translate, locale: string): string {
  switch (r.key) {
    case 'text':
      return r.params.text;
    case 'keep.format':
      return t('why.keep.format', { format: t(`quality.${r.params.quality}`, { format: r.params.format }) });
    case 'lose.format':
      return t('why.lose.format', {
        format: r.params.format,
        keeperFormat: t(`quality.${r.params.keeperQuality}`, { format: r.params.keeperFormat }),
      });
    case 'keep.size':
      return t('why.keep.size', { size: formatBytes(r.params.bytes) });
    case 'lose.size':
      return t('why.lose.size', {
        size: formatBytes(r.params.bytes),
        keeperSize: formatBytes(r.params.keeperBytes),
      });
    case 'keep.age':
      return t('why.keep.age', { date: day(r.params.time, locale) });
    case 'lose.age':
      return t('why.lose.age', {
        date: day(r.params.time, locale),
        keeperDate: day(r.params.keeperTime, locale),
      });
    case 'lose.folder':
      return t('why.lose.folder', { folder: r.params.keeperFolder });
    case 'keep.unedited':
    case 'lose.edited':
      return t(`why.${r.key}`, {
        edits: r.params.edits.map((e) => t(`edit.${e}`)).join(locale.startsWith('zh') ? '、' : ', '),
      });
    case 'keep.detail':
      return t('why.keep.detail', { size: formatBytes(r.params.bytes) });
    case 'lose.detail':
      return t('why.lose.detail', {
        size: formatBytes(r.params.bytes),
        keeperSize: formatBytes(r.params.keeperBytes),
      });
    case 'keep.quality':
    case 'lose.quality':
      return t(`why.${r.key}`, r.params);
    case 'keep.camera':
      return r.params.time !== null
        ? t('why.keep.cameraTaken', { camera: r.params.camera ?? '', date: day(r.params.time, locale) })
        : t('why.keep.camera', { camera: r.params.camera ?? '' });
    case 'lose.camera':
      return t('why.lose.camera');
    case 'keep.derived':
    case 'lose.derived':
    case 'derived':
      return t(`why.${r.key}`, { hint: t(`derived.${r.params.hint}`) });
    case 'keep.resolution':
    case 'keep.exif':
    case 'keep.folder':
    case 'lose.resolution':
    case 'lose.exif':
      return t(`why.${r.key}`, r.params);
    case 'keep.original':
    case 'keep.tie':
    case 'keep.only':
    case 'keep.chosen':
    case 'lose.tie':
    case 'lose.chosen':
      return t(`why.${r.key}`);
  }
}

type SeriesTitleInput = {
  title: string;
  subject: SeriesSubject | null;
  people: number[];
  start: number | null;
  end: number | null;
  photoCount: number;
  cover?: { path: string } | null;
};

/**
 * A series title in parts: who (people's names, a place, or what the photos are) and where (the
 * cover's folder), when (the day with the time of day, so that the series of one day differ),
 * and how many photos. A series saved without a subject by an older Sift has only its English title.
 */
export function seriesTitleParts(
  s: SeriesTitleInput,
  nameOf: (id: number) => string,
  t: Translate,
  locale: string,
): { who: string; when: string | null; count: string } | null {
  if (s.subject === null) return null;
  const folder = s.cover ? (s.cover.path.split(/[\\/]/).slice(-2, -1)[0] ?? null) : null;
  let who: string;
  // A series whose people were all merged away or removed since it was grouped still needs a subject.
  if (s.subject.kind === 'people')
    who = s.people.length > 0 ? joinNames(s.people.map(nameOf)) : t('seriesWho.unknown-people');
  else if (s.subject.kind === 'place')
    who = t('seriesWho.place', { place: formatPosition(s.subject.lat, s.subject.lon) });
  else who = t(`seriesWho.${s.subject.kind}`);
  // The folder tells apart series of the same people (or of no one known); a place already says where.
  if (folder && s.subject.kind !== 'place') who = t('seriesWho.in', { who, folder });
  const count = t('series.photos', { n: s.photoCount });
  // No dates for a series whose photos have no usable time (the engine stores none): its cover's name instead.
  // The name is cut in the middle: its end (view, frame number) is what tells two covers apart.
  if (s.start === null)
    return {
      who,
      when: s.cover
        ? t('seriesWhen.cover', { name: middleEllipsis(s.cover.path.split(/[\\/]/).pop() ?? '', 30) })
        : null,
      count,
    };
  return { who, when: whenText(s.start, s.end ?? s.start, locale), count };
}

/** "Jun 12, 2021, 2:34 – 2:51 PM" within a day, "Jun 12 – 14, 2021" across days. */
function whenText(start: number, end: number, locale: string): string {
  const sameDay = new Date(start).toDateString() === new Date(end).toDateString();
  if (!sameDay) return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).formatRange(start, end);
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  // Within one minute the range would say the same time twice.
  return end - start < 60_000 ? format.format(start) : format.formatRange(start, end);
}

/** The series title in one line, in the UI's language. */
export function seriesTitleText(
  s: SeriesTitleInput,
  nameOf: (id: number) => string,
  t: Translate,
  locale: string,
): string {
  const parts = seriesTitleParts(s, nameOf, t, locale);
  if (parts === null) return s.title;
  return [parts.who, parts.when, parts.count].filter((x): x is string => x !== null).join(' · ');
}

/** Why a series exists, a sentence per fact. The day is in the title: here the times only. */
export function seriesExplanation(
  r: SeriesReasons,
  nameOf: (id: number, stored: string | null) => string,
  t: Translate,
  locale: string,
): string[] {
  // Without a clock the span and gaps of file dates mean nothing: say so instead.
  const untimed = hasNoClock(r);
  const lines: string[] = [];
  if (untimed) lines.push(t('seriesWhy.noClock', { n: r.photos }));
  else {
    const sameDay = new Date(r.start).toDateString() === new Date(r.end).toDateString();
    const at = (ms: number): string =>
      sameDay ? new Date(ms).toLocaleTimeString(locale, { timeStyle: 'short' }) : dateTime(ms, locale);
    if (r.spanMs < 1000) lines.push(t('seriesWhy.instant', { n: r.photos, start: at(r.start) }));
    else {
      lines.push(
        t('seriesWhy.span', { n: r.photos, span: spanText(r.spanMs, t), start: at(r.start), end: at(r.end) }),
      );
      lines.push(
        t('seriesWhy.gaps', {
          largest: spanText(r.largestGapMs, t),
          threshold: spanText(r.gapThresholdMs, t),
          max: spanText(r.maxGapMs, t),
        }),
      );
    }
  }
  for (const person of r.people.slice(0, 5))
    lines.push(
      t('seriesWhy.person', { name: nameOf(person.id, person.name), count: person.photos, n: r.photos }),
    );
  if (r.meanBackgroundSimilarity !== null)
    lines.push(t('seriesWhy.background', { value: percent(r.meanBackgroundSimilarity) }));
  if (r.meanClothingSimilarity !== null)
    lines.push(t('seriesWhy.clothing', { value: percent(r.meanClothingSimilarity) }));
  const links = (Object.entries(r.links) as Array<[keyof SeriesReasons['links'], number]>)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => t(`link.${kind}`, { n }));
  if (links.length > 0) lines.push(t('seriesWhy.links', { links: links.join(t('dupWords.separator')) }));
  if (r.timeSource.mtime > 0) lines.push(t('seriesWhy.mtime', { n: r.timeSource.mtime }));
  if (!untimed && (r.timeSource.unknown ?? 0) > 0)
    lines.push(t('seriesWhy.untimed', { n: r.timeSource.unknown ?? 0 }));
  return lines;
}

function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}

type Part = keyof ShotParts;
const PART_ORDER: readonly Part[] = ['sharpness', 'faceQuality', 'exposure', 'resolution'];
/** Below this, two shots' signals are the same for a reader (the engine's own rounding is finer). */
const NOTICEABLE = 0.05;

/**
 * What a shot's measured signals say, in words. Only what the engine measured is said: sharpness and
 * resolution are relative to the series' best, exposure and face quality are 0–1 (1 = good).
 */
function strengthsText(parts: ShotParts, t: Translate): string {
  const words: string[] = [];
  for (const part of PART_ORDER) {
    const v = parts[part];
    if (v === undefined) continue;
    if (part === 'sharpness')
      words.push(
        t(v >= 0.99 ? 'shotWords.sharpest' : v >= 0.8 ? 'shotWords.nearlySharpest' : 'shotWords.lessSharp', {
          n: Math.round(v * 100),
        }),
      );
    else if (part === 'faceQuality')
      words.push(
        t(v >= 0.7 ? 'shotWords.facesClear' : v >= 0.4 ? 'shotWords.facesFair' : 'shotWords.facesPoor'),
      );
    else if (part === 'exposure')
      words.push(
        t(v >= 0.8 ? 'shotWords.exposedWell' : v >= 0.5 ? 'shotWords.exposedFair' : 'shotWords.exposedPoor'),
      );
    else words.push(v >= 0.99 ? t('shotWords.fullSize') : t('shotWords.smaller', { n: Math.round(v * 100) }));
  }
  return words.length === 0 ? t('parts.none') : words.join(t('dupWords.separator'));
}

/** How a redundant shot compares with the kept one, signal by signal, in words. */
function comparisonText(mine: ShotParts, kept: ShotParts, t: Translate): string {
  const worse: string[] = [];
  const better: string[] = [];
  for (const part of PART_ORDER) {
    const v = mine[part];
    const w = kept[part];
    if (v === undefined || w === undefined || Math.abs(v - w) < NOTICEABLE) continue;
    (v < w ? worse : better).push(t(`shotCompare.${v < w ? 'worse' : 'better'}.${part}`));
  }
  if (worse.length === 0 && better.length === 0) return t('parts.equal');
  const sep = t('dupWords.separator');
  if (better.length === 0) return t('shotCompare.worse', { worse: worse.join(sep) });
  if (worse.length === 0) return t('shotCompare.betterOnly', { better: better.join(sep) });
  return t('shotCompare.mixed', { worse: worse.join(sep), better: better.join(sep) });
}

function whenApart(gapMs: number, t: Translate): string {
  return gapMs < 1000 ? t('shotWords.sameSecond') : t('shotWords.apart', { gap: spanText(gapMs, t) });
}

/** Why a shot of a series is the best, kept or redundant; in words, never by internal ids or scores. */
export function shotReasonText(r: ShotReason, nameOf: (id: number) => string, t: Translate): string {
  switch (r.key) {
    case 'text':
      return r.params.text;
    case 'shot.best':
      return t(r.params.withFace === true ? 'why.shot.bestWithFace' : 'why.shot.best', {
        parts: strengthsText(r.params.parts, t),
      });
    case 'shot.burstKept':
      return t('why.shot.burstKept', { frames: r.params.frames, parts: strengthsText(r.params.parts, t) });
    case 'shot.onlyWithPerson':
      return t('why.shot.onlyWithPerson', { people: r.params.people.map(nameOf).join(', ') });
    case 'shot.redundant':
      return t('why.shot.redundant', { when: whenApart(r.params.gapMs, t) });
    case 'shot.nearIdentical': {
      // The time apart is said once, by 'shot.redundant' (from the kept shot).
      const { background, bodies } = r.params;
      const vars = { background: percent(background) };
      return bodies === null
        ? t('why.shot.nearIdentical', vars)
        : t('why.shot.nearIdenticalBodies', { ...vars, bodies: percent(bodies) });
    }
    case 'shot.lowerScore':
      return comparisonText(r.params.parts, r.params.keptParts, t);
  }
}

/** All reasons of a shot in one line; the best shot's strengths are said once, not again for its burst. */
export function shotReasonsText(
  why: readonly ShotReason[],
  nameOf: (id: number) => string,
  t: Translate,
): string {
  const best = why.some((r) => r.key === 'shot.best');
  return why
    .map((r) =>
      best && r.key === 'shot.burstKept'
        ? t('why.shot.burstKeptBest', { frames: r.params.frames })
        : shotReasonText(r, nameOf, t),
    )
    .join('; ');
}

/** Why a file is in a delete plan. A redundant shot shows the first of its reasons (how far from the kept frame). */
export function deleteReasonText(r: DeleteReason, t: Translate): string {
  switch (r.key) {
    case 'text':
      return r.params.text;
    case 'delete.selected':
      return t('because.selected');
    case 'delete.duplicate':
      // The keeper's file name; its folder is in the plan's path column or one click away in Duplicates.
      // Groups have no number in the UI: the keeper's name is what tells the user which one.
      return t(`because.duplicate.${r.params.kind}`, {
        keeper: r.params.keeper?.split(/[\\/]/).pop() ?? t('because.keptCopy'),
      });
    case 'delete.redundantShot': {
      const first = r.params.why.find((w) => w.key === 'shot.redundant') ?? r.params.why[0];
      return t('because.redundantShot', { detail: first ? shotReasonText(first, (id) => `#${id}`, t) : '' });
    }
  }
}

/**
 * Why a file is guarded, with today's names: `nameOf` gives a person's current name (the plan's
 * stored one is used when the person is gone); the series is said by its date, never by its stored title.
 */
export function guardReasonText(
  r: GuardReason,
  t: Translate,
  locale: string,
  nameOf?: (personId: number) => string | undefined,
): string {
  switch (r.key) {
    case 'text':
      return r.params.text;
    case 'guard.lastCopy':
      return t('guard.lastCopy');
    case 'guard.lastOfPerson': {
      const { personId, seriesStart } = r.params;
      const person = (personId !== undefined ? nameOf?.(personId) : undefined) ?? r.params.person;
      if (seriesStart === undefined || seriesStart === null)
        return t('guard.lastOfPersonUndated', { person });
      return t('guard.lastOfPerson', {
        person,
        date: new Date(seriesStart).toLocaleDateString(locale, { dateStyle: 'medium' }),
      });
    }
  }
}

/** Why files were grouped as duplicates. */
export function evidenceText(e: GroupEvidence, t: Translate): string {
  switch (e.key) {
    case 'text':
      return e.params.text;
    case 'evidence.identical':
      return t('evidence.identical', e.params);
    case 'evidence.copiesIncluded':
      return t('evidence.copiesIncluded', e.params);
    case 'evidence.pair': {
      const { transform, ...rest } = e.params;
      return t('evidence.pair', { ...rest, how: t(`transform.${transform}`) });
    }
  }
}

/**
 * Why the copies are one group, in words ("the same picture, one mirrored"); the hash distances
 * stay in the tooltip for whoever wants them.
 */
export function groupSummaryText(g: Pick<DuplicateGroup, 'kind' | 'proof'>, t: Translate): string {
  if (g.kind === 'exact') return t('dupWords.identical');
  const pairs = g.proof.flatMap((e) => (e.key === 'evidence.pair' ? [e.params] : []));
  const parts = [t('dupWords.samePicture')];
  if (
    pairs.some(
      (p) =>
        p.transform === 'hflip' ||
        p.transform === 'vflip' ||
        p.transform === 'transpose' ||
        p.transform === 'transverse',
    )
  )
    parts.push(t('dupWords.mirrored'));
  if (pairs.some((p) => p.transform === 'rot90' || p.transform === 'rot180' || p.transform === 'rot270'))
    parts.push(t('dupWords.rotated'));
  if (g.proof.some((e) => e.key === 'evidence.copiesIncluded')) parts.push(t('dupWords.withCopies'));
  return parts.join(t('dupWords.separator'));
}

/** How a copy differs from the kept one, in words ("25 % smaller, re-compressed at JPEG quality 40"); null for the keeper. */
export function memberDiffText(
  m: DuplicateMember,
  keeper: DuplicateMember | undefined,
  t: Translate,
): string | null {
  if (m.keep || !keeper) return null;
  const parts: string[] = [];
  const area = (m.width ?? 0) * (m.height ?? 0);
  const keptArea = (keeper.width ?? 0) * (keeper.height ?? 0);
  const sameSize = area > 0 && area === keptArea;
  if (area > 0 && keptArea > 0 && !sameSize) {
    const change = Math.round((1 - area / keptArea) * 100);
    if (change > 0) parts.push(t('dupWords.smaller', { n: change }));
    else if (change < 0) parts.push(t('dupWords.larger', { n: -change }));
  }
  // Edits the engine measured against the other copies say more than the byte count ("made greyscale", not "re-compressed").
  const edits = m.why.flatMap((r) => (r.key === 'lose.edited' ? r.params.edits : []));
  const quality = m.why.flatMap((r) => (r.key === 'lose.quality' ? [r.params] : []))[0];
  if (m.format && keeper.format && m.format !== keeper.format)
    parts.push(t('dupWords.otherFormat', { format: m.format }));
  else if (edits.length > 0) parts.push(...edits.map((e) => t(`edit.${e}`)));
  // "Re-compressed" only where the engine read a lower JPEG quality; otherwise the byte count is all that is known.
  else if (quality)
    parts.push(
      t('dupWords.recompressed', { quality: quality.quality, keeperQuality: quality.keeperQuality }),
    );
  else if (sameSize && m.bytes !== keeper.bytes)
    parts.push(t(m.bytes < keeper.bytes ? 'dupWords.smallerFile' : 'dupWords.biggerFile'));
  if (parts.length === 0 && m.bytes === keeper.bytes && sameSize) parts.push(t('dupWords.sameFile'));
  return parts.length > 0 ? parts.join(t('dupWords.separator')) : t('dupWords.sameLook');
}

/**
 * What the engine said, in the UI's language: the engine's messages are English, so in another
 * language the sentence comes from the error's code and the English detail is one hover away.
 */
export function engineMessageParts(
  code: ErrorCode,
  message: string,
  lang: Lang,
  t: Translate,
): { text: string; detail: string | null } {
  if (lang === 'en') return { text: `${t(`errorCode.${code}`)} ${message}`, detail: null };
  return { text: t(`errorCode.${code}`), detail: message };
}
