/** All SQL of the library domain: folders, files, contents, scans and their errors. */
import path from 'node:path';
import type { Db } from '../db/open';
import type {
  Folder,
  ImageFormat,
  ScanErrorCode,
  ScanErrorRecord,
  ScanSummary,
} from '../../common/contract/types';

export interface FileRow {
  id: number;
  folder_id: number;
  path: string;
  path_bytes: Buffer;
  size: number;
  mtime_ms: number;
  content_id: number | null;
  state: 'ok' | 'error' | 'missing' | 'trashed';
}

export interface ContentRow {
  id: number;
  sha256: Buffer;
  bytes: number;
  format: ImageFormat | null;
  width: number | null;
  height: number | null;
  captured_at: number | null;
  decoded_at: number | null;
  has_thumb: number;
  hash_bytes: number | null;
  hash_version: number;
}

export interface ContentFacts {
  format: ImageFormat;
  width: number;
  height: number;
  orientation: number;
  capturedAt: number | null;
  camera: string | null;
  gps: { lat: number; lon: number } | null;
  exifFields: number;
  hashes: Buffer;
  /** HASH_VERSION of the code that computed `hashes`. */
  hashVersion: number;
  sharpness: number;
  exposure: number;
}

/** Durable flag: duplicate groups must be rebuilt (set in the same transaction as the change). */
export const GROUPS_STALE = 'groups-stale';

