/** The library domain: folders, scans, status, errors, the folder browser and photo listings. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiHandlers } from '../../common/contract/api';
import type { ImageFormat, LibraryStatus, PhotoDetail, PhotoSummary, ScanReport } from '../../common/contract/types';
import { EngineError } from '../../common/errors';
import type { Db } from '../db/open';
import type { JobRunner } from '../jobs/runner';
import type { LibraryRepository } from './repository';

interface PhotoRow {
  id: number;
  path: string;
  size: number;
  mtime_ms: number;
  width: number | null;
  height: number | null;
  format: ImageFormat | null;
  captured_at: number | null;
}

const PHOTO_COLUMNS = 'f.id, f.path, f.size, f.mtime_ms, c.width, c.height, c.format, c.captured_at';

export function toPhotoSummary(r: PhotoRow): PhotoSummary {
  return { id: r.id, path: r.path, bytes: r.size, width: r.width, height: r.height, format: r.format, capturedAt: r.captured_at, mtime: r.mtime_ms };
}

function withSeparator(folder: string): string {
  return folder.endsWith(path.sep) ? folder : folder + path.sep;
}

/**
 * The folders that hold photos, each with its parents up to the library folder it is in, and how
 * many photos each holds with its subfolders; sorted by path.
 */
export function photoFolders(photoPaths: readonly string[], roots: readonly string[]): Array<{ path: string; photos: number }> {
  const counts = new Map<string, number>();
  for (const file of photoPaths) {
    const root = roots.filter((r) => file.startsWith(withSeparator(r))).sort((a, b) => b.length - a.length)[0];
    if (root === undefined) continue;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      counts.set(dir, (counts.get(dir) ?? 0) + 1);
      if (dir === root || dir.length <= root.length || path.dirname(dir) === dir) break;
    }
  }
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, photos]) => ({ path: p, photos }));
}

