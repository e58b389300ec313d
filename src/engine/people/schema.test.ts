import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger';
import { openDatabase } from '../db/open';

/** Migration 004: the constraints the people and series services rely on. */
describe('004_people_series', () => {
  function seeded() {
    const db = openDatabase(':memory:', silentLogger);
    const content = db
      .prepare<[], number>("INSERT INTO contents (sha256, bytes) VALUES (x'01', 1) RETURNING id")
      .pluck()
      .get() as number;
    const body = db
      .prepare<
        [number],
        number
      >("INSERT INTO bodies (content_id, idx, x, y, w, h, score, model_version) VALUES (?, 0, 0, 0, 1, 1, 1, 't') RETURNING id")
      .pluck()
      .get(content) as number;
    const person = () =>
      db
        .prepare<[], number>('INSERT INTO people (created_at) VALUES (0) RETURNING id')
        .pluck()
        .get() as number;
    return { db, content, body, a: person(), b: person() };
  }

  it('allows one live inference per body but remembers several rejections', () => {
    const { db, body, a, b } = seeded();
    const insert = db.prepare<[number, number, string]>(
      'INSERT INTO body_person (body_id, person_id, confidence, state, at) VALUES (?, ?, 0.5, ?, 0)',
    );
    insert.run(body, a, 'rejected');
    insert.run(body, b, 'inferred');
    expect(() => insert.run(body, a, 'inferred')).toThrow(/UNIQUE/);
    db.close();
  });

  it('puts a content in at most one series and cascades deletes', () => {
    const { db, content, a } = seeded();
    const series = (key: string) =>
      db
        .prepare<[string], number>("INSERT INTO series (key, title) VALUES (?, 't') RETURNING id")
        .pluck()
        .get(key) as number;
    const s1 = series('k1');
    const s2 = series('k2');
    const member = db.prepare<[number, number]>(
      'INSERT INTO series_members (series_id, content_id, position, score) VALUES (?, ?, 0, 0)',
    );
    member.run(s1, content);
    expect(() => member.run(s2, content)).toThrow(/UNIQUE/);
    db.prepare('INSERT INTO series_people (series_id, person_id) VALUES (?, ?)').run(s1, a);
    db.prepare('DELETE FROM people WHERE id = ?').run(a);
    expect(db.prepare('SELECT COUNT(*) FROM series_people').pluck().get()).toBe(0);
    db.prepare('DELETE FROM series WHERE id = ?').run(s1);
    expect(db.prepare('SELECT COUNT(*) FROM series_members').pluck().get()).toBe(0);
    db.close();
  });

  it('rejects unknown assignment sources and states', () => {
    const { db, body, a } = seeded();
    expect(() =>
      db
        .prepare(
          "INSERT INTO body_person (body_id, person_id, confidence, state, at) VALUES (?, ?, 1, 'maybe', 0)",
        )
        .run(body, a),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('serves the hot lookups from indexes', () => {
    const db = openDatabase(':memory:', silentLogger);
    const plan = (sql: string): string =>
      db
        .prepare<[number], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(1)
        .map((r) => r.detail)
        .join(' | ');
    expect(plan('SELECT face_id FROM face_person WHERE person_id = ?')).toMatch(
      /USING (COVERING )?INDEX face_person_person/,
    );
    expect(plan("SELECT body_id FROM body_person WHERE person_id = ? AND state <> 'rejected'")).toMatch(
      /INDEX body_person_person/,
    );
    expect(plan('SELECT series_id FROM series_people WHERE person_id = ?')).toMatch(
      /INDEX series_people_person/,
    );
    expect(plan('SELECT content_id FROM series_members WHERE series_id = ?')).toMatch(
      /SEARCH series_members USING/,
    );
    expect(plan('SELECT series_id FROM series_members WHERE content_id = ?')).toMatch(
      /SEARCH series_members USING/,
    );
    db.close();
  });
});