export function createLibraryRepository(db: Db) {
  const s = {
    folderAdd: db.prepare<[string, number]>(
      'INSERT INTO folders (path, added_at) VALUES (?, ?) ON CONFLICT(path) DO NOTHING',
    ),
    folderByPath: db.prepare<[string]>('SELECT id, path, added_at, preferred FROM folders WHERE path = ?'),
    folderById: db.prepare<[number]>('SELECT id, path, added_at, preferred FROM folders WHERE id = ?'),
    folderPreferred: db.prepare<[number, number]>('UPDATE folders SET preferred = ? WHERE id = ?'),
    preferredPaths: db.prepare<[], { path: string }>('SELECT path FROM folders WHERE preferred = 1'),
    folderDelete: db.prepare<[number]>('DELETE FROM folders WHERE id = ?'),
    // What a removed folder leaves behind. Contents no file points at any more cascade to their
    // faces, bodies, person assignments, series memberships and "not a duplicate" answers.
    orphanContents: db.prepare(
      'DELETE FROM contents WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.content_id = contents.id)',
    ),
    emptyPeople: db.prepare(
      `DELETE FROM people WHERE NOT EXISTS (SELECT 1 FROM face_person fp WHERE fp.person_id = people.id)
       AND NOT EXISTS (SELECT 1 FROM body_person bp WHERE bp.person_id = people.id AND bp.state <> 'rejected')`,
    ),
    emptySeries: db.prepare(
      'DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM series_members m WHERE m.series_id = series.id)',
    ),
    errorsUnder: db.prepare<[Buffer, Buffer]>(
      'DELETE FROM scan_errors WHERE substr(path_bytes, 1, length(?)) = ?',
    ),
    folders: db.prepare(
      `SELECT f.id, f.path, f.added_at, f.preferred, (SELECT COUNT(*) FROM files WHERE folder_id = f.id AND state = 'ok') AS files
       FROM folders f ORDER BY f.path`,
    ),
    fileByPath: db.prepare<[Buffer]>(
      'SELECT id, folder_id, path, path_bytes, size, mtime_ms, content_id, state FROM files WHERE path_bytes = ?',
    ),
    fileById: db.prepare<[number]>(
      'SELECT id, folder_id, path, path_bytes, size, mtime_ms, content_id, state FROM files WHERE id = ?',
    ),
    fileInsert: db.prepare<
      [number, string, Buffer, number, number, number | null, string, number, number, number]
    >(
      `INSERT INTO files (folder_id, path, path_bytes, size, mtime_ms, content_id, state, last_seen_scan, first_seen_scan, added_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ),
    fileUpdate: db.prepare<[number, number, number, number | null, string, number, number]>(
      'UPDATE files SET folder_id = ?, size = ?, mtime_ms = ?, content_id = ?, state = ?, last_seen_scan = ? WHERE id = ?',
    ),
    fileSeen: db.prepare<[number, number]>('UPDATE files SET last_seen_scan = ? WHERE id = ?'),
    contentBySha: db.prepare<[Buffer]>(
      'SELECT id, sha256, bytes, format, width, height, captured_at, decoded_at, has_thumb, length(hashes) AS hash_bytes, hash_version FROM contents WHERE sha256 = ?',
    ),
    contentById: db.prepare<[number]>(
      'SELECT id, sha256, bytes, format, width, height, captured_at, decoded_at, has_thumb, length(hashes) AS hash_bytes, hash_version FROM contents WHERE id = ?',
    ),
    contentInsert: db.prepare<[Buffer, number]>(
      'INSERT INTO contents (sha256, bytes) VALUES (?, ?) ON CONFLICT(sha256) DO NOTHING',
    ),
    contentDecoded: db.prepare(
      `UPDATE contents SET format = @format, width = @width, height = @height, orientation = @orientation,
         captured_at = @capturedAt, camera = @camera, gps_lat = @lat, gps_lon = @lon, exif_fields = @exifFields,
         hashes = @hashes, hash_version = @hashVersion, sharpness = @sharpness, exposure = @exposure, has_thumb = 1, decoded_at = @at
       WHERE id = @id`,
    ),
    scanStart: db.prepare<[number]>(
      "INSERT INTO scans (started_at, state) VALUES (?, 'running') RETURNING id",
    ),
    scanFinish: db.prepare<[number, string, number, number, number, number, number]>(
      'UPDATE scans SET finished_at = ?, state = ?, files = ?, images = ?, skipped = ?, errors = ? WHERE id = ?',
    ),
    scanInterruptStale: db.prepare("UPDATE scans SET state = 'interrupted' WHERE state = 'running'"),
    lastScan: db.prepare(
      'SELECT id, started_at, finished_at, state, files, images, skipped, errors FROM scans ORDER BY id DESC LIMIT 1',
    ),
    errorRecord: db.prepare<[number, string, Buffer, string, string, number]>(
      `INSERT INTO scan_errors (scan_id, path, path_bytes, code, message, at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(scan_id, path_bytes) DO UPDATE SET code = excluded.code, message = excluded.message, at = excluded.at`,
    ),
    errorsOfScan: db.prepare<[number, number, number]>(
      'SELECT id, scan_id, path, code, message, at FROM scan_errors WHERE scan_id = ? ORDER BY path LIMIT ? OFFSET ?',
    ),
    errorCount: db.prepare<[number]>('SELECT COUNT(*) AS n FROM scan_errors WHERE scan_id = ?'),
    unseenInFolders: db.prepare<[number, number]>(
      "SELECT id, content_id FROM files WHERE folder_id = ? AND state IN ('ok', 'error') AND (last_seen_scan IS NULL OR last_seen_scan <> ?)",
    ),
    newWithContent: db.prepare<[number, number, number]>(
      "SELECT id, path, path_bytes, size, mtime_ms, folder_id FROM files WHERE content_id = ? AND first_seen_scan = ? AND state = 'ok' AND id <> ? LIMIT 1",
    ),
    fileDelete: db.prepare<[number]>('DELETE FROM files WHERE id = ?'),
    fileMove: db.prepare<[number, string, Buffer, number, number, number, number]>(
      "UPDATE files SET folder_id = ?, path = ?, path_bytes = ?, size = ?, mtime_ms = ?, last_seen_scan = ?, state = 'ok' WHERE id = ?",
    ),
    fileMissing: db.prepare<[number]>("UPDATE files SET state = 'missing' WHERE id = ?"),
    setState: db.prepare<[string, number]>('UPDATE files SET state = ? WHERE id = ?'),
    flagGet: db.prepare<[string]>('SELECT value FROM engine_state WHERE key = ?').pluck(),
    flagSet: db.prepare<[string, string]>(
      'INSERT INTO engine_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    flagClear: db.prepare<[string]>('DELETE FROM engine_state WHERE key = ?'),
    photoFile: db.prepare<[number], { content_id: number; path_bytes: Buffer; format: string | null }>(
      "SELECT f.content_id, f.path_bytes, c.format FROM files f JOIN contents c ON c.id = f.content_id WHERE f.id = ? AND f.state = 'ok'",
    ),
    contentDone: db
      .prepare<
        [number, number, number]
      >('SELECT 1 FROM contents WHERE id = ? AND decoded_at IS NOT NULL AND length(hashes) = ? AND hash_version = ?')
      .pluck(),
  };

  interface FolderRow {
    id: number;
    path: string;
    added_at: number;
    preferred: number;
    files?: number;
  }
  const toFolder = (r: FolderRow): Folder => ({
    id: r.id,
    path: r.path,
    addedAt: r.added_at,
    files: r.files ?? 0,
    preferred: r.preferred === 1,
  });

  return {
    addFolder(path: string, now: number): Folder {
      s.folderAdd.run(path, now);
      return toFolder(s.folderByPath.get(path) as FolderRow);
    },
    folder(id: number): Folder | null {
      const r = s.folderById.get(id) as FolderRow | undefined;
      return r ? toFolder(r) : null;
    },
    /** The library folders marked as preferred for keeping. */
    preferredFolders(): string[] {
      return s.preferredPaths.all().map((r) => r.path);
    },
    /** Marks a library folder as preferred for keeping (or not); false when there is no such folder. */
    setPreferred(id: number, preferred: boolean): boolean {
      return s.folderPreferred.run(preferred ? 1 : 0, id).changes > 0;
    },
    /** Removes the folder and everything derived from its files alone (photos, faces, people, series, errors). */
    removeFolder(id: number): boolean {
      const folder = s.folderById.get(id) as { path: string } | undefined;
      return db.transaction(() => {
        const removed = s.folderDelete.run(id).changes > 0;
        if (!removed || !folder) return removed;
        s.orphanContents.run();
        s.emptyPeople.run();
        s.emptySeries.run();
        const prefix = Buffer.from(folder.path.endsWith(path.sep) ? folder.path : folder.path + path.sep);
        s.errorsUnder.run(prefix, prefix);
        return true;
      })();
    },
    folders(): Folder[] {
      return (s.folders.all() as FolderRow[]).map(toFolder);
    },
    fileByPath: (pathBytes: Buffer) => s.fileByPath.get(pathBytes) as FileRow | undefined,
    fileById: (id: number) => s.fileById.get(id) as FileRow | undefined,
    insertFile(
      folderId: number,
      path: string,
      pathBytes: Buffer,
      size: number,
      mtime: number,
      contentId: number | null,
      state: FileRow['state'],
      scanId: number,
      now: number,
    ): number {
      return (
        s.fileInsert.get(folderId, path, pathBytes, size, mtime, contentId, state, scanId, scanId, now) as {
          id: number;
        }
      ).id;
    },
    updateFile(
      id: number,
      folderId: number,
      size: number,
      mtime: number,
      contentId: number | null,
      state: FileRow['state'],
      scanId: number,
    ): void {
      s.fileUpdate.run(folderId, size, mtime, contentId, state, scanId, id);
    },
    markSeen: (id: number, scanId: number) => void s.fileSeen.run(scanId, id),
    /** Whether the content was decoded with this hash layout and algorithm (a newer Sift recomputes older hashes). */
    contentDone: (id: number, hashBytes: number, hashVersion: number): boolean =>
      s.contentDone.get(id, hashBytes, hashVersion) !== undefined,
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    /** A live photo's content, file path (bytes) and format; null when there is no such photo. */
    photoFile(photoId: number): { contentId: number; pathBytes: Buffer; format: string | null } | null {
      const r = s.photoFile.get(photoId);
      return r ? { contentId: r.content_id, pathBytes: r.path_bytes, format: r.format } : null;
    },
    /** Durable flags ("duplicate groups are stale"): set before the work they announce, cleared after it. */
    flag: (key: string) => s.flagGet.get(key) !== undefined,
    setFlag: (key: string) => void s.flagSet.run(key, String(Date.now())),
    clearFlag: (key: string) => void s.flagClear.run(key),
    setFileState: (id: number, state: FileRow['state']) => void s.setState.run(state, id),
    contentBySha: (sha: Buffer) => s.contentBySha.get(sha) as ContentRow | undefined,
    contentById: (id: number) => s.contentById.get(id) as ContentRow | undefined,
    ensureContent(sha: Buffer, bytes: number): ContentRow {
      s.contentInsert.run(sha, bytes);
      return s.contentBySha.get(sha) as ContentRow;
    },
    saveDecoded(id: number, f: ContentFacts, now: number): void {
      s.contentDecoded.run({
        id,
        format: f.format,
        width: f.width,
        height: f.height,
        orientation: f.orientation,
        capturedAt: f.capturedAt,
        camera: f.camera,
        lat: f.gps?.lat ?? null,
        lon: f.gps?.lon ?? null,
        exifFields: f.exifFields,
        hashes: f.hashes,
        hashVersion: f.hashVersion,
        sharpness: f.sharpness,
        exposure: f.exposure,
        at: now,
      });
    },
    startScan: (now: number) => (s.scanStart.get(now) as { id: number }).id,
    finishScan(
      id: number,
      state: ScanSummary['state'],
      counts: { files: number; images: number; skipped: number; errors: number },
      now: number,
    ): void {
      s.scanFinish.run(now, state, counts.files, counts.images, counts.skipped, counts.errors, id);
    },
    interruptStaleScans: () => s.scanInterruptStale.run().changes,
    lastScan(): ScanSummary | null {
      const r = s.lastScan.get() as
        | {
            id: number;
            started_at: number;
            finished_at: number | null;
            state: ScanSummary['state'];
            files: number;
            images: number;
            skipped: number;
            errors: number;
          }
        | undefined;
      return r
        ? {
            id: r.id,
            startedAt: r.started_at,
            finishedAt: r.finished_at,
            state: r.state,
            files: r.files,
            images: r.images,
            skipped: r.skipped,
            errors: r.errors,
          }
        : null;
    },
    recordError(
      scanId: number,
      path: string,
      pathBytes: Buffer,
      code: ScanErrorCode,
      message: string,
      now: number,
    ): void {
      s.errorRecord.run(scanId, path, pathBytes, code, message, now);
    },
    errors(scanId: number, limit: number, offset: number): { total: number; errors: ScanErrorRecord[] } {
      const rows = s.errorsOfScan.all(scanId, limit, offset) as Array<{
        id: number;
        scan_id: number;
        path: string;
        code: ScanErrorCode;
        message: string;
        at: number;
      }>;
      return {
        total: (s.errorCount.get(scanId) as { n: number }).n,
        errors: rows.map((r) => ({
          id: r.id,
          scanId: r.scan_id,
          path: r.path,
          code: r.code,
          message: r.message,
          at: r.at,
        })),
      };
    },
    /**
     * After a walk: files not seen are either moved (a file first seen in this scan has the same
     * content — the old row takes the new path so its id, decisions and journal survive) or missing.
     */
    reconcile(scanId: number, folderIds: number[]): { moved: number; missing: number } {
      let moved = 0;
      let missing = 0;
      db.transaction(() => {
        for (const folderId of folderIds) {
          const unseen = s.unseenInFolders.all(folderId, scanId) as Array<{
            id: number;
            content_id: number | null;
          }>;
          for (const old of unseen) {
            const twin =
              old.content_id === null
                ? undefined
                : (s.newWithContent.get(old.content_id, scanId, old.id) as
                    | {
                        id: number;
                        path: string;
                        path_bytes: Buffer;
                        size: number;
                        mtime_ms: number;
                        folder_id: number;
                      }
                    | undefined);
            if (twin) {
              s.fileDelete.run(twin.id);
              s.fileMove.run(
                twin.folder_id,
                twin.path,
                twin.path_bytes,
                twin.size,
                twin.mtime_ms,
                scanId,
                old.id,
              );
              moved++;
            } else {
              s.fileMissing.run(old.id);
              missing++;
            }
          }
        }
        if (moved + missing > 0) s.flagSet.run(GROUPS_STALE, String(Date.now()));
      })();
      return { moved, missing };
    },
  };
}

export type LibraryRepository = ReturnType<typeof createLibraryRepository>;
