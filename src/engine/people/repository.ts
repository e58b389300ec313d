/** Every SQL statement of the people domain. Rows are mapped to domain types here. */
import type { FaceRef, Person } from '../../common/contract/types';
import type { Db } from '../db/open';

export interface FaceRow {
  id: number;
  contentId: number;
  quality: number;
  /** Face box width in image pixels. */
  width: number;
  personId: number | null;
  source: 'cluster' | 'user' | null;
}

export interface BodyRow {
  id: number;
  contentId: number;
  faceId: number | null;
  faceQuality: number | null;
  faceWidth: number | null;
  facePersonId: number | null;
  /** EXIF capture time; null without one (a file date is no clock). */
  time: number | null;
}

interface PersonRow {
  id: number;
  name: string | null;
  hidden: number;
  cover_face_id: number | null;
  face_count: number;
  photo_count: number;
}

interface RefRow {
  id: number;
  photo_id: number;
  path: string;
  x: number;
  y: number;
  w: number;
  h: number;
  quality: number;
  confidence: number;
}

/** A live file for a content: the first 'ok' file, else any. Contents without files have no photo. */
const PHOTO_OF_CONTENT = `(SELECT fi.id FROM files fi WHERE fi.content_id = %C ORDER BY fi.state <> 'ok', fi.id LIMIT 1)`;
const photoOf = (column: string): string => PHOTO_OF_CONTENT.replace('%C', column);

/**
 * Counts only what the person page shows: faces and bodies of contents some file still has. A file
 * replaced by a new version or a removed folder leaves its old content (and faces) behind.
 */
const HAS_FILE = (column: string): string =>
  `EXISTS (SELECT 1 FROM files fi WHERE fi.content_id = ${column})`;
const PERSON_COLUMNS = `
  p.id, p.name, p.hidden, p.cover_face_id,
  (SELECT COUNT(*) FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE fp.person_id = p.id AND ${HAS_FILE('f.content_id')}) AS face_count,
  (SELECT COUNT(*) FROM (
     SELECT f.content_id FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE fp.person_id = p.id
     UNION
     SELECT b.content_id FROM body_person bp JOIN bodies b ON b.id = bp.body_id WHERE bp.person_id = p.id AND bp.state <> 'rejected'
  ) AS c WHERE ${HAS_FILE('c.content_id')}) AS photo_count`;

