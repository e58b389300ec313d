import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../common/errors';
import { loadMigrations, migrate, schemaVersion } from './migrate';

const tables = (db: Database.Database): string[] =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]
  ).filter((n) => !n.startsWith('sqlite_'));

const isStrict = (db: Database.Database, table: string): boolean =>
  /\)\s*STRICT\s*$/i.test(
    db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table) as string,
  );

describe('migrations', () => {
  const migrations = loadMigrations();

  it('are numbered without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  // One test per migration: applying it on top of the previous version adds its tables, all STRICT.
  const expectedTables: Record<number, string[]> = {
    1: ['contents', 'files', 'folders', 'scan_errors', 'scans'],
    2: ['dup_groups', 'dup_members', 'keeper_choice', 'not_duplicate'],
    3: ['bodies', 'faces', 'vision_runs'],
    4: [
      'body_person',
      'face_person',
      'face_rejections',
      'people',
      'series',
      'series_members',
      'series_people',
    ],
    5: ['delete_plans', 'journal', 'journal_items'],
    6: ['engine_state'],
  };
  for (const m of migrations) {
    it(`${String(m.version).padStart(3, '0')}_${m.name} applies on version ${m.version - 1}`, () => {
      const db = new Database(':memory:');
      db.pragma('foreign_keys = ON');
      migrate(db, migrations, m.version - 1);
      const before = new Set(tables(db));
      expect(migrate(db, migrations, m.version)).toEqual([m.version]);
      expect(schemaVersion(db)).toBe(m.version);
      const added = tables(db).filter((t) => !before.has(t));
      for (const t of expectedTables[m.version] ?? []) expect(added).toContain(t);
      for (const t of added) expect(isStrict(db, t), `${t} is STRICT`).toBe(true);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.close();
    });
  }

  it('007 marks the hashes of existing contents as version 1', () => {
    const db = new Database(':memory:');
    migrate(db, migrations, 6);
    db.prepare('INSERT INTO contents (sha256, bytes) VALUES (?, ?)').run(Buffer.alloc(32, 7), 10);
    migrate(db, migrations, 7);
    expect(db.prepare('SELECT hash_version FROM contents').pluck().all()).toEqual([1]);
    db.close();
  });

  it("008 forgets clustering decisions about faces too small to recognise, never the user's", () => {
    const db = new Database(':memory:');
    migrate(db, migrations, 7);
    db.prepare('INSERT INTO contents (id, sha256, bytes) VALUES (1, ?, 10)').run(Buffer.alloc(32, 7));
    const face = db.prepare(
      "INSERT INTO faces (id, content_id, idx, x, y, w, h, score, quality, model_version) VALUES (?, 1, ?, 0, 0, ?, ?, 0.9, 0.5, 'v')",
    );
    face.run(1, 0, 20, 20); // small, clustered
    face.run(2, 1, 80, 80); // large, clustered
    face.run(3, 2, 20, 20); // small, named by the user
    db.prepare('INSERT INTO people (id, name, created_at) VALUES (1, NULL, 0)').run();
    const assign = db.prepare('INSERT INTO face_person (face_id, person_id, source, at) VALUES (?, 1, ?, 0)');
    assign.run(1, 'cluster');
    assign.run(2, 'cluster');
    assign.run(3, 'user');
    migrate(db, migrations, 8);
    expect(db.prepare('SELECT face_id FROM face_person ORDER BY face_id').pluck().all()).toEqual([2, 3]);
    db.close();
  });

  it('applies all pending migrations in one transaction (a failing one leaves the version untouched)', () => {
    const db = new Database(':memory:');
    const broken = [
      ...migrations.slice(0, 2),
      { version: 3, name: 'broken', sql: 'CREATE TABLE x (a INTEGER) STRICT; SELECT * FROM no_such_table;' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);
  });

  it('is idempotent', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    expect(migrate(db, migrations)).toEqual([]);
    expect(schemaVersion(db)).toBe(migrations.length);
  });

  it('refuses a database newer than the code with a clear error', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${migrations.length + 1}`);
    let caught: unknown;
    try {
      migrate(db, migrations);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as EngineError).code).toBe('DB_TOO_NEW');
    expect((caught as EngineError).message).toMatch(/newer|only knows/);
  });
});
