/**
 * Every prepared statement of every repository, planned by SQLite: a statement that looks
 * something up by a parameter must use an index on the big tables, because a full scan of files,
 * contents or faces is minutes on a library of a million photos and these run per photo or per
 * click. Statements without parameters read the whole library on purpose (rebuilds, exports).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger';
import { createDedupRepository } from '../dedup/repository';
import { createPhotoReadModel } from '../library/photos';
import { createLibraryRepository } from '../library/repository';
import { createPeopleRepository } from '../people/repository';
import { createPeopleSnapshots } from '../people/snapshots';
import { createSeriesRepository } from '../series/repository';
import { createTrashReadModel, createTrashRepository } from '../trash/repository';
import { createVisionRepository } from '../vision/repository';
import { openDatabase, type Db } from './open';

const BIG_TABLES = [
  'files',
  'contents',
  'faces',
  'bodies',
  'people',
  'dup_members',
  'series_members',
  'journal_items',
  'face_person',
  'body_person',
];

/**
 * Parameterised statements allowed to scan a big table, each with the reason. Keep this list short:
 * adding to it needs the same reasoning in review.
 */
const ALLOWED_SCANS: ReadonlyArray<{ match: RegExp; why: string }> = [];

const db = openDatabase(':memory:', silentLogger);
afterAll(() => db.close());

/** The SQL text of every statement the repositories prepare. */
function preparedBy(create: (db: Db) => unknown): string[] {
  const seen: string[] = [];
  const recording = new Proxy(db, {
    get(target, key) {
      if (key === 'prepare')
        return (sql: string) => {
          seen.push(sql);
          return target.prepare(sql);
        };
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  create(recording);
  return seen;
}

function planOf(sql: string): string {
  const named = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1] as string))];
  const positional = (sql.match(/\?(?!\d)/g) ?? []).length;
  const stmt = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (
    named.length > 0
      ? stmt.all(Object.fromEntries(named.map((n) => [n, 1])))
      : stmt.all(...Array.from({ length: positional }, () => 1))
  ) as Array<{ detail: string }>;
  return rows.map((r) => r.detail).join(' | ');
}

const repositories: Record<string, (db: Db) => unknown> = {
  dedup: createDedupRepository,
  library: createLibraryRepository,
  photos: createPhotoReadModel,
  people: createPeopleRepository,
  'people undo': createPeopleSnapshots,
  series: createSeriesRepository,
  trash: createTrashRepository,
  'trash read model': createTrashReadModel,
  vision: createVisionRepository,
};

describe('query plans of every repository statement', () => {
  for (const [name, create] of Object.entries(repositories)) {
    const statements = preparedBy(create);
    it(`${name}: ${statements.length} statements, parameterised lookups use an index`, () => {
      expect(statements.length).toBeGreaterThan(0);
      const offenders: string[] = [];
      for (const sql of statements) {
        if (!/[?@]/.test(sql)) continue;
        const plan = planOf(sql);
        const scans = BIG_TABLES.filter((t) => new RegExp(`\\bSCAN ${t}\\b(?! USING)`).test(plan));
        if (scans.length > 0 && !ALLOWED_SCANS.some((a) => a.match.test(sql)))
          offenders.push(`${sql.replace(/\s+/g, ' ').slice(0, 160)}\n    -> ${plan}`);
      }
      expect(offenders, offenders.join('\n')).toEqual([]);
    });
  }
});