export function createPeopleRepository(db: Db) {
  const s = {
    faces: db.prepare<
      [],
      {
        id: number;
        content_id: number;
        quality: number;
        w: number;
        person_id: number | null;
        source: 'cluster' | 'user' | null;
      }
    >(
      `SELECT f.id, f.content_id, f.quality, f.w, fp.person_id, fp.source FROM faces f LEFT JOIN face_person fp ON fp.face_id = f.id ORDER BY f.id`,
    ),
    facesByIds: db.prepare<
      [string],
      {
        id: number;
        content_id: number;
        quality: number;
        w: number;
        person_id: number | null;
        source: 'cluster' | 'user' | null;
      }
    >(
      `SELECT f.id, f.content_id, f.quality, f.w, fp.person_id, fp.source FROM faces f LEFT JOIN face_person fp ON fp.face_id = f.id
       WHERE f.id IN (SELECT value FROM json_each(?)) ORDER BY f.id`,
    ),
    rejections: db.prepare<[], { face_id: number; person_id: number }>(
      'SELECT face_id, person_id FROM face_rejections',
    ),
    insertPerson: db
      .prepare<
        [string | null, number],
        number
      >('INSERT INTO people (name, created_at) VALUES (?, ?) RETURNING id')
      .pluck(),
    assignCluster: db.prepare<[number, number, number, number]>(
      `INSERT INTO face_person (face_id, person_id, source, confidence, at) VALUES (?, ?, 'cluster', ?, ?) ON CONFLICT (face_id) DO NOTHING`,
    ),
    assignUser: db.prepare<[number, number, number]>(
      `INSERT INTO face_person (face_id, person_id, source, confidence, at) VALUES (?, ?, 'user', 1, ?)
       ON CONFLICT (face_id) DO UPDATE SET person_id = excluded.person_id, source = 'user', confidence = 1, at = excluded.at`,
    ),
    reject: db.prepare<[number, number, number]>(
      'INSERT INTO face_rejections (face_id, person_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    unreject: db.prepare<[number, number]>('DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?'),
    person: db.prepare<[number], PersonRow>(`SELECT ${PERSON_COLUMNS} FROM people p WHERE p.id = ?`),
    people: db.prepare<[number], PersonRow>(
      `SELECT ${PERSON_COLUMNS} FROM people p WHERE p.hidden = 0 OR ? = 1 ORDER BY face_count DESC, p.id`,
    ),
    personByName: db
      .prepare<
        [string],
        number
      >('SELECT id FROM people WHERE name = ? COLLATE NOCASE ORDER BY hidden, id LIMIT 1')
      .pluck(),
    rename: db.prepare<[string, number]>('UPDATE people SET name = ? WHERE id = ?'),
    hide: db.prepare<[number, number]>('UPDATE people SET hidden = ? WHERE id = ?'),
    setCover: db.prepare<[number | null, number]>('UPDATE people SET cover_face_id = ? WHERE id = ?'),
    deletePerson: db.prepare<[number]>('DELETE FROM people WHERE id = ?'),
    deleteEmptyPeople: db
      .prepare<[], number>(
        `DELETE FROM people WHERE NOT EXISTS (SELECT 1 FROM face_person fp WHERE fp.person_id = people.id)
         AND NOT EXISTS (SELECT 1 FROM body_person bp WHERE bp.person_id = people.id AND bp.state = 'confirmed') RETURNING id`,
      )
      .pluck(),
    personContents: db
      .prepare<
        [number],
        number
      >('SELECT DISTINCT f.content_id FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE fp.person_id = ?')
      .pluck(),
    personFaceIds: db
      .prepare<[number], number>('SELECT face_id FROM face_person WHERE person_id = ?')
      .pluck(),
    moveFaces: db.prepare<[number, number, number]>(
      `UPDATE face_person SET person_id = ?, source = 'user', confidence = 1, at = ? WHERE person_id = ?`,
    ),
    moveRejections: db.prepare<[number, number]>(
      'UPDATE OR IGNORE face_rejections SET person_id = ? WHERE person_id = ?',
    ),
    dropContradictoryRejections: db.prepare<[number]>(
      `DELETE FROM face_rejections WHERE person_id = ? AND face_id IN (SELECT face_id FROM face_person WHERE person_id = face_rejections.person_id)`,
    ),
    // In place, so the one-live-row-per-body index is never violated; a clash with a row of the target is dropped.
    moveBodies: db.prepare<[number, number]>(
      'UPDATE OR IGNORE body_person SET person_id = ? WHERE person_id = ?',
    ),
    isAssigned: db
      .prepare<[number, number], number>('SELECT 1 FROM face_person WHERE face_id = ? AND person_id = ?')
      .pluck(),
    faceRefs: db.prepare<[number], RefRow>(
      `SELECT f.id, ${photoOf('f.content_id')} AS photo_id, fi.path, f.x, f.y, f.w, f.h, f.quality, fp.confidence
       FROM face_person fp JOIN faces f ON f.id = fp.face_id JOIN files fi ON fi.id = ${photoOf('f.content_id')}
       WHERE fp.person_id = ? ORDER BY f.quality DESC, f.id`,
    ),
    faceRef: db.prepare<[number], RefRow>(
      `SELECT f.id, ${photoOf('f.content_id')} AS photo_id, fi.path, f.x, f.y, f.w, f.h, f.quality, COALESCE(fp.confidence, 0) AS confidence
       FROM faces f LEFT JOIN face_person fp ON fp.face_id = f.id JOIN files fi ON fi.id = ${photoOf('f.content_id')} WHERE f.id = ?`,
    ),
    bestFace: db
      .prepare<
        [number],
        number
      >('SELECT f.id FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE fp.person_id = ? ORDER BY f.quality DESC, f.id LIMIT 1')
      .pluck(),
    bodyRefs: db.prepare<[number], RefRow>(
      `SELECT b.id, ${photoOf('b.content_id')} AS photo_id, fi.path, b.x, b.y, b.w, b.h, COALESCE(f.quality, 0) AS quality,
              CASE bp.state WHEN 'confirmed' THEN 1 ELSE bp.confidence END AS confidence
       FROM body_person bp JOIN bodies b ON b.id = bp.body_id LEFT JOIN faces f ON f.id = b.face_id
       JOIN files fi ON fi.id = ${photoOf('b.content_id')}
       WHERE bp.person_id = ? AND bp.state <> 'rejected' ORDER BY bp.confidence DESC, b.id`,
    ),
    bodies: db.prepare<
      [],
      {
        id: number;
        content_id: number;
        face_id: number | null;
        face_quality: number | null;
        face_width: number | null;
        face_person: number | null;
        time: number | null;
      }
    >(
      `SELECT b.id, b.content_id, b.face_id, f.quality AS face_quality, f.w AS face_width, fp.person_id AS face_person,
              c.captured_at AS time
       FROM bodies b JOIN contents c ON c.id = b.content_id LEFT JOIN faces f ON f.id = b.face_id LEFT JOIN face_person fp ON fp.face_id = b.face_id
       ORDER BY b.id`,
    ),
    bodyDecisions: db.prepare<
      [],
      { body_id: number; person_id: number; state: 'inferred' | 'confirmed' | 'rejected' }
    >('SELECT body_id, person_id, state FROM body_person'),
    seriesOfContents: db.prepare<[], { content_id: number; series_id: number }>(
      'SELECT content_id, series_id FROM series_members',
    ),
    deleteInferred: db.prepare<[]>(`DELETE FROM body_person WHERE state = 'inferred'`),
    insertInferred: db.prepare<[number, number, number, string, number]>(
      `INSERT INTO body_person (body_id, person_id, confidence, state, evidence, at) VALUES (?, ?, ?, 'inferred', ?, ?) ON CONFLICT DO NOTHING`,
    ),
    decideBody: db.prepare<[string, number, number]>(
      `UPDATE body_person SET state = ?, at = ? WHERE body_id = ? AND state <> 'rejected'`,
    ),
    peopleCount: db.prepare<[], number>('SELECT COUNT(*) FROM people').pluck(),
    visiblePeopleCount: db.prepare<[], number>('SELECT COUNT(*) FROM people WHERE hidden = 0').pluck(),
  };

  const toPerson = (row: PersonRow): Person => {
    const coverId =
      row.cover_face_id !== null && s.isAssigned.get(row.cover_face_id, row.id) !== undefined
        ? row.cover_face_id
        : (s.bestFace.get(row.id) ?? null);
    const cover = coverId === null ? null : (s.faceRef.get(coverId) ?? null);
    return {
      id: row.id,
      name: row.name,
      hidden: row.hidden === 1,
      faceCount: row.face_count,
      photoCount: row.photo_count,
      cover: cover === undefined || cover === null ? null : toRef(cover, false),
    };
  };

  return {
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    faces(): FaceRow[] {
      return s.faces.all().map((r) => ({
        id: r.id,
        contentId: r.content_id,
        quality: r.quality,
        width: r.w,
        personId: r.person_id,
        source: r.source,
      }));
    },
    facesByIds(ids: readonly number[]): FaceRow[] {
      return s.facesByIds.all(JSON.stringify(ids)).map((r) => ({
        id: r.id,
        contentId: r.content_id,
        quality: r.quality,
        width: r.w,
        personId: r.person_id,
        source: r.source,
      }));
    },
    rejections(): Map<number, Set<number>> {
      const map = new Map<number, Set<number>>();
      for (const r of s.rejections.all()) {
        const set = map.get(r.face_id);
        if (set === undefined) map.set(r.face_id, new Set([r.person_id]));
        else set.add(r.person_id);
      }
      return map;
    },
    createPerson(name: string | null, at: number): number {
      return s.insertPerson.get(name, at) as number;
    },
    assignByCluster(faceId: number, personId: number, confidence: number, at: number): void {
      s.assignCluster.run(faceId, personId, confidence, at);
    },
    assignByUser(faceId: number, personId: number, at: number): void {
      s.assignUser.run(faceId, personId, at);
      s.unreject.run(faceId, personId);
    },
    reject(faceId: number, personId: number, at: number): void {
      s.reject.run(faceId, personId, at);
    },
    person(id: number): Person | null {
      const row = s.person.get(id);
      return row === undefined ? null : toPerson(row);
    },
    people(includeHidden: boolean): Person[] {
      return s.people.all(includeHidden ? 1 : 0).map(toPerson);
    },
    personIdByName(name: string): number | null {
      return s.personByName.get(name) ?? null;
    },
    rename(id: number, name: string): void {
      s.rename.run(name, id);
    },
    hide(id: number, hidden: boolean): void {
      s.hide.run(hidden ? 1 : 0, id);
    },
    setCover(id: number, faceId: number | null): void {
      s.setCover.run(faceId, id);
    },
    personContents(id: number): number[] {
      return s.personContents.all(id);
    },
    personFaceIds(id: number): number[] {
      return s.personFaceIds.all(id);
    },
    /** Moves everything of `from` into `into` as user decisions (must-links), then deletes `from`. */
    mergeInto(into: number, from: number, at: number): void {
      s.moveFaces.run(into, at, from);
      s.moveRejections.run(into, from);
      s.moveBodies.run(into, from);
      s.deletePerson.run(from);
      s.dropContradictoryRejections.run(into);
    },
    deleteEmptyPeople(): number[] {
      return s.deleteEmptyPeople.all();
    },
    faceRefs(personId: number): FaceRef[] {
      return s.faceRefs.all(personId).map((r) => toRef(r, false));
    },
    faceRef(faceId: number): FaceRef | null {
      const r = s.faceRef.get(faceId);
      return r === undefined ? null : toRef(r, false);
    },
    inferredRefs(personId: number): FaceRef[] {
      return s.bodyRefs.all(personId).map((r) => toRef(r, true));
    },
    bodies(): BodyRow[] {
      return s.bodies.all().map((r) => ({
        id: r.id,
        contentId: r.content_id,
        faceId: r.face_id,
        faceQuality: r.face_quality,
        faceWidth: r.face_width,
        facePersonId: r.face_person,
        time: r.time,
      }));
    },
    bodyDecisions() {
      return s.bodyDecisions.all();
    },
    seriesOfContents(): Map<number, number> {
      return new Map(s.seriesOfContents.all().map((r) => [r.content_id, r.series_id]));
    },
    replaceInferred(
      rows: ReadonlyArray<{ bodyId: number; personId: number; confidence: number; evidence: unknown }>,
      at: number,
    ): void {
      s.deleteInferred.run();
      for (const r of rows)
        s.insertInferred.run(r.bodyId, r.personId, r.confidence, JSON.stringify(r.evidence), at);
    },
    decideBody(bodyId: number, accept: boolean, at: number): boolean {
      return s.decideBody.run(accept ? 'confirmed' : 'rejected', at, bodyId).changes > 0;
    },
    visiblePeopleCount(): number {
      return s.visiblePeopleCount.get() ?? 0;
    },
    peopleCount(): number {
      return s.peopleCount.get() ?? 0;
    },
  };
}

export type PeopleRepository = ReturnType<typeof createPeopleRepository>;

function toRef(r: RefRow, inferred: boolean): FaceRef {
  return {
    id: r.id,
    photoId: r.photo_id,
    path: r.path,
    box: [r.x, r.y, r.w, r.h],
    quality: r.quality,
    inferred,
    confidence: r.confidence,
  };
}
