/**
 * Which copy of a duplicate group to keep. Pure and deterministic: the same candidates always give
 * the same keeper, and every decision comes with reasons a person can read.
 */
import type { DerivedHint, FormatQuality, KeeperReason } from '../contract/types';
import { EngineError } from '../errors';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'bmp' | 'heic' | 'raw' | (string & {});

export interface KeeperCandidate {
  id: number;
  path: string;
  bytes: number;
  width: number;
  height: number;
  format: ImageFormat;
  exifFieldCount: number;
  /** Capture time in ms since the epoch, when known. */
  capturedAt: number | null;
  /** File modification time in ms since the epoch. */
  mtime: number;
  /** Set by the caller when it knows the file is derived from another (e.g. a smaller re-save). */
  isDerived?: boolean;
}

export interface KeeperPreferences {
  /** Folders whose files are preferred (after quality criteria). */
  preferredFolders?: string[];
}

export interface RankedCandidate {
  id: number;
  keep: boolean;
  /** `why` in English. */
  reasons: string[];
  why: KeeperReason[];
}

export interface KeeperSuggestion {
  keeperId: number;
  /** Best first; the first entry is the keeper. */
  ranked: RankedCandidate[];
}

/** RAW > HEIC / PNG / TIFF / BMP (originals or lossless) > WebP / JPEG / AVIF (lossy) > GIF (256 colours). */
const FORMAT_RANK: Record<string, number> = { raw: 4, heic: 3, heif: 3, png: 3, tiff: 3, bmp: 3, webp: 2, jpeg: 2, jpg: 2, avif: 2, gif: 1 };
const FORMAT_NAME: Record<string, string> = { raw: 'RAW', heic: 'HEIC', heif: 'HEIF', png: 'PNG', tiff: 'TIFF', bmp: 'BMP', webp: 'WebP', jpeg: 'JPEG', jpg: 'JPEG', avif: 'AVIF', gif: 'GIF' };

/** File-name patterns of copies and edits made by OSes, browsers and editors. */
const DERIVED_PATTERNS: Array<[RegExp, DerivedHint]> = [
  [/[\s_-]copy(\s*\d+)?$/i, 'copy'],
  [/^copy of /i, 'copyOf'],
  [/\s?\(\d+\)$/, 'number'],
  [/[\s_-](edit|edited|modifi[ée]|bearbeitet)$/i, 'edited'],
  [/[\s_-](resized|small|thumb|thumbnail|scaled|web|preview)$/i, 'resize'],
  [/[\s_-]\d{2,4}x\d{2,4}$/i, 'sizeSuffix'],
];

const DERIVED_ENGLISH: Record<DerivedHint, string> = {
  marked: 'marked as derived',
  copy: 'name has "copy"',
  copyOf: 'name has "Copy of"',
  number: 'name has a "(n)" suffix',
  edited: 'name has "edited"',
  resize: 'name has a resize suffix',
  sizeSuffix: 'name has a size suffix',
};

interface Facts {
  candidate: KeeperCandidate;
  pixels: number;
  formatRank: number;
  derived: DerivedHint | null;
  preferredFolder: string | null;
  time: number;
}

interface Criterion {
  name: 'resolution' | 'format' | 'size' | 'exif' | 'derived' | 'folder' | 'age' | 'path';
  /** Negative when a is better. */
  compare(a: Facts, b: Facts): number;
  /** Why the keeper stands out on this criterion among all (null when it does not). */
  keeperReason(keeper: Facts, all: Facts[]): KeeperReason | null;
  /** Why `loser` lost to `keeper` when this criterion decided. */
  loserReason(loser: Facts, keeper: Facts): KeeperReason;
}

