/**
 * The composition root: `createEngine` wires the database, services and jobs into one object
 * that implements the typed Api. Hosts (CLI, bridge, Electron utility process) stay thin.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ApiHandlers } from '../common/contract/api';
import type { EventHandler, Dispatch } from '../common/contract/rpc';
import { createClient, createDispatcher, createInMemoryTransport } from '../common/contract/rpc';
import { scanAndWait, type ScanAndWaitOptions } from '../common/contract/scan';
import { EngineError } from '../common/errors';
import type { Logger } from '../common/logger';
import { silentLogger } from '../common/logger';
import { settle } from './async';
import { lockDataDir, type DataDirLock } from './db/lock';
import { openDatabase, type Db } from './db/open';
import { computeImageHashes } from './dedup/hashes';
import { createDedupRepository } from './dedup/repository';
import { createDuplicateService } from './dedup/service';
import { EventBus } from './events';
import { JobRunner, type JobHandlers } from './jobs/runner';
import { createLibraryRepository, GROUPS_STALE } from './library/repository';
import { createPhotoReadModel } from './library/photos';
import { createLibraryService } from './library/service';
import { DEFAULT_MODELS_DIR } from './paths';
import type { ScanReport } from '../common/contract/types';
import { runScan, type VisionStage } from './scan/scan-job';
import { DEFAULT_MAX_PIXELS } from './scan/decode';
import { createPreviews } from './scan/previews';
import { createInterimGrouping } from './dedup/interim';
import { ThumbnailStore } from './scan/thumbs';
import type { TrashBackend } from './trash/backend';
import { createFreedesktopTrash } from './trash/freedesktop';
import { createTrashReadModel, createTrashRepository } from './trash/repository';
import { createTrashService } from './trash/service';
import { createPeopleService } from './people/service';
import { createSeriesService } from './series/service';
import { createVisionRepository } from './vision/repository';
import { createVisionService, libraryVectors } from './vision/service';
import type { JobContext } from './jobs/runner';

export type { TrashBackend } from './trash/backend';

export interface EngineOptions {
  dataDir: string;
  modelsDir?: string;
  logger?: Logger;
  trash?: TrashBackend;
  /** Pixel limit for decoding (decompression bomb guard). */
  maxPixels?: number;
  /** Least time between two duplicate regroupings while a scan hashes (default INTERIM_GROUPING_MIN_INTERVAL_MS). */
  interimGroupingMs?: number;
}

export interface Engine {
  /** Validated RPC entry for hosts: dispatch('people:merge', arg). */
  dispatch: Dispatch;
  /** Direct (unvalidated) handlers, for in-process callers that already hold typed arguments. */
  api: ApiHandlers;
  subscribe(handler: EventHandler): () => void;
  /** `full` is the original file where a browser can show it (100 % zoom), else the large preview. */
  thumbnail(
    photoId: number,
    size: 'small' | 'large' | 'full',
  ): Promise<{ path: string; mime: string } | null>;
  /** Runs a scan to completion in-process (CLI): the job's report, including every error. */
  scanAndWait(options: ScanAndWaitOptions): Promise<ScanReport>;
  waitIdle(): Promise<void>;
  dispose(): Promise<void>;
  readonly dataDir: string;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const logger = options.logger ?? silentLogger;
  const dataDir = path.resolve(options.dataDir);
  try {
    await fs.mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw userFacingFsError(error, `Cannot use ${dataDir} as the data folder`);
  }
  // One writer per library; released in dispose (or when the process exits).
  let lock: DataDirLock;
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    throw userFacingFsError(error, `Cannot use ${dataDir} as the data folder`);
  }
  let db: Db;
  try {
    db = openDatabase(path.join(dataDir, 'library.db'), logger.child({ part: 'db' }));
  } catch (error) {
    lock.release();
    throw userFacingFsError(error, `Cannot open the library database in ${dataDir}`);
  }
  const opened = await startServices(db, lock, dataDir, options, logger).catch((error: unknown) => {
    db.close();
    lock.release();
    throw userFacingFsError(error, `Cannot open the library database in ${dataDir}`);
  });
  return opened;
}

/**
 * Ordinary environment problems (read-only folder or database, a file where the data folder should
 * be, no space) become IO errors with a plain message; the CLI prints those without a stack trace.
 */
