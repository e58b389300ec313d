/**
 * Which copy of a duplicate group to keep. Pure and deterministic: the same candidates always give
 * the same keeper, and every decision comes with reasons a person can read.
 */
import { formatBytes } from '../format';
import type { DerivedHint, EditHint, FormatQuality, ImageFormat, KeeperReason } from '../contract/types';
import { EngineError } from '../errors';

/** The contract's formats, and any other a future decoder may report (ranked as 'other'). */
type KeeperFormat = ImageFormat | (string & {});

export interface KeeperCandidate {
  id: number;
  path: string;
  bytes: number;
  width: number;
  height: number;
  format: KeeperFormat;
  exifFieldCount: number;
  /** Capture time in ms since the epoch, when known. */
  capturedAt: number | null;
  /** File modification time in ms since the epoch. */
  mtime: number;
  /** Set by the caller when it knows the file is derived from another (e.g. a smaller re-save). */
  isDerived?: boolean;
  /** Edits measured against the rest of the group (edits.ts). */
  edits?: EditHint[];
  /** JPEG quality estimated from the quantisation table (jpeg-quality.ts); null when not a JPEG. */
  jpegQuality?: number | null;
  /** Camera make/model from EXIF, when known. */
  camera?: string | null;
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

/**
 * RAW > HEIC (camera originals) > everything else > GIF (256 colours). A lossless PNG/TIFF copy of
 * a JPEG holds exactly the JPEG's pixels, so lossless is not ranked above lossy: quality is judged
 * by resolution, detail and the JPEG's own quantisation instead.
 */
const FORMAT_RANK: Record<string, number> = {
  raw: 4,
  heic: 3,
  heif: 3,
  png: 2,
  tiff: 2,
  bmp: 2,
  webp: 2,
  jpeg: 2,
  jpg: 2,
  avif: 2,
  gif: 1,
};
/** Same-size JPEGs at the same quality whose bytes differ by this factor: the smaller holds less real detail. */
const DETAIL_RATIO = 0.7;
/** JPEG qualities closer than this are the same setting (estimates from tables are ±1). */
const QUALITY_STEP = 3;
/** File times closer than this say nothing about which copy came first (copied together). */
const MTIME_SLACK_MS = 60_000;
const FORMAT_NAME: Record<string, string> = {
  raw: 'RAW',
  heic: 'HEIC',
  heif: 'HEIF',
  png: 'PNG',
  tiff: 'TIFF',
  bmp: 'BMP',
  webp: 'WebP',
  jpeg: 'JPEG',
  jpg: 'JPEG',
  avif: 'AVIF',
  gif: 'GIF',
};

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
  edits: EditHint[];
  /** Fewer bytes than a same-size JPEG at the same quality (DETAIL_RATIO): likely upscaled or smoothed. */
  lowDetail: boolean;
  hasCamera: boolean;
  /** The group's file times span more than MTIME_SLACK_MS (copies made together all look "oldest"). */
  mtimeUsable: boolean;
  pixels: number;
  formatRank: number;
  derived: DerivedHint | null;
  preferredFolder: string | null;
  time: number;
}

interface Criterion {
  name:
    | 'edits'
    | 'resolution'
    | 'detail'
    | 'quality'
    | 'camera'
    | 'format'
    | 'size'
    | 'exif'
    | 'derived'
    | 'folder'
    | 'age'
    | 'path';
  /** Negative when a is better. */
  compare(a: Facts, b: Facts): number;
  /** Why the keeper stands out on this criterion among all (null when it does not). */
  keeperReason(keeper: Facts, all: Facts[]): KeeperReason | null;
  /** Why `loser` lost to `keeper` when this criterion decided. */
  loserReason(loser: Facts, keeper: Facts): KeeperReason;
}

