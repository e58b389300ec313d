/**
 * Numbered, forward-only SQL migrations from `migrations/NNN_name.sql`, applied in one
 * transaction; the schema version lives in `PRAGMA user_version`. A database written by a
 * newer Sift is refused rather than silently misread.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { EngineError } from '../../common/errors';
import { PACKAGE_ROOT } from '../paths';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'migrations');

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: readFileSync(path.join(dir, file), 'utf8'),
    }));
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new EngineError(
        'INTERNAL',
        `Migration numbering has a gap or duplicate at ${m.version}_${m.name}`,
      );
  });
  return migrations;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies pending migrations up to `target` (default: all). Returns the versions applied. */
export function migrate(db: Database.Database, migrations = loadMigrations(), target?: number): number[] {
  const latest = migrations.length;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new EngineError(
      'DB_TOO_NEW',
      `This library database has schema version ${current}, but this version of Sift only knows up to ${latest}. ` +
        'Update Sift, or point it at another data directory.',
      { current, latest },
    );
  }
  const upTo = Math.min(target ?? latest, latest);
  const pending = migrations.filter((m) => m.version > current && m.version <= upTo);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  return pending.map((m) => m.version);
}
