/** Domain types that cross the wire. JSON-safe only: no bigint, no Buffer, no Date. */
import type { ErrorCode } from '../errors';

export interface Folder {
  id: number;
  path: string;
  addedAt: number;
  files: number;
  /** Copies in this folder are kept when the copies of a duplicate group are otherwise equal. */
  preferred: boolean;
}

export type ImageFormat =
  | 'jpeg'
  | 'png'
  | 'webp'
  | 'gif'
  | 'tiff'
  | 'avif'
  | 'bmp'
  | 'heic'
  | 'raw'
  | 'other';

export interface PhotoSummary {
  id: number;
  path: string;
  bytes: number;
  width: number | null;
  height: number | null;
  format: ImageFormat | null;
  capturedAt: number | null;
  mtime: number;
}

export interface PhotoDetail extends PhotoSummary {
  contentId: number;
  sha256: string;
  camera: string | null;
  gps: { lat: number; lon: number } | null;
  exifFields: number;
  sharpness: number | null;
  exposure: number | null;
  faces: Array<{
    id: number;
    box: [number, number, number, number];
    personId: number | null;
    inferred: boolean;
  }>;
}

export interface ScanErrorRecord {
  id: number;
  scanId: number;
  path: string;
  code: ScanErrorCode;
  message: string;
  at: number;
}

/** Closed set of reasons a file could not be read; recorded, never fatal. */
export type ScanErrorCode =
  | 'EMPTY_FILE'
  | 'NOT_AN_IMAGE'
  | 'CORRUPT'
  | 'TRUNCATED'
  | 'TOO_MANY_PIXELS'
  | 'UNREADABLE'
  | 'VANISHED'
  | 'SYMLINK_LOOP'
  | 'UNSUPPORTED_FORMAT'
  | 'BAD_NAME'
  | 'VISION_FAILED';

export interface LibraryStatus {
  folders: number;
  files: number;
  images: number;
  errors: number;
  bytes: number;
  duplicateGroups: number;
  reclaimableBytes: number;
  faces: number;
  people: number;
  series: number;
  lastScan: ScanSummary | null;
}

export interface ScanSummary {
  id: number;
  startedAt: number;
  finishedAt: number | null;
  state: 'running' | 'done' | 'cancelled' | 'interrupted' | 'failed';
  files: number;
  images: number;
  skipped: number;
  errors: number;
}

export interface BrowseResult {
  path: string;
  parent: string | null;
  entries: Array<{ name: string; path: string; images: number | null }>;
}

export type DuplicateKind = 'exact' | 'near';

/** A reason or fact stored by an older Sift (English only), or words a caller supplied. */
export type StoredText = { key: 'text'; params: { text: string } };

/** How a file name or the caller marks a copy as derived from another (edits, re-saves). */
export type DerivedHint = 'marked' | 'copy' | 'copyOf' | 'number' | 'edited' | 'resize' | 'sizeSuffix';

/** Quality class of a format, as the keeper ranks it. */
/** An edit measured against the other copies of a duplicate group (src/common/dedup/edits.ts). */
export type EditHint = 'border' | 'crop' | 'overlay' | 'tone' | 'saturation' | 'grey' | 'blur';

export type FormatQuality = 'raw' | 'original' | 'lossless' | 'plain';

/**
 * One reason of the keeper suggestion as a key and its parameters (sizes in bytes, times in ms since
 * the epoch), so that a UI can say it in its own language. `reasons` carries the same in English.
 * 'text' is a reason stored by an older Sift, in English only.
 */
export type KeeperReason =
  | { key: 'keep.resolution'; params: { width: number; height: number } }
  | { key: 'keep.format'; params: { format: string; quality: FormatQuality } }
  | { key: 'keep.size'; params: { bytes: number } }
  | { key: 'keep.exif'; params: { fields: number } }
  | { key: 'keep.original'; params: Record<string, never> }
  | { key: 'keep.unedited'; params: { edits: EditHint[] } }
  | { key: 'keep.detail'; params: { bytes: number } }
  | { key: 'keep.quality'; params: { quality: number } }
  | { key: 'keep.camera'; params: { camera: string | null; time: number | null } }
  | { key: 'keep.folder'; params: { folder: string } }
  | { key: 'keep.age'; params: { time: number } }
  | { key: 'keep.tie'; params: Record<string, never> }
  | { key: 'keep.derived'; params: { hint: DerivedHint } }
  | { key: 'keep.only'; params: Record<string, never> }
  | { key: 'keep.chosen'; params: Record<string, never> }
  | {
      key: 'lose.resolution';
      params: { width: number; height: number; keeperWidth: number; keeperHeight: number };
    }
  | { key: 'lose.format'; params: { format: string; keeperFormat: string; keeperQuality: FormatQuality } }
  | { key: 'lose.size'; params: { bytes: number; keeperBytes: number } }
  | { key: 'lose.exif'; params: { fields: number; keeperFields: number } }
  | { key: 'lose.derived'; params: { hint: DerivedHint } }
  | { key: 'lose.edited'; params: { edits: EditHint[] } }
  | { key: 'lose.detail'; params: { bytes: number; keeperBytes: number } }
  | { key: 'lose.quality'; params: { quality: number; keeperQuality: number } }
  | { key: 'lose.camera'; params: Record<string, never> }
  | { key: 'lose.folder'; params: { keeperFolder: string } }
  | { key: 'lose.age'; params: { time: number; keeperTime: number } }
  | { key: 'lose.tie'; params: Record<string, never> }
  | { key: 'lose.chosen'; params: Record<string, never> }
  | { key: 'derived'; params: { hint: DerivedHint } }
  | StoredText;