const formatName = (f: string): string => FORMAT_NAME[f.toLowerCase()] ?? f.toUpperCase();
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
    case 'keep.resolution':
      return `highest resolution (${r.params.width}×${r.params.height})`;
    case 'keep.format':
      return `best format (${formatMerit(r.params.format, r.params.quality)})`;
    case 'keep.size':
      return `largest file at this resolution (${formatBytes(r.params.bytes)}: least compressed)`;
    case 'keep.exif':
      return `richest metadata (${r.params.fields} EXIF fields)`;
    case 'keep.original':
      return 'name does not look like a copy (others do)';
    case 'keep.unedited':
      return `not edited (other copies have: ${r.params.edits.map((e) => EDIT_ENGLISH[e]).join(', ')})`;
    case 'keep.detail':
      return `most real detail at this size (${formatBytes(r.params.bytes)} at the same JPEG quality)`;
    case 'keep.quality':
      return `highest JPEG quality (${r.params.quality})`;
    case 'keep.camera':
      return `camera metadata${r.params.camera ? ` (${r.params.camera}` : ''}${r.params.time !== null ? `${r.params.camera ? ', ' : ' ('}taken ${formatDate(r.params.time)}` : ''}${r.params.camera || r.params.time !== null ? ')' : ''}`;
    case 'keep.folder':
      return `in preferred folder ${r.params.folder}`;
    case 'keep.age':
      return `oldest (${formatDate(r.params.time)})`;
    case 'keep.tie':
      return 'equal on every criterion; first by path';
    case 'keep.derived':
      return `kept although it looks derived (${DERIVED_ENGLISH[r.params.hint]})`;
    case 'keep.only':
      return 'only candidate';
    case 'keep.chosen':
      return 'you chose this copy';
    case 'lose.resolution':
      return `lower resolution than keeper (${r.params.width}×${r.params.height} vs ${r.params.keeperWidth}×${r.params.keeperHeight})`;
    case 'lose.format':
      return `same resolution, lower-quality format than keeper (${r.params.format} vs ${formatMerit(r.params.keeperFormat, r.params.keeperQuality)})`;
    case 'lose.size':
      return `same resolution and format class, smaller file than keeper (${formatBytes(r.params.bytes)} vs ${formatBytes(r.params.keeperBytes)}: more compressed)`;
    case 'lose.exif':
      return `less metadata than keeper (${r.params.fields} vs ${r.params.keeperFields} EXIF fields)`;
    case 'lose.derived':
      return `looks derived (${DERIVED_ENGLISH[r.params.hint]}) while keeper looks original`;
    case 'lose.edited':
      return `edited copy: ${r.params.edits.map((e) => EDIT_ENGLISH[e]).join(', ')}`;
    case 'lose.detail':
      return `less real detail than keeper at the same size and JPEG quality (${formatBytes(r.params.bytes)} vs ${formatBytes(r.params.keeperBytes)}: upscaled or smoothed?)`;
    case 'lose.quality':
      return `lower JPEG quality than keeper (${r.params.quality} vs ${r.params.keeperQuality})`;
    case 'lose.camera':
      return 'no camera metadata while keeper has it';
    case 'lose.folder':
      return `not in a preferred folder (keeper is in ${r.params.keeperFolder})`;
    case 'lose.age':
      return `newer than keeper (${formatDate(r.params.time)} vs ${formatDate(r.params.keeperTime)})`;
    case 'lose.tie':
      return 'equal to keeper on every criterion; path sorts after keeper';
    case 'lose.chosen':
      return 'you chose another copy to keep';
    case 'derived':
      return `looks derived (${DERIVED_ENGLISH[r.params.hint]})`;
    case 'text':
      return r.params.text;
  }
}

const none = {} as Record<string, never>;

export const EDIT_ENGLISH: Record<EditHint, string> = {
  border: 'added border',
  crop: 'cropped',
  overlay: 'caption, banner or watermark along an edge',
  tone: 'brightness/contrast changed',
  saturation: 'saturation changed',
  grey: 'made greyscale',
  blur: 'blurred',
};

const qualityOf = (f: Facts): number | null => f.candidate.jpegQuality ?? null;
const timeGap = (a: Facts, b: Facts): number => {
  // Capture times when both have one; file times only when the group's span says they mean something.
  if (a.candidate.capturedAt !== null && b.candidate.capturedAt !== null)
    return a.candidate.capturedAt - b.candidate.capturedAt;
  return a.mtimeUsable && b.mtimeUsable ? a.candidate.mtime - b.candidate.mtime : 0;
};
const sizeComparable = (a: Facts, b: Facts): boolean =>
  a.pixels === b.pixels &&
  a.candidate.format.toLowerCase() === b.candidate.format.toLowerCase() &&
  (qualityOf(a) === null || qualityOf(b) === null);

