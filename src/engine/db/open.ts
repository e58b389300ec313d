import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../common/logger';
import { migrate } from './migrate';

export type Db = Database.Database;

/** Opens (creating if needed) the library database: WAL, foreign keys, migrations applied. */
export function openDatabase(file: string, logger: Logger): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    const applied = migrate(db);
    if (applied.length > 0) logger.info('database migrated', { applied });
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
