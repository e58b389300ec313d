/** Every SQL statement of the series domain. */
import type { PhotoSummary, ShotReason } from '../../common/contract/types';
import { englishShotReason } from '../../common/series/best-shot';
import type { Db } from '../db/open';
import { parseStoredKeyed } from '../db/stored-keyed';
import { photoColumns, toPhotoSummary, type PhotoRow } from '../library/photo-row';

export interface ContentForSeries {
  id: number;
  capturedAt: number | null;
  mtime: number | null;
  width: number | null;
  height: number | null;
  sharpness: number | null;
  exposure: number | null;
  gpsLat: number | null;
  gpsLon: number | null;
  faces: number;
  faceQuality: number | null;
  bodies: number;
  /** Area of the largest person box over the image area (0 without persons). */
  personCover: number;
  /** Path of the content's oldest file (its folder and name order photos that have no clock). */
  path: string | null;
}

export interface SeriesRowInput {
  key: string;
  title: string;
  start: number | null;
  end: number | null;
  reasons: unknown;
  explanation: string[];
}

export interface MemberInput {
  contentId: number;
  position: number;
  score: number;
  best: boolean;
  redundant: boolean;
  burst: number | null;
  why: ShotReason[];
}

/** series_members.reasons (shot reasons as JSON) with their English. */
function storedShotReasons(json: string): { reasons: string[]; why: ShotReason[] } {
  const why = parseStoredKeyed<ShotReason>(json);
  return { reasons: why.map(englishShotReason), why };
}

/** A body must be at least this many face heights tall to say anything about clothes. */
export const CLOTHES_MIN_FACE_HEIGHTS = 2;

const PHOTO_COLUMNS = photoColumns('fi', 'c');
/** The first live file of a content stands for it in lists. */
const FIRST_FILE = `fi.id = (SELECT x.id FROM files x WHERE x.content_id = c.id AND x.state = 'ok' ORDER BY x.id LIMIT 1)`;