const CRITERIA: Criterion[] = [
  {
    name: 'edits',
    compare: (a, b) => a.edits.length - b.edits.length,
    keeperReason: (k, all) => {
      if (k.edits.length > 0) return null;
      const seen = [...new Set(all.flatMap((o) => o.edits))];
      return seen.length > 0 ? { key: 'keep.unedited', params: { edits: seen } } : null;
    },
    loserReason: (l) => ({ key: 'lose.edited', params: { edits: l.edits } }),
  },
  {
    name: 'resolution',
    compare: (a, b) => b.pixels - a.pixels,
    keeperReason: (k, all) =>
      all.some((o) => o.pixels < k.pixels)
        ? { key: 'keep.resolution', params: { width: k.candidate.width, height: k.candidate.height } }
        : null,
    loserReason: (l, k) => ({
      key: 'lose.resolution',
      params: {
        width: l.candidate.width,
        height: l.candidate.height,
        keeperWidth: k.candidate.width,
        keeperHeight: k.candidate.height,
      },
    }),
  },
  {
    name: 'detail',
    compare: (a, b) => Number(a.lowDetail) - Number(b.lowDetail),
    keeperReason: (k, all) =>
      !k.lowDetail && all.some((o) => o.lowDetail)
        ? { key: 'keep.detail', params: { bytes: k.candidate.bytes } }
        : null,
    loserReason: (l, k) => ({
      key: 'lose.detail',
      params: { bytes: l.candidate.bytes, keeperBytes: k.candidate.bytes },
    }),
  },
  {
    name: 'quality',
    compare: (a, b) => {
      const qa = qualityOf(a);
      const qb = qualityOf(b);
      return qa === null || qb === null || Math.abs(qa - qb) < QUALITY_STEP ? 0 : qb - qa;
    },
    keeperReason: (k, all) => {
      const q = qualityOf(k);
      return q !== null && all.some((o) => (qualityOf(o) ?? 101) <= q - QUALITY_STEP)
        ? { key: 'keep.quality', params: { quality: q } }
        : null;
    },
    loserReason: (l, k) => ({
      key: 'lose.quality',
      params: { quality: qualityOf(l) ?? 0, keeperQuality: qualityOf(k) ?? 0 },
    }),
  },
  {
    name: 'camera',
    compare: (a, b) => Number(b.hasCamera) - Number(a.hasCamera),
    keeperReason: (k, all) =>
      k.hasCamera && all.some((o) => !o.hasCamera)
        ? { key: 'keep.camera', params: { camera: k.candidate.camera ?? null, time: k.candidate.capturedAt } }
        : null,
    loserReason: () => ({ key: 'lose.camera', params: none }),
  },
  {
    name: 'format',
    compare: (a, b) => b.formatRank - a.formatRank,
    keeperReason: (k, all) =>
      all.some((o) => o.formatRank < k.formatRank)
        ? {
            key: 'keep.format',
            params: { format: formatName(k.candidate.format), quality: formatQuality(k) },
          }
        : null,
    loserReason: (l, k) => ({
      key: 'lose.format',
      params: {
        format: formatName(l.candidate.format),
        keeperFormat: formatName(k.candidate.format),
        keeperQuality: formatQuality(k),
      },
    }),
  },
  {
    name: 'size',
    // Larger means less compressed only for one format at one size when the quality is unknown.
    compare: (a, b) => (sizeComparable(a, b) ? b.candidate.bytes - a.candidate.bytes : 0),
    keeperReason: (k, all) =>
      all.some((o) => sizeComparable(o, k) && o.candidate.bytes < k.candidate.bytes)
        ? { key: 'keep.size', params: { bytes: k.candidate.bytes } }
        : null,
    loserReason: (l, k) => ({
      key: 'lose.size',
      params: { bytes: l.candidate.bytes, keeperBytes: k.candidate.bytes },
    }),
  },
  {
    name: 'exif',
    compare: (a, b) => b.candidate.exifFieldCount - a.candidate.exifFieldCount,
    keeperReason: (k, all) =>
      all.some((o) => o.candidate.exifFieldCount < k.candidate.exifFieldCount)
        ? { key: 'keep.exif', params: { fields: k.candidate.exifFieldCount } }
        : null,
    loserReason: (l, k) => ({
      key: 'lose.exif',
      params: { fields: l.candidate.exifFieldCount, keeperFields: k.candidate.exifFieldCount },
    }),
  },
  {
    name: 'derived',
    compare: (a, b) => Number(a.derived !== null) - Number(b.derived !== null),
    keeperReason: (k, all) =>
      k.derived === null && all.some((o) => o.derived !== null)
        ? { key: 'keep.original', params: none }
        : null,
    loserReason: (l) => ({ key: 'lose.derived', params: { hint: l.derived ?? 'marked' } }),
  },
  {
    name: 'folder',
    compare: (a, b) => Number(a.preferredFolder === null) - Number(b.preferredFolder === null),
    keeperReason: (k, all) =>
      k.preferredFolder !== null && all.some((o) => o.preferredFolder === null)
        ? { key: 'keep.folder', params: { folder: k.preferredFolder } }
        : null,
    loserReason: (_l, k) => ({ key: 'lose.folder', params: { keeperFolder: k.preferredFolder ?? '?' } }),
  },
  {
    name: 'age',
    compare: timeGap,
    keeperReason: (k, all) =>
      all.some((o) => timeGap(o, k) > 0) ? { key: 'keep.age', params: { time: k.time } } : null,
    loserReason: (l, k) => ({ key: 'lose.age', params: { time: l.time, keeperTime: k.time } }),
  },
  {
    name: 'path',
    compare: (a, b) =>
      a.candidate.path < b.candidate.path
        ? -1
        : a.candidate.path > b.candidate.path
          ? 1
          : a.candidate.id - b.candidate.id,
    keeperReason: (k, all) =>
      all.length > 1 &&
      all.every((o) => o === k || CRITERIA.every((c) => c.name === 'path' || c.compare(o, k) === 0))
        ? { key: 'keep.tie', params: none }
        : null,
    loserReason: () => ({ key: 'lose.tie', params: none }),
  },
];

