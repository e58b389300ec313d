/**
 * The photo read model: every SQL statement behind the photo listings, the day headers, the folder
 * filter and the viewer's detail. It reads the library's files and contents and, for a person's
 * photos and the faces drawn in the viewer, the vision and people tables.
 */
import type { Rect } from '../../common/geometry';
import type { Db } from '../db/open';
import { photoColumns, type PhotoRow } from './photo-row';

export type PhotoSort = 'captured' | 'path' | 'size';

export interface PhotoDetailRow extends PhotoRow {
  content_id: number;
  sha: string;
  camera: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
  exif_fields: number;
  sharpness: number | null;
  exposure: number | null;
}

export interface LibraryCounts {
  files: number;
  bytes: number;
  images: number;
  errors: number;
}

export interface PhotoReadModel {
  counts(): LibraryCounts;
  /** Live photos, all or under a path prefix (a folder with its separator). */
  count(prefix: string | null): number;
  page(sort: PhotoSort, prefix: string | null, limit: number, offset: number): PhotoRow[];
  paths(): string[];
  /** Photos per day (local day of `offsetSeconds`), in the order of the 'captured' sort. */
  days(prefix: string | null, offsetSeconds: number): Array<{ day: string; photos: number }>;
  personCount(personId: number): number;
  personPage(personId: number, limit: number, offset: number): PhotoRow[];
  detail(id: number): PhotoDetailRow | null;
  faces(contentId: number): Array<{ id: number; box: Rect; personId: number | null }>;
}

const COLUMNS = photoColumns('f', 'c');
const UNDER = '(:prefix IS NULL OR substr(f.path, 1, length(:prefix)) = :prefix)';

export function createPhotoReadModel(db: Db): PhotoReadModel {
  type Page = { prefix: string | null; limit: number; offset: number };
  const page = (order: string) =>
    db.prepare<[Page], PhotoRow>(
      `SELECT ${COLUMNS} FROM files f JOIN contents c ON c.id = f.content_id WHERE f.state = 'ok' AND ${UNDER} ORDER BY ${order} LIMIT :limit OFFSET :offset`,
    );
  const s = {
    counts: db.prepare<[], { files: number; bytes: number; images: number | null; errors: number | null }>(
      `SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes,
              SUM(CASE WHEN state = 'ok' AND content_id IS NOT NULL THEN 1 ELSE 0 END) AS images,
              SUM(CASE WHEN state = 'error' THEN 1 ELSE 0 END) AS errors
       FROM files WHERE state IN ('ok', 'error')`,
    ),
    count: db
      .prepare<
        [{ prefix: string | null }],
        number
      >(`SELECT COUNT(*) FROM files f WHERE f.state = 'ok' AND f.content_id IS NOT NULL AND ${UNDER}`)
      .pluck(),
    byCaptured: page('COALESCE(c.captured_at, f.mtime_ms), f.id'),
    byPath: page('f.path'),
    bySize: page('f.size DESC, f.id'),
    paths: db
      .prepare<[], string>(`SELECT f.path FROM files f WHERE f.state = 'ok' AND f.content_id IS NOT NULL`)
      .pluck(),
    days: db.prepare<[{ prefix: string | null; offsetSeconds: number }], { day: string; photos: number }>(
      `SELECT strftime('%Y-%m-%d', COALESCE(c.captured_at, f.mtime_ms) / 1000.0 + :offsetSeconds, 'unixepoch') AS day, COUNT(*) AS photos
       FROM files f JOIN contents c ON c.id = f.content_id WHERE f.state = 'ok' AND ${UNDER}
       GROUP BY day ORDER BY day`,
    ),
    personCount: db
      .prepare<[number], number>(
        `SELECT COUNT(DISTINCT f.id) FROM files f JOIN faces fa ON fa.content_id = f.content_id JOIN face_person fp ON fp.face_id = fa.id
         WHERE f.state = 'ok' AND fp.person_id = ?`,
      )
      .pluck(),
    personPage: db.prepare<[number, number, number], PhotoRow>(
      `SELECT DISTINCT ${COLUMNS} FROM files f JOIN contents c ON c.id = f.content_id
       JOIN faces fa ON fa.content_id = f.content_id JOIN face_person fp ON fp.face_id = fa.id
       WHERE f.state = 'ok' AND fp.person_id = ? ORDER BY COALESCE(c.captured_at, f.mtime_ms), f.id LIMIT ? OFFSET ?`,
    ),
    detail: db.prepare<[number], PhotoDetailRow>(
      `SELECT ${COLUMNS}, f.content_id, hex(c.sha256) AS sha, c.camera, c.gps_lat, c.gps_lon, c.exif_fields, c.sharpness, c.exposure
       FROM files f JOIN contents c ON c.id = f.content_id WHERE f.id = ?`,
    ),
    faces: db.prepare<
      [number],
      { id: number; x: number; y: number; w: number; h: number; person_id: number | null }
    >(
      `SELECT fa.id, fa.x, fa.y, fa.w, fa.h, fp.person_id FROM faces fa LEFT JOIN face_person fp ON fp.face_id = fa.id WHERE fa.content_id = ? ORDER BY fa.idx`,
    ),
  };
  return {
    counts() {
      const c = s.counts.get() ?? { files: 0, bytes: 0, images: 0, errors: 0 };
      return { files: c.files, bytes: c.bytes, images: c.images ?? 0, errors: c.errors ?? 0 };
    },
    count: (prefix) => s.count.get({ prefix }) ?? 0,
    page: (sort, prefix, limit, offset) =>
      (sort === 'path' ? s.byPath : sort === 'size' ? s.bySize : s.byCaptured).all({ prefix, limit, offset }),
    paths: () => s.paths.all(),
    days: (prefix, offsetSeconds) => s.days.all({ prefix, offsetSeconds }),
    personCount: (personId) => s.personCount.get(personId) ?? 0,
    personPage: (personId, limit, offset) => s.personPage.all(personId, limit, offset),
    detail: (id) => s.detail.get(id) ?? null,
    faces: (contentId) =>
      s.faces.all(contentId).map((f) => ({ id: f.id, box: [f.x, f.y, f.w, f.h], personId: f.person_id })),
  };
}