const formatName = (f: string): string => FORMAT_NAME[f.toLowerCase()] ?? f.toUpperCase();
const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${bytes} B`;
const formatDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function formatQuality(f: Facts): FormatQuality {
  if (f.formatRank === 4) return 'raw';
  if (f.formatRank === 3) return f.candidate.format.toLowerCase().startsWith('hei') ? 'original' : 'lossless';
  return 'plain';
}

function formatMerit(format: string, quality: FormatQuality): string {
  if (quality === 'raw') return 'RAW original';
  if (quality === 'original') return `${format} original`;
  if (quality === 'lossless') return `lossless ${format}`;
  return format;
}

/** A keeper reason in English: what `sift dupes` prints. */
export function englishReason(r: KeeperReason): string {
  switch (r.key) {
    case 'keep.resolution': return `highest resolution (${r.params.width}×${r.params.height})`;
    case 'keep.format': return `best format (${formatMerit(r.params.format, r.params.quality)})`;
    case 'keep.size': return `largest file at this resolution (${formatBytes(r.params.bytes)}: least compressed)`;
    case 'keep.exif': return `richest metadata (${r.params.fields} EXIF fields)`;
    case 'keep.original': return 'original (not a copy or edit)';
    case 'keep.folder': return `in preferred folder ${r.params.folder}`;
    case 'keep.age': return `oldest (${formatDate(r.params.time)})`;
    case 'keep.tie': return 'equal on every criterion; first by path';
    case 'keep.derived': return `kept although it looks derived (${DERIVED_ENGLISH[r.params.hint]})`;
    case 'keep.only': return 'only candidate';
    case 'keep.chosen': return 'you chose this copy';
    case 'lose.resolution': return `lower resolution than keeper (${r.params.width}×${r.params.height} vs ${r.params.keeperWidth}×${r.params.keeperHeight})`;
    case 'lose.format': return `same resolution, lower-quality format than keeper (${r.params.format} vs ${formatMerit(r.params.keeperFormat, r.params.keeperQuality)})`;
    case 'lose.size': return `same resolution and format class, smaller file than keeper (${formatBytes(r.params.bytes)} vs ${formatBytes(r.params.keeperBytes)}: more compressed)`;
    case 'lose.exif': return `less metadata than keeper (${r.params.fields} vs ${r.params.keeperFields} EXIF fields)`;
    case 'lose.derived': return `looks derived (${DERIVED_ENGLISH[r.params.hint]}) while keeper looks original`;
    case 'lose.folder': return `not in a preferred folder (keeper is in ${r.params.keeperFolder})`;
    case 'lose.age': return `newer than keeper (${formatDate(r.params.time)} vs ${formatDate(r.params.keeperTime)})`;
    case 'lose.tie': return 'equal to keeper on every criterion; path sorts after keeper';
    case 'lose.chosen': return 'you chose another copy to keep';
    case 'derived': return `looks derived (${DERIVED_ENGLISH[r.params.hint]})`;
    case 'text': return r.params.text;
  }
}

const none = {} as Record<string, never>;

const CRITERIA: Criterion[] = [
  {
    name: 'resolution',
    compare: (a, b) => b.pixels - a.pixels,
    keeperReason: (k, all) => (all.some((o) => o.pixels < k.pixels) ? { key: 'keep.resolution', params: { width: k.candidate.width, height: k.candidate.height } } : null),
    loserReason: (l, k) => ({
      key: 'lose.resolution',
      params: { width: l.candidate.width, height: l.candidate.height, keeperWidth: k.candidate.width, keeperHeight: k.candidate.height },
    }),
  },
  {
    name: 'format',
    compare: (a, b) => b.formatRank - a.formatRank,
    keeperReason: (k, all) =>
      all.some((o) => o.formatRank < k.formatRank) ? { key: 'keep.format', params: { format: formatName(k.candidate.format), quality: formatQuality(k) } } : null,
    loserReason: (l, k) => ({
      key: 'lose.format',
      params: { format: formatName(l.candidate.format), keeperFormat: formatName(k.candidate.format), keeperQuality: formatQuality(k) },
    }),
  },
  {
    name: 'size',
    compare: (a, b) => b.candidate.bytes - a.candidate.bytes,
    keeperReason: (k, all) =>
      all.some((o) => o.pixels === k.pixels && o.formatRank === k.formatRank && o.candidate.bytes < k.candidate.bytes) ? { key: 'keep.size', params: { bytes: k.candidate.bytes } } : null,
    loserReason: (l, k) => ({ key: 'lose.size', params: { bytes: l.candidate.bytes, keeperBytes: k.candidate.bytes } }),
  },
  {
    name: 'exif',
    compare: (a, b) => b.candidate.exifFieldCount - a.candidate.exifFieldCount,
    keeperReason: (k, all) =>
      all.some((o) => o.candidate.exifFieldCount < k.candidate.exifFieldCount) ? { key: 'keep.exif', params: { fields: k.candidate.exifFieldCount } } : null,
    loserReason: (l, k) => ({ key: 'lose.exif', params: { fields: l.candidate.exifFieldCount, keeperFields: k.candidate.exifFieldCount } }),
  },
  {
    name: 'derived',
    compare: (a, b) => Number(a.derived !== null) - Number(b.derived !== null),
    keeperReason: (k, all) => (k.derived === null && all.some((o) => o.derived !== null) ? { key: 'keep.original', params: none } : null),
    loserReason: (l) => ({ key: 'lose.derived', params: { hint: l.derived ?? 'marked' } }),
  },
  {
    name: 'folder',
    compare: (a, b) => Number(a.preferredFolder === null) - Number(b.preferredFolder === null),
    keeperReason: (k, all) =>
      k.preferredFolder !== null && all.some((o) => o.preferredFolder === null) ? { key: 'keep.folder', params: { folder: k.preferredFolder } } : null,
    loserReason: (_l, k) => ({ key: 'lose.folder', params: { keeperFolder: k.preferredFolder ?? '?' } }),
  },
  {
    name: 'age',
    compare: (a, b) => a.time - b.time,
    keeperReason: (k, all) => (all.some((o) => o.time > k.time) ? { key: 'keep.age', params: { time: k.time } } : null),
    loserReason: (l, k) => ({ key: 'lose.age', params: { time: l.time, keeperTime: k.time } }),
  },
  {
    name: 'path',
    compare: (a, b) => (a.candidate.path < b.candidate.path ? -1 : a.candidate.path > b.candidate.path ? 1 : a.candidate.id - b.candidate.id),
    keeperReason: (k, all) =>
      all.length > 1 && all.every((o) => o === k || CRITERIA.every((c) => c.name === 'path' || c.compare(o, k) === 0)) ? { key: 'keep.tie', params: none } : null,
    loserReason: () => ({ key: 'lose.tie', params: none }),
  },
];

export function suggestKeeper(candidates: readonly KeeperCandidate[], prefs: KeeperPreferences = {}): KeeperSuggestion {
  if (candidates.length === 0) throw new EngineError('INVALID_ARGUMENT', 'expected at least one candidate for suggestKeeper but received none');
  const ids = new Set<number>();
  for (const c of candidates) {
    if (ids.has(c.id)) throw new EngineError('INVALID_ARGUMENT', `expected unique candidate ids but received ${c.id} twice`);
    ids.add(c.id);
  }
  const folders = (prefs.preferredFolders ?? []).map(normaliseFolder).filter((f) => f.length > 0);
  const facts = candidates.map((candidate) => toFacts(candidate, folders));
  const ordered = [...facts].sort((a, b) => {
    for (const c of CRITERIA) {
      const d = c.compare(a, b);
      if (d !== 0) return d;
    }
    return 0;
  });
  const keeper = ordered[0];
  if (!keeper) throw new EngineError('INTERNAL', 'no keeper after sorting');

  const keeperWhy = CRITERIA.map((c) => c.keeperReason(keeper, facts)).filter((r): r is KeeperReason => r !== null);
  if (keeper.derived !== null) keeperWhy.push({ key: 'keep.derived', params: { hint: keeper.derived } });
  if (keeperWhy.length === 0) keeperWhy.push({ key: 'keep.only', params: none });

  const ranked: RankedCandidate[] = ordered.map((f, index) => {
    if (index === 0) return { id: f.candidate.id, keep: true, reasons: keeperWhy.map(englishReason), why: keeperWhy };
    const decisive = CRITERIA.find((c) => c.compare(f, keeper) !== 0) ?? CRITERIA[CRITERIA.length - 1];
    const why = decisive ? [decisive.loserReason(f, keeper)] : [];
    if (f.derived !== null && decisive?.name !== 'derived') why.push({ key: 'derived', params: { hint: f.derived } });
    return { id: f.candidate.id, keep: false, reasons: why.map(englishReason), why };
  });
  return { keeperId: keeper.candidate.id, ranked };
}

/** Why a file name looks like a copy or an edit, or null. */
export function derivedNameHint(path: string): DerivedHint | null {
  const name = path.replace(/\\/g, '/').split('/').pop() ?? path;
  const stem = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  for (const [pattern, hint] of DERIVED_PATTERNS) {
    if (pattern.test(stem)) return hint;
  }
  return null;
}

/** A derived hint in English ("name has \"copy\""). */
export function derivedHintEnglish(hint: DerivedHint): string {
  return DERIVED_ENGLISH[hint];
}

function toFacts(candidate: KeeperCandidate, folders: string[]): Facts {
  const path = candidate.path.replace(/\\/g, '/');
  const derived: DerivedHint | null = candidate.isDerived ? 'marked' : derivedNameHint(path);
  return {
    candidate,
    pixels: candidate.width * candidate.height,
    formatRank: FORMAT_RANK[candidate.format.toLowerCase()] ?? 1,
    derived,
    preferredFolder: folders.find((f) => path.startsWith(`${f}/`)) ?? null,
    time: candidate.capturedAt ?? candidate.mtime,
  };
}

function normaliseFolder(folder: string): string {
  return folder.replace(/\\/g, '/').replace(/\/+$/, '');
}