export function suggestKeeper(
  candidates: readonly KeeperCandidate[],
  prefs: KeeperPreferences = {},
): KeeperSuggestion {
  if (candidates.length === 0)
    throw new EngineError(
      'INVALID_ARGUMENT',
      'expected at least one candidate for suggestKeeper but received none',
    );
  const ids = new Set<number>();
  for (const c of candidates) {
    if (ids.has(c.id))
      throw new EngineError('INVALID_ARGUMENT', `expected unique candidate ids but received ${c.id} twice`);
    ids.add(c.id);
  }
  const folders = (prefs.preferredFolders ?? []).map(normaliseFolder).filter((f) => f.length > 0);
  const facts = candidates.map((candidate) => toFacts(candidate, folders));
  const mtimes = candidates.map((c) => c.mtime);
  const mtimeUsable = Math.max(...mtimes) - Math.min(...mtimes) >= MTIME_SLACK_MS;
  for (const f of facts) {
    f.mtimeUsable = mtimeUsable;
    const q = qualityOf(f);
    f.lowDetail =
      q !== null &&
      facts.some(
        (o) =>
          o !== f &&
          o.pixels === f.pixels &&
          qualityOf(o) !== null &&
          Math.abs((qualityOf(o) ?? 0) - q) < QUALITY_STEP &&
          f.candidate.bytes < DETAIL_RATIO * o.candidate.bytes,
      );
  }
  const ordered = [...facts].sort((a, b) => {
    for (const c of CRITERIA) {
      const d = c.compare(a, b);
      if (d !== 0) return d;
    }
    return 0;
  });
  const keeper = ordered[0];
  if (!keeper) throw new EngineError('INTERNAL', 'no keeper after sorting');

  const keeperWhy = CRITERIA.map((c) => c.keeperReason(keeper, facts)).filter(
    (r): r is KeeperReason => r !== null,
  );
  if (keeper.derived !== null) keeperWhy.push({ key: 'keep.derived', params: { hint: keeper.derived } });
  if (keeperWhy.length === 0) keeperWhy.push({ key: 'keep.only', params: none });

  const ranked: RankedCandidate[] = ordered.map((f, index) => {
    if (index === 0)
      return { id: f.candidate.id, keep: true, reasons: keeperWhy.map(englishReason), why: keeperWhy };
    const decisive = CRITERIA.find((c) => c.compare(f, keeper) !== 0) ?? CRITERIA[CRITERIA.length - 1];
    const why = decisive ? [decisive.loserReason(f, keeper)] : [];
    if (f.derived !== null && decisive?.name !== 'derived')
      why.push({ key: 'derived', params: { hint: f.derived } });
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
    edits: candidate.edits ?? [],
    lowDetail: false,
    hasCamera: candidate.capturedAt !== null || Boolean(candidate.camera),
    mtimeUsable: false,
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