function userFacingFsError(error: unknown, what: string): unknown {
  if (error instanceof EngineError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return new EngineError('IO', `${what}: a file is in the way (${message})`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new EngineError('IO', `${what}: permission denied or read-only (${message})`);
    case 'ENOSPC':
      return new EngineError('IO', `${what}: the disk is full`);
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY_DIRECTORY':
    case 'SQLITE_IOERR':
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new EngineError('IO', `${what}: ${message}`);
    default:
      return error;
  }
}

async function startServices(
  db: Db,
  lock: DataDirLock,
  dataDir: string,
  options: EngineOptions,
  logger: Logger,
): Promise<Engine> {
  const modelsDir = options.modelsDir ?? DEFAULT_MODELS_DIR;
  const repo = createLibraryRepository(db);
  const stale = repo.interruptStaleScans();
  if (stale > 0)
    logger.warn('a previous scan was interrupted; the next scan resumes where it stopped', { scans: stale });
  const bus = new EventBus();
  const thumbs = new ThumbnailStore(path.join(dataDir, 'thumbs'));
  const leftovers = await thumbs.removeLeftovers();
  if (leftovers > 0)
    logger.info('removed unfinished thumbnail files of an interrupted run', { files: leftovers });
  const backend = options.trash ?? createFreedesktopTrash();

  const duplicates = createDuplicateService({
    repo: createDedupRepository(db),
    logger: logger.child({ part: 'dedup' }),
    onChange: () => bus.emit('library:changed', { reason: 'dedup' }),
    preferredFolders: () => repo.preferredFolders(),
  });
  const visionRepo = createVisionRepository(db);
  const vectors = libraryVectors({
    dataDir,
    db,
    repo: visionRepo,
    logger: logger.child({ part: 'vectors' }),
  });
  const vision = createVisionService({
    repo: visionRepo,
    vectors,
    modelsDir,
    logger: logger.child({ part: 'vision' }),
  });
  const people = createPeopleService({
    db,
    vectors: vectors.get,
    logger: logger.child({ part: 'people' }),
    onChange: () => bus.emit('library:changed', { reason: 'people' }),
  });
  const series = createSeriesService({ db, vectors: vectors.get, logger: logger.child({ part: 'series' }) });

  async function clusterPeople(ctx: JobContext): Promise<void> {
    await people.cluster({
      signal: ctx.signal,
      onProgress: (done, total, s) => ctx.progress(`people: ${s}`, done, total),
    });
    vectors.save();
  }
  async function groupSeries(ctx: JobContext): Promise<void> {
    const report = (done: number, total: number, s: string): void =>
      ctx.progress(`series: ${s}`, done, total);
    await series.group({ signal: ctx.signal, onProgress: report });
    // Series are the shoots that people without a recognisable face are found in. When that changes
    // who is where, series are grouped again so that they name those people (people born in a series
    // stay inside it; a faceless match can only add a person the photo's series already shows).
    if (people.afterSeries().changed) await series.group({ signal: ctx.signal, onProgress: report });
  }

  /** Reports of the latest scan jobs of this run, for `library:scanReport`. */
  const scanReports = new Map<number, ScanReport>();
  // What the last regrouping cost: it paces the regroupings during the next scan.
  let lastRegroupMs = 0;
  const regroup = (): void => {
    const started = performance.now();
    duplicates.rebuild();
    lastRegroupMs = performance.now() - started;
  };
  const jobHandlers: JobHandlers = {
    scan: async (spec, ctx) => {
      const visionStage: VisionStage | null = spec.ml ? await vision.stage() : null;
      // Groups appear while the scan hashes, not only at its end (Duplicates shows them as they come).
      const interim = createInterimGrouping({
        now: () => performance.now(),
        minIntervalMs: options.interimGroupingMs,
        // 0 (tests) regroups at every step, whatever the last regrouping cost.
        expectedCostMs: options.interimGroupingMs === 0 ? 0 : lastRegroupMs,
        regroup: () => {
          try {
            regroup();
            bus.emit('library:changed', { reason: 'dedup' });
          } catch (error) {
            // An early look is a bonus: the scan goes on and groups again at its end.
            ctx.logger.warn('interim duplicate grouping failed', {
              error: error instanceof Error ? error.message : String(error),
            });
          }
        },
      });
      const report = await runScan(
        {
          repo,
          thumbs,
          computeHashes: computeImageHashes,
          vision: visionStage,
          logger: ctx.logger,
          maxPixels: options.maxPixels,
        },
        { folderIds: spec.folderIds, ml: spec.ml },
        ctx.signal,
        (stage, done, total) => {
          ctx.progress(stage, done, total);
          if (stage === 'analyse' && done > 0 && done < total) interim.tick(done, total);
        },
      );
      scanReports.set(ctx.id, report);
      // A handful is plenty: a host asks for the report of the scan it has just waited for.
      for (const old of scanReports.keys()) if (scanReports.size > 16) scanReports.delete(old);
      if (ctx.signal.aborted) return;
      // Nothing new, changed, moved or gone since the last rebuild: the groups are still right.
      if (repo.flag(GROUPS_STALE)) {
        ctx.progress('duplicates', 0, 1);
        regroup();
        repo.clearFlag(GROUPS_STALE);
        ctx.progress('duplicates', 1, 1);
      }
      if (spec.ml) {
        vectors.save();
        await clusterPeople(ctx);
        await groupSeries(ctx);
      }
      bus.emit('library:changed', { reason: 'scan' });
    },
    people: async (_spec, ctx) => {
      await clusterPeople(ctx);
      bus.emit('library:changed', { reason: 'people' });
    },
    series: async (_spec, ctx) => {
      await groupSeries(ctx);
      bus.emit('library:changed', { reason: 'people' });
    },
  };
  const jobs = new JobRunner(
    jobHandlers,
    logger.child({ part: 'jobs' }),
    (info) => bus.emit('job:progress', info),
    (info) => bus.emit('job:finished', info),
  );

  const library = createLibraryService({
    repo,
    photos: createPhotoReadModel(db),
    jobs,
    extraStatus: () => {
      const d = duplicates.stats();
      return {
        duplicateGroups: d.groups,
        reclaimableBytes: d.reclaim,
        faces: vision.faceCount(),
        people: people.visibleCount(),
        series: series.count(),
      };
    },
    scanReport: (jobId) => scanReports.get(jobId) ?? null,
    onFoldersChanged: () => {
      regroup();
      bus.emit('library:changed', { reason: 'folders' });
    },
  });
  const trash = createTrashService({
    repo: createTrashRepository(db),
    read: createTrashReadModel(db),
    library: repo,
    backend,
    logger: logger.child({ part: 'trash' }),
    redundantShots: () =>
      series
        .burstFiles()
        .filter((shot) => !shot.keep)
        .map((shot) => ({ fileId: shot.fileId, why: shot.why })),
    afterChange: (reason) => {
      regroup();
      bus.emit('library:changed', { reason });
    },
  });
  // A move or restore cut short by a crash is settled before anyone can plan or undo again.
  await trash.recover();

  const api: ApiHandlers = {
    library: library.handlers,
    dedup: duplicates.handlers,
    people,
    series,
    vision: {
      faces: ({ embeddings }) => settle(() => vision.exportFaces(embeddings)),
      bodies: () => settle(() => vision.exportBodies()),
    },
    jobs: {
      list: () => settle(() => jobs.list()),
      wait: ({ id }) => jobs.waitFor(id),
      cancel: ({ id }) =>
        settle(() => {
          if (!jobs.get(id)) throw new EngineError('NOT_FOUND', `No job ${id}`);
          return { cancelled: jobs.cancel(id) };
        }),
    },
    trash: trash.handlers,
  };
  const dispatch = createDispatcher(api, (error, method) =>
    logger.error('internal error', { method, error: error instanceof Error ? error.stack : String(error) }),
  );

  const previews = createPreviews({
    thumbs,
    photoFile: (id) => repo.photoFile(id),
    maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
    logger,
  });
  let disposed = false;

  return {
    dataDir,
    dispatch,
    api,
    subscribe: (handler) => bus.subscribe(handler),
    thumbnail: (photoId, size) => previews.get(photoId, size),
    scanAndWait: (opts) =>
      scanAndWait(createClient(createInMemoryTransport(dispatch, (h) => bus.subscribe(h))), opts),
    waitIdle: () => jobs.waitIdle(),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await jobs.shutdown();
      vectors.close();
      await vision.dispose();
      bus.clear();
      db.close();
      lock.release();
    },
  };
}
