/** Domain types that cross the wire. JSON-safe only: no bigint, no Buffer, no Date. */

export interface Folder {
  id: number;
  path: string;
  addedAt: number;
  files: number;
}

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'bmp' | 'heic' | 'raw' | 'other';

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
  faces: Array<{ id: number; box: [number, number, number, number]; personId: number | null; inferred: boolean }>;
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

export interface DuplicateMember extends PhotoSummary {
  keep: boolean;
  reasons: string[];
}

export interface DuplicateGroup {
  id: number;
  kind: DuplicateKind;
  members: DuplicateMember[];
  /** Why these files were grouped: hash distances, matching variant. */
  evidence: string[];
  reclaimableBytes: number;
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

export interface PersonDetail extends Person {
  faces: FaceRef[];
  inferred: FaceRef[];
}

export interface UnknownCluster {
  key: string;
  faces: FaceRef[];
}

export interface SeriesSummary {
  id: number;
  title: string;
  start: number | null;
  end: number | null;
  people: number[];
  photoCount: number;
  cover: PhotoSummary | null;
}

export interface SeriesShot extends PhotoSummary {
  best: boolean;
  redundant: boolean;
  score: number;
  reasons: string[];
}

export interface SeriesDetail extends SeriesSummary {
  reasons: Record<string, unknown>;
  explanation: string[];
  shots: SeriesShot[];
}

export interface DeletePlanItem {
  photoId: number;
  path: string;
  bytes: number;
  reason: string;
}

export interface DeletePlan {
  id: number;
  createdAt: number;
  items: DeletePlanItem[];
  totalBytes: number;
  /** Files the plan refuses to remove without an explicit extra confirmation (last copy, last photo of a person in a series). */
  guarded: Array<{ photoId: number; path: string; why: string }>;
}

export interface JournalEntry {
  id: number;
  planId: number;
  at: number;
  dryRun: boolean;
  state: 'done' | 'partial' | 'undone' | 'dry-run';
  items: Array<{ photoId: number; path: string; bytes: number; trashPath: string | null; ok: boolean; error: string | null }>;
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
  error: string | null;
}