export function createSeriesRepository(db: Db) {
  const s = {
    contents: db.prepare<
      [],
      {
        id: number;
        captured_at: number | null;
        mtime: number | null;
        width: number | null;
        height: number | null;
        sharpness: number | null;
        exposure: number | null;
        gps_lat: number | null;
        gps_lon: number | null;
        faces: number;
        face_quality: number | null;
        bodies: number;
        largest_body: number | null;
        path: string | null;
      }
    >(
      `SELECT c.id, c.captured_at,
              (SELECT MIN(f.mtime_ms) FROM files f WHERE f.content_id = c.id AND f.state = 'ok') AS mtime,
              c.width, c.height, c.sharpness, c.exposure, c.gps_lat, c.gps_lon,
              (SELECT COUNT(*) FROM faces fa WHERE fa.content_id = c.id) AS faces,
              (SELECT AVG(fa.quality) FROM faces fa WHERE fa.content_id = c.id) AS face_quality,
              (SELECT COUNT(*) FROM bodies b WHERE b.content_id = c.id) AS bodies,
              (SELECT MAX(b.w * b.h) FROM bodies b WHERE b.content_id = c.id) AS largest_body,
              (SELECT f.path FROM files f WHERE f.content_id = c.id AND f.state = 'ok' ORDER BY f.mtime_ms, f.id LIMIT 1) AS path
       FROM contents c WHERE EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.id AND f.state = 'ok')`,
    ),
    facePeople: db.prepare<[], { content_id: number; person_id: number }>(
      'SELECT DISTINCT f.content_id, fp.person_id FROM face_person fp JOIN faces f ON f.id = fp.face_id',
    ),
    bodyPeople: db.prepare<[], { content_id: number; person_id: number }>(
      `SELECT DISTINCT b.content_id, bp.person_id FROM body_person bp JOIN bodies b ON b.id = bp.body_id WHERE bp.state <> 'rejected'`,
    ),
    // A body's person: its face's person, else a live (inferred or confirmed) faceless match.
    // A "body" hardly taller than its face is a face crop: it shows no clothes (measured on the dev
    // set: identity crops 0.98–1.13 face heights, real bodies 2.2–6.9).
    bodyIds: db.prepare<[], { content_id: number; id: number; person_id: number | null }>(
      `SELECT b.content_id, b.id, COALESCE(fp.person_id, bp.person_id) AS person_id
         FROM bodies b
         LEFT JOIN faces f ON f.id = b.face_id
         LEFT JOIN face_person fp ON fp.face_id = b.face_id
         LEFT JOIN body_person bp ON bp.body_id = b.id AND bp.state <> 'rejected'
        WHERE f.id IS NULL OR b.h >= ${CLOTHES_MIN_FACE_HEIGHTS} * f.h
        ORDER BY b.content_id, b.idx`,
    ),
    peopleNames: db.prepare<[], { id: number; name: string | null }>('SELECT id, name FROM people'),
    oldMembers: db.prepare<[], { key: string; content_id: number }>(
      'SELECT s.key, m.content_id FROM series s JOIN series_members m ON m.series_id = s.id',
    ),
    clearMembers: db.prepare<[]>('DELETE FROM series_members'),
    clearPeople: db.prepare<[]>('DELETE FROM series_people'),
    deleteSeriesNotIn: db.prepare<[string]>(
      'DELETE FROM series WHERE key NOT IN (SELECT value FROM json_each(?))',
    ),
    upsert: db
      .prepare<[string, string, number | null, number | null, string, string], number>(
        `INSERT INTO series (key, title, start_at, end_at, reasons, explanation) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET title = excluded.title, start_at = excluded.start_at, end_at = excluded.end_at,
         reasons = excluded.reasons, explanation = excluded.explanation
       RETURNING id`,
      )
      .pluck(),
    insertMember: db.prepare<[number, number, number, number, number, number, number | null, string]>(
      'INSERT INTO series_members (series_id, content_id, position, score, best, redundant, burst, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertPerson: db.prepare<[number, number, number]>(
      'INSERT INTO series_people (series_id, person_id, photos) VALUES (?, ?, ?)',
    ),
    count: db
      .prepare<
        [number | null, number | null],
        number
      >(`SELECT COUNT(*) FROM series s WHERE ? IS NULL OR EXISTS (SELECT 1 FROM series_people sp WHERE sp.series_id = s.id AND sp.person_id = ?)`)
      .pluck(),
    page: db.prepare<
      [number | null, number | null, number, number],
      {
        id: number;
        title: string;
        start_at: number | null;
        end_at: number | null;
        photo_count: number;
        subject: string | null;
      }
    >(
      `SELECT s.id, s.title, s.start_at, s.end_at, json_extract(s.reasons, '$.subject') AS subject, (SELECT COUNT(*) FROM series_members m WHERE m.series_id = s.id) AS photo_count
       FROM series s WHERE ? IS NULL OR EXISTS (SELECT 1 FROM series_people sp WHERE sp.series_id = s.id AND sp.person_id = ?)
       ORDER BY s.start_at DESC, s.id DESC LIMIT ? OFFSET ?`,
    ),
    one: db.prepare<
      [number],
      {
        id: number;
        title: string;
        start_at: number | null;
        end_at: number | null;
        reasons: string;
        explanation: string;
        photo_count: number;
      }
    >(
      `SELECT s.id, s.title, s.start_at, s.end_at, s.reasons, s.explanation, (SELECT COUNT(*) FROM series_members m WHERE m.series_id = s.id) AS photo_count
       FROM series s WHERE s.id = ?`,
    ),
    people: db
      .prepare<
        [number],
        number
      >('SELECT person_id FROM series_people WHERE series_id = ? ORDER BY photos DESC, person_id')
      .pluck(),
    cover: db.prepare<[number], PhotoRow>(
      `SELECT ${PHOTO_COLUMNS} FROM series_members m JOIN contents c ON c.id = m.content_id JOIN files fi ON ${FIRST_FILE}
       WHERE m.series_id = ? ORDER BY m.best DESC, m.score DESC, m.position LIMIT 1`,
    ),
    shots: db.prepare<
      [number],
      PhotoRow & { best: number; redundant: number; score: number; reasons: string }
    >(
      `SELECT ${PHOTO_COLUMNS}, m.best, m.redundant, m.score, m.reasons FROM series_members m JOIN contents c ON c.id = m.content_id
       JOIN files fi ON ${FIRST_FILE} WHERE m.series_id = ? ORDER BY m.position`,
    ),
    burstFiles: db.prepare<
      [],
      { file_id: number; path: string; series_id: number; redundant: number; reasons: string }
    >(
      `SELECT fi.id AS file_id, fi.path, m.series_id, m.redundant, m.reasons FROM series_members m JOIN files fi ON fi.content_id = m.content_id AND fi.state = 'ok'
       WHERE m.burst IS NOT NULL ORDER BY m.series_id, m.position, fi.id`,
    ),
  };

  const toPhoto = toPhotoSummary;

  return {
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    contents(): ContentForSeries[] {
      return s.contents.all().map((r) => ({
        id: r.id,
        capturedAt: r.captured_at,
        mtime: r.mtime,
        width: r.width,
        height: r.height,
        sharpness: r.sharpness,
        exposure: r.exposure,
        gpsLat: r.gps_lat,
        gpsLon: r.gps_lon,
        faces: r.faces,
        faceQuality: r.face_quality,
        bodies: r.bodies,
        personCover:
          r.largest_body !== null && r.width && r.height ? r.largest_body / (r.width * r.height) : 0,
        path: r.path,
      }));
    },
    peopleByContent(): Map<number, number[]> {
      const map = new Map<number, Set<number>>();
      for (const r of [...s.facePeople.all(), ...s.bodyPeople.all()]) {
        const set = map.get(r.content_id);
        if (set === undefined) map.set(r.content_id, new Set([r.person_id]));
        else set.add(r.person_id);
      }
      return new Map([...map].map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));
    },
    bodiesByContent(): Map<number, Array<{ id: number; person: number | null }>> {
      const map = new Map<number, Array<{ id: number; person: number | null }>>();
      for (const r of s.bodyIds.all()) {
        const body = { id: r.id, person: r.person_id };
        const list = map.get(r.content_id);
        if (list === undefined) map.set(r.content_id, [body]);
        else list.push(body);
      }
      return map;
    },
    peopleNames(): Map<number, string | null> {
      return new Map(s.peopleNames.all().map((r) => [r.id, r.name]));
    },
    oldMembers(): Map<string, number[]> {
      const map = new Map<string, number[]>();
      for (const r of s.oldMembers.all()) {
        const list = map.get(r.key);
        if (list === undefined) map.set(r.key, [r.content_id]);
        else list.push(r.content_id);
      }
      return map;
    },
    /** Replaces every series in one transaction; series keep their id when their key is kept. */
    replaceAll(
      series: ReadonlyArray<{
        row: SeriesRowInput;
        members: MemberInput[];
        people: Array<{ id: number; photos: number }>;
      }>,
    ): void {
      db.transaction(() => {
        s.clearMembers.run();
        s.clearPeople.run();
        s.deleteSeriesNotIn.run(JSON.stringify(series.map((x) => x.row.key)));
        for (const { row, members, people } of series) {
          const id = s.upsert.get(
            row.key,
            row.title,
            row.start,
            row.end,
            JSON.stringify(row.reasons),
            JSON.stringify(row.explanation),
          ) as number;
          for (const m of members)
            s.insertMember.run(
              id,
              m.contentId,
              m.position,
              m.score,
              m.best ? 1 : 0,
              m.redundant ? 1 : 0,
              m.burst,
              JSON.stringify(m.why),
            );
          for (const p of people) s.insertPerson.run(id, p.id, p.photos);
        }
      })();
    },
    count(personId: number | null): number {
      return s.count.get(personId, personId) ?? 0;
    },
    page(personId: number | null, offset: number, limit: number) {
      return s.page.all(personId, personId, limit, offset);
    },
    one(id: number) {
      return s.one.get(id) ?? null;
    },
    people(seriesId: number): number[] {
      return s.people.all(seriesId);
    },
    cover(seriesId: number): PhotoSummary | null {
      const r = s.cover.get(seriesId);
      return r === undefined ? null : toPhoto(r);
    },
    shots(seriesId: number) {
      return s.shots.all(seriesId).map((r) => ({
        ...toPhoto(r),
        best: r.best === 1,
        redundant: r.redundant === 1,
        score: r.score,
        ...storedShotReasons(r.reasons),
      }));
    },
    burstFiles() {
      return s.burstFiles.all().map((r) => ({
        fileId: r.file_id,
        path: r.path,
        series: r.series_id,
        keep: r.redundant === 0,
        ...storedShotReasons(r.reasons),
      }));
    },
  };
}
