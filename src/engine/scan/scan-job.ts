/**
 * The library scan: walk → read → identify by content → decode once → hashes, quality,
 * thumbnail, EXIF → (optional) vision. Every file is committed on its own, so a crash or
 * `kill -9` loses at most the files in flight; the next scan skips what is done.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ScanErrorCode, ScanReport } from '../../common/contract/types';
import type { Raster } from '../../common/raster';
import type { Logger } from '../../common/logger';
import type { ImageHashes } from '../../common/dedup/types';
import { GROUPS_STALE, type LibraryRepository } from '../library/repository';
import { HASH_VERSION, PACKED_HASH_BYTES, packHashes } from '../library/hash-codec';
import { DecodeError } from './codecs/decode-error';
import { ANALYSIS_LONG_SIDE } from '../../common/raster';
import { decodePhoto, DEFAULT_DECODE_BUDGET_MS, DEFAULT_MAX_PIXELS, THUMB_LONG_SIDE } from './decode';
import { detectImageFormat, looksLikeImageName } from './detect';
import { assertHeifStructure } from './codecs/isobmff';
import { readMetadataOffThread, METADATA_BUDGET_MS } from './metadata-pool';
import { metadataPart } from './metadata-slice';
import { measureQuality } from './quality';
import type { ThumbnailStore } from './thumbs';
import { ByteBudget, openForSniffing, ReadBuffer, type OpenedFile } from './read-pool';
import { problemFromFsError, walkFiles, type WalkEntry, type WalkProblem } from './walk';

/** The vision stage as the scan sees it (implemented in ../vision). */
export interface VisionStage {
  needs(contentId: number): boolean;
  analyze(
    contentId: number,
    raster: Raster,
    fullSize: { width: number; height: number },
    signal: AbortSignal,
  ): Promise<void>;
}

export interface ScanDeps {
  repo: LibraryRepository;
  thumbs: ThumbnailStore;
  computeHashes: (raster: Raster) => ImageHashes | Promise<ImageHashes>;
  vision: VisionStage | null;
  logger: Logger;
  maxPixels?: number;
  concurrency?: number;
  now?: () => number;
  /** Time budgets for the untrusted parsers of one file (tests shorten them). */
  budgets?: { metadataMs?: number; decodeMs?: number };
  /** Largest file read as an image (bigger ones are recorded, not read). */
  maxImageBytes?: number;
  /** File bytes held in memory at once across the scan's workers. */
  inFlightBytes?: number;
}

/** The largest camera RAWs and scanned TIFFs stay below this; anything bigger is not read. */
export const MAX_IMAGE_BYTES = 512 * 1024 * 1024;
/** With four workers, at most this much file content is in memory at once (one file alone may exceed it). */
export const IN_FLIGHT_BYTES = 512 * 1024 * 1024;

export interface ScanProgress {
  (stage: string, done: number, total: number): void;
}

export type { ScanReport };

interface Entry extends WalkEntry {
  folderId: number;
}

