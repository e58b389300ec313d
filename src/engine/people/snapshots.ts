/**
 * Undo for the user's edits of people (merge, rename): the rows of the people involved are kept
 * before the edit and written back on undo. The last few edits are kept in `engine_state`, so an
 * Undo offered before a page reload or an engine restart still works; rows of faces that a rescan
 * removed in the meantime are skipped, never resurrected.
 */
import type { Db } from '../db/open';

interface PersonRowSnap {
  id: number;
  name: string | null;
  hidden: number;
  cover_face_id: number | null;
  created_at: number;
}
interface FacePersonSnap {
  face_id: number;
  person_id: number;
  source: string;
  confidence: number;
  at: number;
}
interface BodyPersonSnap {
  body_id: number;
  person_id: number;
  confidence: number;
  state: string;
  evidence: string;
  at: number;
}
interface RejectionSnap {
  face_id: number;
  person_id: number;
  at: number;
}

export interface PeopleSnapshot {
  personIds: number[];
  people: PersonRowSnap[];
  faces: FacePersonSnap[];
  bodies: BodyPersonSnap[];
  rejections: RejectionSnap[];
}

const KEEP = 20;
const PREFIX = 'people.undo:';

export function createPeopleSnapshots(db: Db) {
  const ids = (personIds: readonly number[]): string => JSON.stringify(personIds);
  const s = {
    people: db.prepare<[string], PersonRowSnap>(
      'SELECT id, name, hidden, cover_face_id, created_at FROM people WHERE id IN (SELECT value FROM json_each(?))',
    ),
    faces: db.prepare<[string], FacePersonSnap>(
      'SELECT face_id, person_id, source, confidence, at FROM face_person WHERE person_id IN (SELECT value FROM json_each(?))',
    ),
    bodies: db.prepare<[string], BodyPersonSnap>(
      'SELECT body_id, person_id, confidence, state, evidence, at FROM body_person WHERE person_id IN (SELECT value FROM json_each(?))',
    ),
    rejections: db.prepare<[string], RejectionSnap>(
      'SELECT face_id, person_id, at FROM face_rejections WHERE person_id IN (SELECT value FROM json_each(?))',
    ),
    upsertPerson: db.prepare<[number, string | null, number, number | null, number]>(
      `INSERT INTO people (id, name, hidden, cover_face_id, created_at) VALUES (?, ?, ?, (SELECT id FROM faces WHERE id = ?), ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, hidden = excluded.hidden, cover_face_id = excluded.cover_face_id`,
    ),
    clearFaces: db.prepare<[string]>(
      'DELETE FROM face_person WHERE person_id IN (SELECT value FROM json_each(?))',
    ),
    clearBodies: db.prepare<[string]>(
      'DELETE FROM body_person WHERE person_id IN (SELECT value FROM json_each(?))',
    ),
    clearRejections: db.prepare<[string]>(
      'DELETE FROM face_rejections WHERE person_id IN (SELECT value FROM json_each(?))',
    ),
    putFace: db.prepare<[number, number, string, number, number, number]>(
      `INSERT INTO face_person (face_id, person_id, source, confidence, at) SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM faces WHERE id = ?)
       ON CONFLICT (face_id) DO UPDATE SET person_id = excluded.person_id, source = excluded.source, confidence = excluded.confidence, at = excluded.at`,
    ),
    putBody: db.prepare<[number, number, number, string, string, number, number]>(
      `INSERT OR IGNORE INTO body_person (body_id, person_id, confidence, state, evidence, at)
       SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM bodies WHERE id = ?)`,
    ),
    putRejection: db.prepare<[number, number, number, number]>(
      'INSERT OR IGNORE INTO face_rejections (face_id, person_id, at) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM faces WHERE id = ?)',
    ),
  };
  const state = {
    put: db.prepare<[string, string]>('INSERT INTO engine_state (key, value) VALUES (?, ?)'),
    get: db.prepare<[string], string>('SELECT value FROM engine_state WHERE key = ?').pluck(),
    drop: db.prepare<[string]>('DELETE FROM engine_state WHERE key = ?'),
    keys: db
      .prepare<
        [string, string],
        string
      >("SELECT key FROM engine_state WHERE key >= ? AND key < ? || '~' ORDER BY key DESC")
      .pluck(),
  };
  const keyOf = (id: number): string => `${PREFIX}${String(id).padStart(10, '0')}`;
  const storedKeys = (): string[] => state.keys.all(PREFIX, PREFIX);
  // Ids go on from the newest kept snapshot, so an id handed out before a restart is never reused for another edit.
  let next = Number(storedKeys()[0]?.slice(PREFIX.length) ?? 0) + 1;

  return {
    /** Keeps the rows of these people; returns the id `restore` takes. */
    take(personIds: readonly number[]): number {
      const key = ids(personIds);
      const snap: PeopleSnapshot = {
        personIds: [...personIds],
        people: s.people.all(key),
        faces: s.faces.all(key),
        bodies: s.bodies.all(key),
        rejections: s.rejections.all(key),
      };
      const id = next++;
      db.transaction(() => {
        state.put.run(keyOf(id), JSON.stringify(snap));
        for (const old of storedKeys().slice(KEEP)) state.drop.run(old);
      })();
      return id;
    },
    has(id: number): boolean {
      return state.get.get(keyOf(id)) !== undefined;
    },
    /** Writes the kept rows back (in the caller's transaction); false when the id is unknown or used. */
    restore(id: number): PeopleSnapshot | null {
      const stored = state.get.get(keyOf(id));
      if (stored === undefined) return null;
      const snap = JSON.parse(stored) as PeopleSnapshot;
      state.drop.run(keyOf(id));
      const key = ids(snap.personIds);
      for (const p of snap.people) s.upsertPerson.run(p.id, p.name, p.hidden, p.cover_face_id, p.created_at);
      s.clearFaces.run(key);
      s.clearBodies.run(key);
      s.clearRejections.run(key);
      for (const f of snap.faces)
        s.putFace.run(f.face_id, f.person_id, f.source, f.confidence, f.at, f.face_id);
      // A face that left these people after the snapshot and is theirs again was moved back above.
      for (const b of snap.bodies)
        s.putBody.run(b.body_id, b.person_id, b.confidence, b.state, b.evidence, b.at, b.body_id);
      for (const r of snap.rejections) s.putRejection.run(r.face_id, r.person_id, r.at, r.face_id);
      return snap;
    },
  };
}

export type PeopleSnapshots = ReturnType<typeof createPeopleSnapshots>;
