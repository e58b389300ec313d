/**
 * Which copy of a duplicate group to keep. Pure and deterministic: the same candidates always give
 * the same keeper, and every decision comes with reasons a person can read.
 */
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
  reasons: string[];
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
const DERIVED_PATTERNS: Array<[RegExp, string]> = [
  [/[\s_-]copy(\s*\d+)?$/i, '"copy"'],
  [/^copy of /i, '"Copy of"'],
  [/\s?\(\d+\)$/, 'a "(n)" suffix'],
  [/[\s_-](edit|edited|modifi[ée]|bearbeitet)$/i, '"edited"'],
  [/[\s_-](resized|small|thumb|thumbnail|scaled|web|preview)$/i, 'a resize suffix'],
  [/[\s_-]\d{2,4}x\d{2,4}$/i, 'a size suffix'],
];

interface Facts {
  candidate: KeeperCandidate;
  pixels: number;
  formatRank: number;
  derived: string | null;
  preferredFolder: string | null;
  time: number;
}

interface Criterion {
  name: 'resolution' | 'format' | 'size' | 'exif' | 'derived' | 'folder' | 'age' | 'path';
  /** Negative when a is better. */
  compare(a: Facts, b: Facts): number;
  /** Why the keeper stands out on this criterion among all (null when it does not). */
  keeperReason(keeper: Facts, all: Facts[]): string | null;
  /** Why `loser` lost to `keeper` when this criterion decided. */
  loserReason(loser: Facts, keeper: Facts): string;
}

const size = (c: KeeperCandidate): string => `${c.width}×${c.height}`;
const formatName = (f: string): string => FORMAT_NAME[f.toLowerCase()] ?? f.toUpperCase();
const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${bytes} B`;
const formatDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function formatMerit(f: Facts): string {
  const name = formatName(f.candidate.format);
  if (f.formatRank === 4) return 'RAW original';
  if (f.formatRank === 3) return f.candidate.format.toLowerCase().startsWith('hei') ? `${name} original` : `lossless ${name}`;
  return name;
}

const CRITERIA: Criterion[] = [
  {
    name: 'resolution',
    compare: (a, b) => b.pixels - a.pixels,
    keeperReason: (k, all) => (all.some((o) => o.pixels < k.pixels) ? `highest resolution (${size(k.candidate)})` : null),
    loserReason: (l, k) => `lower resolution than keeper (${size(l.candidate)} vs ${size(k.candidate)})`,
  },
  {
    name: 'format',
    compare: (a, b) => b.formatRank - a.formatRank,
    keeperReason: (k, all) => (all.some((o) => o.formatRank < k.formatRank) ? `best format (${formatMerit(k)})` : null),
    loserReason: (l, k) => `same resolution, lower-quality format than keeper (${formatName(l.candidate.format)} vs ${formatMerit(k)})`,
  },
  {
    name: 'size',
    compare: (a, b) => b.candidate.bytes - a.candidate.bytes,
    keeperReason: (k, all) =>
      all.some((o) => o.pixels === k.pixels && o.formatRank === k.formatRank && o.candidate.bytes < k.candidate.bytes)
        ? `largest file at this resolution (${formatBytes(k.candidate.bytes)}: least compressed)`
        : null,
    loserReason: (l, k) => `same resolution and format class, smaller file than keeper (${formatBytes(l.candidate.bytes)} vs ${formatBytes(k.candidate.bytes)}: more compressed)`,
  },
  {
    name: 'exif',
    compare: (a, b) => b.candidate.exifFieldCount - a.candidate.exifFieldCount,
    keeperReason: (k, all) => (all.some((o) => o.candidate.exifFieldCount < k.candidate.exifFieldCount) ? `richest metadata (${k.candidate.exifFieldCount} EXIF fields)` : null),
    loserReason: (l, k) => `less metadata than keeper (${l.candidate.exifFieldCount} vs ${k.candidate.exifFieldCount} EXIF fields)`,
  },
  {
    name: 'derived',
    compare: (a, b) => Number(a.derived !== null) - Number(b.derived !== null),
    keeperReason: (k, all) => (k.derived === null && all.some((o) => o.derived !== null) ? 'original (not a copy or edit)' : null),
    loserReason: (l) => `looks derived (${l.derived ?? 'copy'}) while keeper looks original`,
  },
  {
    name: 'folder',
    compare: (a, b) => Number(a.preferredFolder === null) - Number(b.preferredFolder === null),
    keeperReason: (k, all) => (k.preferredFolder !== null && all.some((o) => o.preferredFolder === null) ? `in preferred folder ${k.preferredFolder}` : null),
    loserReason: (_l, k) => `not in a preferred folder (keeper is in ${k.preferredFolder ?? '?'})`,
  },
  {
    name: 'age',
    compare: (a, b) => a.time - b.time,
    keeperReason: (k, all) => (all.some((o) => o.time > k.time) ? `oldest (${formatDate(k.time)})` : null),
    loserReason: (l, k) => `newer than keeper (${formatDate(l.time)} vs ${formatDate(k.time)})`,
  },
  {
    name: 'path',
    compare: (a, b) => (a.candidate.path < b.candidate.path ? -1 : a.candidate.path > b.candidate.path ? 1 : a.candidate.id - b.candidate.id),
    keeperReason: (k, all) => (all.length > 1 && all.every((o) => o === k || CRITERIA.every((c) => c.name === 'path' || c.compare(o, k) === 0)) ? 'equal on every criterion; first by path' : null),
    loserReason: () => 'equal to keeper on every criterion; path sorts after keeper',
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

  const keeperReasons = CRITERIA.map((c) => c.keeperReason(keeper, facts)).filter((r): r is string => r !== null);
  if (keeper.derived !== null) keeperReasons.push(`kept although it looks derived (${keeper.derived})`);
  if (keeperReasons.length === 0) keeperReasons.push('only candidate');

  const ranked: RankedCandidate[] = ordered.map((f, index) => {
    if (index === 0) return { id: f.candidate.id, keep: true, reasons: keeperReasons };
    const decisive = CRITERIA.find((c) => c.compare(f, keeper) !== 0) ?? CRITERIA[CRITERIA.length - 1];
    const reasons = decisive ? [decisive.loserReason(f, keeper)] : [];
    if (f.derived !== null && decisive?.name !== 'derived') reasons.push(`looks derived (${f.derived})`);
    return { id: f.candidate.id, keep: false, reasons };
  });
  return { keeperId: keeper.candidate.id, ranked };
}

/** Why a file name looks like a copy or an edit, or null. */
export function derivedNameHint(path: string): string | null {
  const name = path.replace(/\\/g, '/').split('/').pop() ?? path;
  const stem = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  for (const [pattern, what] of DERIVED_PATTERNS) {
    if (pattern.test(stem)) return `name has ${what}`;
  }
  return null;
}

function toFacts(candidate: KeeperCandidate, folders: string[]): Facts {
  const path = candidate.path.replace(/\\/g, '/');
  const derived = candidate.isDerived ? 'marked as derived' : derivedNameHint(path);
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
