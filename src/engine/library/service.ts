/** The library domain: folders, scans, status, errors, the folder browser and photo listings. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { settle } from '../async';
import type { ApiHandlers } from '../../common/contract/api';
import type { Folder, LibraryStatus, PhotoDetail, ScanReport } from '../../common/contract/types';
import { EngineError } from '../../common/errors';
import type { JobRunner } from '../jobs/runner';
import { toPhotoSummary } from './photo-row';
import type { PhotoReadModel } from './photos';
import type { LibraryRepository } from './repository';

function withSeparator(folder: string): string {
  return folder.endsWith(path.sep) ? folder : folder + path.sep;
}

/**
 * The folders that hold photos, each with its parents up to the library folder it is in, and how
 * many photos each holds with its subfolders; sorted by path.
 */
export function photoFolders(
  photoPaths: readonly string[],
  roots: readonly string[],
): Array<{ path: string; photos: number }> {
  const counts = new Map<string, number>();
  for (const file of photoPaths) {
    const root = roots
      .filter((r) => file.startsWith(withSeparator(r)))
      .sort((a, b) => b.length - a.length)[0];
    if (root === undefined) continue;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      counts.set(dir, (counts.get(dir) ?? 0) + 1);
      if (dir === root || dir.length <= root.length || path.dirname(dir) === dir) break;
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, photos]) => ({ path: p, photos }));
}

export function createLibraryService(deps: {
  repo: LibraryRepository;
  photos: PhotoReadModel;
  jobs: JobRunner;
  extraStatus: () => Pick<
    LibraryStatus,
    'duplicateGroups' | 'reclaimableBytes' | 'faces' | 'people' | 'series'
  >;
  /** The report of a finished scan job of this run (the scan job keeps them). */
  scanReport: (jobId: number) => ScanReport | null;
  onFoldersChanged: () => void;
}) {
  const { repo, photos: read, jobs } = deps;
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
    scanReport: ({ jobId }) => settle(() => deps.scanReport(jobId)),
    addFolder: async ({ path: input }) => {
      const absolute = path.resolve(input.replace(/^~(?=$|\/)/, os.homedir()));
      let real: string;
      try {
        real = await fs.realpath(absolute);
        if (!(await fs.stat(real)).isDirectory())
          throw new EngineError('INVALID_ARGUMENT', `Not a folder: ${absolute}`);
      } catch (error) {
        if (error instanceof EngineError) throw error;
        throw new EngineError('INVALID_ARGUMENT', `Folder not found or not readable: ${absolute}`);
      }
      const folder = repo.addFolder(real, Date.now());
      deps.onFoldersChanged();
      return folder;
    },
    removeFolder: ({ id }) =>
      settle(() => {
        if (!repo.folder(id)) throw new EngineError('NOT_FOUND', `No library folder ${id}`);
        const removed = repo.removeFolder(id);
        deps.onFoldersChanged();
        return { removed };
      }),
    setPreferred: ({ id, preferred }) =>
      settle(() => {
        if (!repo.setPreferred(id, preferred)) throw new EngineError('NOT_FOUND', `No library folder ${id}`);
        deps.onFoldersChanged();
        return repo.folder(id) as Folder;
      }),
    listFolders: () => settle(() => repo.folders()),
    scan: ({ folderIds, ml }) =>
      settle(() => {
        if (repo.folders().length === 0)
          throw new EngineError('INVALID_ARGUMENT', 'Add a folder to the library before scanning');
        for (const id of folderIds ?? [])
          if (!repo.folder(id)) throw new EngineError('NOT_FOUND', `No library folder ${id}`);
        return { jobId: jobs.enqueue({ type: 'scan', folderIds: folderIds ?? null, ml }) };
      }),
    status: () =>
      settle(() => {
        const c = read.counts();
        return {
          folders: repo.folders().length,
          files: c.files,
          images: c.images,
          errors: c.errors,
          bytes: c.bytes,
          ...deps.extraStatus(),
          lastScan: repo.lastScan(),
        };
      }),
    errors: ({ offset, limit }) =>
      settle(() => {
        const last = repo.lastScan();
        return last ? repo.errors(last.id, limit, offset) : { total: 0, errors: [] };
      }),
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
    photos: ({ offset, limit, sort, personId, folder }) =>
      settle(() => {
        if (personId !== undefined) {
          if (folder !== undefined)
            throw new EngineError(
              'INVALID_ARGUMENT',
              'Expected either personId or folder for library:photos, but received both',
            );
          return {
            total: read.personCount(personId),
            photos: read.personPage(personId, limit, offset).map(toPhotoSummary),
          };
        }
        const prefix = folderPrefix(folder);
        return {
          total: read.count(prefix),
          photos: read.page(sort, prefix, limit, offset).map(toPhotoSummary),
        };
      }),
    photoFolders: () =>
      settle(() =>
        photoFolders(
          read.paths(),
          repo.folders().map((f) => f.path),
        ),
      ),
    photoDays: ({ utcOffsetMinutes, folder }) =>
      settle(() => read.days(folderPrefix(folder), utcOffsetMinutes * 60)),
    photo: ({ id }) =>
      settle(() => {
        const r = read.detail(id);
        if (!r) throw new EngineError('NOT_FOUND', `No photo ${id}`);
        const faces = read.faces(r.content_id).map((f) => ({ ...f, inferred: false }));
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
        return detail;
      }),
  };
  return { handlers };
}