export function createLibraryService(deps: {
  db: Db;
  repo: LibraryRepository;
  jobs: JobRunner;
  extraStatus: () => Pick<LibraryStatus, 'duplicateGroups' | 'reclaimableBytes' | 'faces' | 'people' | 'series'>;
  /** The report of a finished scan job of this run (the scan job keeps them). */
  scanReport: (jobId: number) => ScanReport | null;
  onFoldersChanged: () => void;
}) {
  const { db, repo, jobs } = deps;
  const q = {
    counts: db.prepare(
      `SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes,
              SUM(CASE WHEN state = 'ok' AND content_id IS NOT NULL THEN 1 ELSE 0 END) AS images,
              SUM(CASE WHEN state = 'error' THEN 1 ELSE 0 END) AS errors
       FROM files WHERE state IN ('ok', 'error')`,
    ),
    // `prefix` is null (every photo) or a folder with its trailing separator (that folder and its subfolders).
    photoCount: db
      .prepare<[{ prefix: string | null }]>(
        `SELECT COUNT(*) FROM files f WHERE f.state = 'ok' AND f.content_id IS NOT NULL AND (:prefix IS NULL OR substr(f.path, 1, length(:prefix)) = :prefix)`,
      )
      .pluck(),
    photosByCaptured: db.prepare<[{ prefix: string | null; limit: number; offset: number }]>(
      `SELECT ${PHOTO_COLUMNS} FROM files f JOIN contents c ON c.id = f.content_id WHERE f.state = 'ok' AND (:prefix IS NULL OR substr(f.path, 1, length(:prefix)) = :prefix)
       ORDER BY COALESCE(c.captured_at, f.mtime_ms), f.id LIMIT :limit OFFSET :offset`,
    ),
    photosByPath: db.prepare<[{ prefix: string | null; limit: number; offset: number }]>(
      `SELECT ${PHOTO_COLUMNS} FROM files f JOIN contents c ON c.id = f.content_id WHERE f.state = 'ok' AND (:prefix IS NULL OR substr(f.path, 1, length(:prefix)) = :prefix)
       ORDER BY f.path LIMIT :limit OFFSET :offset`,
    ),
    photosBySize: db.prepare<[{ prefix: string | null; limit: number; offset: number }]>(
      `SELECT ${PHOTO_COLUMNS} FROM files f JOIN contents c ON c.id = f.content_id WHERE f.state = 'ok' AND (:prefix IS NULL OR substr(f.path, 1, length(:prefix)) = :prefix)
       ORDER BY f.size DESC, f.id LIMIT :limit OFFSET :offset`,
    ),
    photoPaths: db.prepare(`SELECT f.path FROM files f WHERE f.state = 'ok' AND f.content_id IS NOT NULL`).pluck(),
    // Days in the order of photosByCaptured: a day is a contiguous run of that order.
    photoDays: db.prepare<[{ prefix: string | null; offsetSeconds: number }]>(
      `SELECT strftime('%Y-%m-%d', COALESCE(c.captured_at, f.mtime_ms) / 1000.0 + :offsetSeconds, 'unixepoch') AS day, COUNT(*) AS photos
       FROM files f JOIN contents c ON c.id = f.content_id WHERE f.state = 'ok' AND (:prefix IS NULL OR substr(f.path, 1, length(:prefix)) = :prefix)
       GROUP BY day ORDER BY day`,
    ),
    personPhotoCount: db.prepare<[number]>(
      `SELECT COUNT(DISTINCT f.id) FROM files f JOIN faces fa ON fa.content_id = f.content_id JOIN face_person fp ON fp.face_id = fa.id
       WHERE f.state = 'ok' AND fp.person_id = ?`,
    ).pluck(),
    personPhotos: db.prepare<[number, number, number]>(
      `SELECT DISTINCT ${PHOTO_COLUMNS} FROM files f JOIN contents c ON c.id = f.content_id
       JOIN faces fa ON fa.content_id = f.content_id JOIN face_person fp ON fp.face_id = fa.id
       WHERE f.state = 'ok' AND fp.person_id = ? ORDER BY COALESCE(c.captured_at, f.mtime_ms), f.id LIMIT ? OFFSET ?`,
    ),
    photo: db.prepare<[number]>(
      `SELECT ${PHOTO_COLUMNS}, f.content_id, f.state, hex(c.sha256) AS sha, c.camera, c.gps_lat, c.gps_lon, c.exif_fields, c.sharpness, c.exposure
       FROM files f JOIN contents c ON c.id = f.content_id WHERE f.id = ?`,
    ),
    facesOf: db.prepare<[number]>(
      `SELECT fa.id, fa.x, fa.y, fa.w, fa.h, fp.person_id FROM faces fa LEFT JOIN face_person fp ON fp.face_id = fa.id WHERE fa.content_id = ? ORDER BY fa.idx`,
    ),
  };

  /** The path prefix of a folder filter; a folder outside every library folder is refused, not silently empty. */
  function folderPrefix(folder: string | undefined): string | null {
    if (folder === undefined) return null;
    const trimmed = folder.length > 1 ? folder.replace(/[\\/]+$/, '') : folder;
    if (!repo.folders().some((f) => trimmed === f.path || trimmed.startsWith(withSeparator(f.path)))) {
      throw new EngineError('NOT_FOUND', `Not a folder of the library: ${folder}`);
    }
    return withSeparator(trimmed);
  }

  const handlers: ApiHandlers['library'] = {
    scanReport: ({ jobId }) => Promise.resolve(deps.scanReport(jobId)),
    addFolder: async ({ path: input }) => {
      const absolute = path.resolve(input.replace(/^~(?=$|\/)/, os.homedir()));
      let real: string;
      try {
        real = await fs.realpath(absolute);
        if (!(await fs.stat(real)).isDirectory()) throw new EngineError('INVALID_ARGUMENT', `Not a folder: ${absolute}`);
      } catch (error) {
        if (error instanceof EngineError) throw error;
        throw new EngineError('INVALID_ARGUMENT', `Folder not found or not readable: ${absolute}`);
      }
      const folder = repo.addFolder(real, Date.now());
      deps.onFoldersChanged();
      return folder;
    },
    removeFolder: ({ id }) => {
      if (!repo.folder(id)) throw new EngineError('NOT_FOUND', `No library folder ${id}`);
      const removed = repo.removeFolder(id);
      deps.onFoldersChanged();
      return Promise.resolve({ removed });
    },
    listFolders: () => Promise.resolve(repo.folders()),
    scan: ({ folderIds, ml }) => {
      if (repo.folders().length === 0) throw new EngineError('INVALID_ARGUMENT', 'Add a folder to the library before scanning');
      for (const id of folderIds ?? []) if (!repo.folder(id)) throw new EngineError('NOT_FOUND', `No library folder ${id}`);
      return Promise.resolve({ jobId: jobs.enqueue({ type: 'scan', folderIds: folderIds ?? null, ml }) });
    },
    status: () => {
      const c = q.counts.get() as { files: number; bytes: number; images: number | null; errors: number | null };
      return Promise.resolve({
        folders: repo.folders().length,
        files: c.files,
        images: c.images ?? 0,
        errors: c.errors ?? 0,
        bytes: c.bytes,
        ...deps.extraStatus(),
        lastScan: repo.lastScan(),
      });
    },
    errors: ({ offset, limit }) => {
      const last = repo.lastScan();
      return Promise.resolve(last ? repo.errors(last.id, limit, offset) : { total: 0, errors: [] });
    },
    browse: async ({ path: input }) => {
      const dir = path.resolve(input ?? os.homedir());
      let names;
      try {
        names = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        throw new EngineError('NOT_FOUND', `Cannot open folder ${dir}`);
      }
      const entries = names
        .filter((d) => !d.name.startsWith('.') && (d.isDirectory() || d.isSymbolicLink()))
        .map((d) => ({ name: d.name, path: path.join(dir, d.name), images: null }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const parent = path.dirname(dir);
      return { path: dir, parent: parent === dir ? null : parent, entries };
    },
    photos: ({ offset, limit, sort, personId, folder }) => {
      if (personId !== undefined) {
        if (folder !== undefined) throw new EngineError('INVALID_ARGUMENT', 'Expected either personId or folder for library:photos, but received both');
        return Promise.resolve({
          total: q.personPhotoCount.get(personId) as number,
          photos: (q.personPhotos.all(personId, limit, offset) as PhotoRow[]).map(toPhotoSummary),
        });
      }
      const prefix = folderPrefix(folder);
      const stmt = sort === 'path' ? q.photosByPath : sort === 'size' ? q.photosBySize : q.photosByCaptured;
      return Promise.resolve({ total: q.photoCount.get({ prefix }) as number, photos: (stmt.all({ prefix, limit, offset }) as PhotoRow[]).map(toPhotoSummary) });
    },
    photoFolders: () => Promise.resolve(photoFolders(q.photoPaths.all() as string[], repo.folders().map((f) => f.path))),
    photoDays: ({ utcOffsetMinutes, folder }) =>
      Promise.resolve(q.photoDays.all({ prefix: folderPrefix(folder), offsetSeconds: utcOffsetMinutes * 60 }) as Array<{ day: string; photos: number }>),
    photo: ({ id }) => {
      const r = q.photo.get(id) as
        | (PhotoRow & { content_id: number; sha: string; camera: string | null; gps_lat: number | null; gps_lon: number | null; exif_fields: number; sharpness: number | null; exposure: number | null })
        | undefined;
      if (!r) throw new EngineError('NOT_FOUND', `No photo ${id}`);
      const faces = (q.facesOf.all(r.content_id) as Array<{ id: number; x: number; y: number; w: number; h: number; person_id: number | null }>).map((f) => ({
        id: f.id,
        box: [f.x, f.y, f.w, f.h] as [number, number, number, number],
        personId: f.person_id,
        inferred: false,
      }));
      const detail: PhotoDetail = {
        ...toPhotoSummary(r),
        contentId: r.content_id,
        sha256: r.sha.toLowerCase(),
        camera: r.camera,
        gps: r.gps_lat !== null && r.gps_lon !== null ? { lat: r.gps_lat, lon: r.gps_lon } : null,
        exifFields: r.exif_fields,
        sharpness: r.sharpness,
        exposure: r.exposure,
        faces,
      };
      return Promise.resolve(detail);
    },
  };
  return { handlers };
}