export interface DuplicateMember extends PhotoSummary {
  keep: boolean;
  /** The reasons in English (as `sift dupes` prints them). */
  reasons: string[];
  /** The same reasons as keys and parameters. */
  why: KeeperReason[];
}

/** Why files were grouped, as a key and parameters (transform: what turns a into b). */
export type GroupEvidence =
  | { key: 'evidence.identical'; params: { files: number } }
  | { key: 'evidence.copiesIncluded'; params: { copies: number } }
  | {
      key: 'evidence.pair';
      params: {
        a: number;
        b: number;
        transform:
          | 'identity'
          | 'hflip'
          | 'vflip'
          | 'rot180'
          | 'transpose'
          | 'rot90'
          | 'rot270'
          | 'transverse';
        phash: number;
        dhash: number;
        blockhash: number;
      };
    }
  | StoredText;

export interface DuplicateGroup {
  id: number;
  kind: DuplicateKind;
  members: DuplicateMember[];
  /** Why these files were grouped (hash distances, matching variant), in English. */
  evidence: string[];
  /** The same as keys and parameters. */
  proof: GroupEvidence[];
  reclaimableBytes: number;
}

/** One "not a duplicate" answer: the photos it told Sift never to group together again. */
export interface Dismissal {
  id: number;
  at: number;
  photos: PhotoSummary[];
}

export interface FaceRef {
  id: number;
  photoId: number;
  path: string;
  box: [number, number, number, number];
  quality: number;
  inferred: boolean;
  confidence: number;
}

export interface Person {
  id: number;
  name: string | null;
  hidden: boolean;
  faceCount: number;
  photoCount: number;
  cover: FaceRef | null;
}

/** A person after a rename or merge, with the id `people:undo` takes to reverse it. */
export interface PersonEdit extends Person {
  undoId: number;
}

export interface PersonDetail extends Person {
  faces: FaceRef[];
  inferred: FaceRef[];
}

export interface UnknownCluster {
  key: string;
  faces: FaceRef[];
}

/** Who or what a series shows, for its title; a UI words it in its own language. */
export type SeriesSubject =
  | { kind: 'people' }
  | { kind: 'unknown-people' }
  | { kind: 'place'; lat: number; lon: number }
  | { kind: 'photos' };

export interface SeriesSummary {
  id: number;
  /** In English, e.g. "Amy & Raj · 2024-05-01 · 12 photos". */
  title: string;
  /** What the title is made of (with `people`, `start` and `photoCount`); null for a series saved by an older Sift. */
  subject: SeriesSubject | null;
  start: number | null;
  end: number | null;
  people: number[];
  photoCount: number;
  cover: PhotoSummary | null;
}

/** Quality signals of a shot, each in [0, 1] relative to the series. */
export type ShotParts = Partial<Record<'sharpness' | 'faceQuality' | 'exposure' | 'resolution', number>>;

/** One reason of a shot's verdict as a key and parameters (ids are content ids, times in ms). */
export type ShotReason =
  /** `withFace`: chosen among the shots that show a face, which some other shot of the series does not. */
  | { key: 'shot.best'; params: { score: number; parts: ShotParts; withFace?: boolean } }
  | { key: 'shot.burstKept'; params: { frames: number; score: number; parts: ShotParts } }
  | { key: 'shot.onlyWithPerson'; params: { people: number[] } }
  | { key: 'shot.redundant'; params: { gapMs: number; kept: number } }
  | {
      key: 'shot.nearIdentical';
      params: { from: number; to: number; gapMs: number; background: number; bodies: number | null };
    }
  | {
      key: 'shot.lowerScore';
      params: { score: number; keptScore: number; parts: ShotParts; keptParts: ShotParts };
    }
  | StoredText;