export async function runScan(
  deps: ScanDeps,
  options: { folderIds: number[] | null; ml: boolean },
  signal: AbortSignal,
  progress: ScanProgress,
): Promise<ScanReport> {
  const now = deps.now ?? Date.now;
  const started = performance.now();
  const { repo } = deps;
  const scanId = repo.startScan(now());
  const folders = options.folderIds
    ? options.folderIds.map((id) => repo.folder(id)).filter((f) => f !== null)
    : repo.folders();
  const report: ScanReport = {
    scanId,
    files: 0,
    images: 0,
    skipped: 0,
    unchanged: 0,
    moved: 0,
    missing: 0,
    errors: [],
    seconds: 0,
    state: 'done',
  };
  const vision = options.ml ? deps.vision : null;
  const log = deps.logger.child({ scan: scanId });

  const recordError = (pathBytes: Buffer, code: ScanErrorCode, message: string): void => {
    const display = displayPath(pathBytes);
    report.errors.push({ path: display, code, message });
    repo.recordError(scanId, display, pathBytes, code, message, now());
  };
  const onProblem = (p: WalkProblem): void => recordError(p.path, p.code, p.message);

  try {
    // 1. Walk everything first: the total makes progress and ETA honest.
    const entries: Entry[] = [];
    for (const folder of folders) {
      for await (const entry of walkFiles(Buffer.from(folder.path), onProblem, signal)) {
        entries.push({ ...entry, folderId: folder.id });
        if (entries.length % 500 === 0) progress('walk', entries.length, 0);
      }
    }
    report.files = entries.length;
    progress('walk', entries.length, entries.length);

    // 2. Unchanged files (same path, size and mtime, fully analysed) are only marked as seen.
    const pending: Entry[] = [];
    const seen: number[] = [];
    for (const entry of entries) {
      const row = repo.fileByPath(entry.path);
      if (
        row &&
        row.size === entry.size &&
        row.mtime_ms === entry.mtimeMs &&
        row.state === 'ok' &&
        row.content_id !== null &&
        repo.contentDone(row.content_id, PACKED_HASH_BYTES, HASH_VERSION) &&
        (!vision || !vision.needs(row.content_id))
      ) {
        seen.push(row.id);
      } else {
        pending.push(entry);
      }
    }
    repo.transaction(() => {
      for (const id of seen) repo.markSeen(id, scanId);
    });
    report.unchanged = seen.length;
    report.images += seen.length;
    // Anything to analyse or any file gone makes the groups stale, even if this scan dies midway.
    if (pending.length > 0) repo.setFlag(GROUPS_STALE);

    // 3. Everything else: a small pool keeps sharp's threads and the vision workers busy.
    let done = 0;
    const total = pending.length;
    progress('analyse', 0, total);
    const concurrency = deps.concurrency ?? 4;
    const inflight = new Map<string, Promise<unknown>>();
    const budget = new ByteBudget(deps.inFlightBytes ?? IN_FLIGHT_BYTES);
    let cursor = 0;
    const worker = async (): Promise<void> => {
      const reader = new ReadBuffer();
      while (cursor < pending.length) {
        signal.throwIfAborted();
        const entry = pending[cursor++] as Entry;
        try {
          const outcome = await processFile(
            deps,
            entry,
            scanId,
            vision,
            signal,
            now,
            inflight,
            reader,
            budget,
          );
          if (outcome.kind === 'image') report.images++;
          else if (outcome.kind === 'skipped') report.skipped++;
          else recordError(entry.path, outcome.code, outcome.message);
        } catch (error) {
          if (signal.aborted) throw error;
          log.error('unexpected failure on a file', {
            path: displayPath(entry.path),
            error: error instanceof Error ? error.stack : String(error),
          });
          recordError(
            entry.path,
            'CORRUPT',
            `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        progress('analyse', ++done, total);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));

    // 4. Moves and deletions.
    const reconciled = repo.reconcile(
      scanId,
      folders.map((f) => f.id),
    );
    report.moved = reconciled.moved;
    report.missing = reconciled.missing;
  } catch (error) {
    if (signal.aborted) {
      report.state = 'cancelled';
    } else {
      repo.finishScan(scanId, 'failed', { ...report, errors: report.errors.length }, now());
      throw error;
    }
  }
  report.seconds = (performance.now() - started) / 1000;
  repo.finishScan(scanId, report.state, { ...report, errors: report.errors.length }, now());
  log.info('scan finished', {
    files: report.files,
    images: report.images,
    errors: report.errors.length,
    seconds: report.seconds,
  });
  return report;
}

type Outcome =
  | { kind: 'image' }
  | { kind: 'skipped' }
  | { kind: 'error'; code: ScanErrorCode; message: string };

async function processFile(
  deps: ScanDeps,
  entry: Entry,
  scanId: number,
  vision: VisionStage | null,
  signal: AbortSignal,
  now: () => number,
  inflight: Map<string, Promise<unknown>>,
  reader: ReadBuffer,
  budget: ByteBudget,
): Promise<Outcome> {
  const { repo } = deps;
  const display = displayPath(entry.path);
  const extension = path.extname(display);
  const existing = repo.fileByPath(entry.path);
  // Size and time as of the read, not the walk: a file replaced in between is stored as it was read.
  let seen = { size: entry.size, mtimeMs: entry.mtimeMs };
  const saveFile = (contentId: number | null, state: 'ok' | 'error'): void => {
    if (existing)
      repo.updateFile(existing.id, entry.folderId, seen.size, seen.mtimeMs, contentId, state, scanId);
    else
      repo.insertFile(
        entry.folderId,
        display,
        entry.path,
        seen.size,
        seen.mtimeMs,
        contentId,
        state,
        scanId,
        now(),
      );
  };
  const fail = (code: ScanErrorCode, message: string): Outcome => {
    saveFile(null, 'error');
    return { kind: 'error', code, message };
  };
  const fsProblem = (error: unknown): Outcome => {
    if (signal.aborted) throw error;
    const problem = problemFromFsError(entry.path, error);
    if (problem.code === 'VANISHED' && existing) repo.setFileState(existing.id, 'missing');
    return problem.code === 'VANISHED' && !existing
      ? { kind: 'error', code: problem.code, message: problem.message }
      : fail(problem.code, problem.message);
  };

  let opened: OpenedFile;
  try {
    opened = await openForSniffing(entry.path);
  } catch (error) {
    return fsProblem(error);
  }
  try {
    seen = { size: opened.size, mtimeMs: opened.mtimeMs };
    // The type comes from the first bytes: videos and documents are never read whole.
    const kind = detectImageFormat(opened.head, extension);
    if (!kind) {
      if (!looksLikeImageName(extension)) return { kind: 'skipped' };
      if (opened.size === 0) return fail('EMPTY_FILE', 'File is empty (0 bytes)');
      return fail(
        'NOT_AN_IMAGE',
        `Not an image: the content is not a known image format despite the "${extension}" extension`,
      );
    }
    const maxBytes = deps.maxImageBytes ?? MAX_IMAGE_BYTES;
    if (opened.size > maxBytes)
      return fail(
        'TOO_MANY_PIXELS',
        `File is ${(opened.size / 2 ** 20).toFixed(0)} MB, above the ${(maxBytes / 2 ** 20).toFixed(0)} MB limit for one image`,
      );

    const release = await budget.acquire(opened.size);
    try {
      // `bytes` views the worker's reused buffer: nothing below may keep it past this call.
      let bytes: Buffer;
      try {
        bytes = await reader.readOpen(opened.handle, opened.size, signal);
      } catch (error) {
        return fsProblem(error);
      }
      seen = { size: bytes.length, mtimeMs: opened.mtimeMs };
      if (bytes.length === 0) return fail('EMPTY_FILE', 'File is empty (0 bytes)');
      if (kind.format === 'heic' || kind.format === 'avif') {
        try {
          assertHeifStructure(bytes);
        } catch (error) {
          const e = error instanceof DecodeError ? error : new DecodeError('CORRUPT', String(error));
          return fail(e.code, e.message);
        }
      }

      const sha = createHash('sha256').update(bytes).digest();
      // Byte-identical files processed at the same moment: the first decodes, the others wait for it.
      const key = sha.toString('hex');
      const busy = inflight.get(key);
      if (busy) await busy.catch(() => undefined);
      const work = analyseContent(deps, bytes, kind, sha, saveFile, fail, vision, signal, now);
      inflight.set(key, work);
      try {
        return await work;
      } finally {
        if (inflight.get(key) === work) inflight.delete(key);
      }
    } finally {
      release();
    }
  } finally {
    await opened.handle.close();
  }
}

async function analyseContent(
  deps: ScanDeps,
  bytes: Buffer,
  kind: NonNullable<ReturnType<typeof detectImageFormat>>,
  sha: Buffer,
  saveFile: (contentId: number | null, state: 'ok' | 'error') => void,
  fail: (code: ScanErrorCode, message: string) => Outcome,
  vision: VisionStage | null,
  signal: AbortSignal,
  now: () => number,
): Promise<Outcome> {
  const { repo } = deps;
  const known = repo.contentBySha(sha);
  const needsDecode =
    !known ||
    known.decoded_at === null ||
    known.hash_bytes !== PACKED_HASH_BYTES ||
    known.hash_version !== HASH_VERSION;
  const needsVision = vision !== null && (known ? vision.needs(known.id) : true);
  if (known && !needsDecode && !needsVision) {
    saveFile(known.id, 'ok');
    return { kind: 'image' };
  }

  let decoded;
  let metadata;
  try {
    // In a worker under a time budget: a parser looping on a malformed file is stopped there.
    metadata = await readMetadataOffThread(
      metadataPart(bytes, kind),
      deps.budgets?.metadataMs ?? METADATA_BUDGET_MS,
    );
    decoded = await decodePhoto(bytes, kind, {
      maxPixels: deps.maxPixels ?? DEFAULT_MAX_PIXELS,
      exifOrientation: metadata.orientation,
      longSide: vision && needsVision ? ANALYSIS_LONG_SIDE : THUMB_LONG_SIDE,
      budgetMs: deps.budgets?.decodeMs ?? DEFAULT_DECODE_BUDGET_MS,
    });
  } catch (error) {
    const e = error instanceof DecodeError ? error : new DecodeError('CORRUPT', String(error));
    return fail(e.code, e.message);
  }
  signal.throwIfAborted();

  const content = known ?? repo.ensureContent(sha, bytes.length);
  if (needsDecode) {
    const quality = measureQuality(decoded.preview);
    const hashes = await deps.computeHashes(decoded.preview);
    await deps.thumbs.write(content.id, decoded.thumbnail);
    repo.transaction(() => {
      repo.saveDecoded(
        content.id,
        {
          format: decoded.format,
          width: decoded.width,
          height: decoded.height,
          orientation: decoded.orientation,
          capturedAt: metadata.capturedAt,
          camera: metadata.camera,
          gps: metadata.gps,
          exifFields: metadata.fieldCount,
          hashes: packHashes(hashes),
          hashVersion: HASH_VERSION,
          sharpness: quality.sharpness,
          exposure: quality.exposure,
        },
        now(),
      );
      saveFile(content.id, 'ok');
    });
  } else {
    saveFile(content.id, 'ok');
  }
  if (vision && needsVision) {
    await vision.analyze(
      content.id,
      decoded.raster,
      { width: decoded.width, height: decoded.height },
      signal,
    );
  }
  return { kind: 'image' };
}

/** Paths are kept as bytes; this is the readable form (invalid UTF-8 shows as U+FFFD). */
export function displayPath(pathBytes: Buffer): string {
  return pathBytes.toString('utf8');
}

export type { DecodeError };