export interface SeriesShot extends PhotoSummary {
  best: boolean;
  redundant: boolean;
  score: number;
  /** `why` in English. */
  reasons: string[];
  why: ShotReason[];
}

/** Why a series exists, as data (times in ms since the epoch, similarities in [0, 1]). */
export interface SeriesReasons {
  photos: number;
  start: number;
  end: number;
  spanMs: number;
  largestGapMs: number;
  gapThresholdMs: number;
  maxGapMs: number;
  burstGapMs: number;
  /** `unknown`: file dates ignored because the files were copied in one go (absent in rows of an older Sift). */
  timeSource: { exif: number; mtime: number; unknown?: number };
  people: Array<{ id: number; name: string | null; photos: number }>;
  meanBackgroundSimilarity: number | null;
  meanClothingSimilarity: number | null;
  links: Record<SeriesLinkKind, number>;
  /** Absent in series saved by an older Sift. */
  subject?: SeriesSubject;
}

export type SeriesLinkKind =
  | 'burst'
  | 'people+clothing'
  | 'clothing'
  | 'name+clothing'
  | 'background'
  | 'time';

export interface SeriesDetail extends SeriesSummary {
  reasons: SeriesReasons;
  /** `reasons` in English sentences. */
  explanation: string[];
  shots: SeriesShot[];
}

/** Why a file is in a delete plan, as a key and parameters; 'text' is the caller's own words. */
export type DeleteReason =
  | { key: 'delete.duplicate'; params: { kind: DuplicateKind; keeper: string | null; group: number } }
  | { key: 'delete.redundantShot'; params: { why: ShotReason[] } }
  | { key: 'delete.selected'; params: Record<string, never> }
  | StoredText;

/** Why a file of a plan is protected. */
export type GuardReason =
  | { key: 'guard.lastCopy'; params: { group: number } }
  | {
      key: 'guard.lastOfPerson';
      /** `personId`, `seriesId` and `seriesStart` are absent in plans made by an older Sift. */
      params: {
        person: string;
        series: string;
        personId?: number;
        seriesId?: number;
        seriesStart?: number | null;
      };
    }
  | StoredText;

export interface DeletePlanItem {
  photoId: number;
  path: string;
  bytes: number;
  /** `because` in English. */
  reason: string;
  because: DeleteReason;
}

export interface DeletePlan {
  id: number;
  createdAt: number;
  items: DeletePlanItem[];
  totalBytes: number;
  /** Files the plan refuses to remove without an explicit extra confirmation (last copy, last photo of a person in a series). */
  guarded: Array<{ photoId: number; path: string; bytes: number; why: string; because: GuardReason }>;
}

export interface JournalEntry {
  id: number;
  planId: number;
  at: number;
  dryRun: boolean;
  state: 'done' | 'partial' | 'undone' | 'dry-run';
  items: Array<{
    photoId: number;
    path: string;
    bytes: number;
    trashPath: string | null;
    ok: boolean;
    error: string | null;
  }>;
  totalBytes: number;
}

export type JobType = 'scan' | 'people' | 'series';

export interface JobInfo {
  id: number;
  type: JobType;
  state: 'queued' | 'running' | 'done' | 'cancelled' | 'failed';
  stage: string;
  done: number;
  total: number;
  rate: number;
  etaSeconds: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** In English; `errorCode` says what happened in any language. */
  error: string | null;
  errorCode: ErrorCode | null;
}

/** What one scan did (`library:scanReport`). */
export interface ScanReport {
  scanId: number;
  files: number;
  images: number;
  skipped: number;
  unchanged: number;
  moved: number;
  missing: number;
  errors: Array<{ path: string; code: ScanErrorCode; message: string }>;
  seconds: number;
  state: 'done' | 'cancelled';
}

/** One detected face (`vision:faces`); boxes are [x, y, width, height] in original-image pixels. */
export interface FaceExport {
  path: string;
  box: [number, number, number, number];
  score: number;
  quality: number;
  /** The 128-d descriptor, when asked for. */
  embedding?: number[];
}

/** One detected body (`vision:bodies`) and the face inside it, if any. */
export interface BodyExport {
  path: string;
  box: [number, number, number, number];
  score: number;
  face: [number, number, number, number] | null;
}

/** A file of a burst (`series:redundant`): the kept frame (keep) or a redundant one, with reasons. */
export interface RedundantShot {
  fileId: number;
  path: string;
  series: number;
  keep: boolean;
  /** `why` in English. */
  reasons: string[];
  why: ShotReason[];
}
