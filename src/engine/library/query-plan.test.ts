/** Hot queries must use an index: a full scan of files or contents is minutes on a big library. */
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger';
import { openDatabase } from '../db/open';

const db = openDatabase(':memory:', silentLogger);
afterAll(() => db.close());

function plan(sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
    .map((r) => r.detail)
    .join(' | ');
}

describe('query plans of hot queries', () => {
  const cases: Array<[string, string, unknown[]]> = [
    [
      'file by path (every file of every rescan)',
      'SELECT id FROM files WHERE path_bytes = ?',
      [Buffer.from('/x')],
    ],
    ['content by sha256 (every new file)', 'SELECT id FROM contents WHERE sha256 = ?', [Buffer.alloc(32)]],
    [
      'files of a content (exact duplicates, moves)',
      "SELECT id FROM files WHERE content_id = ? AND state = 'ok'",
      [1],
    ],
    ['members of a duplicate group', 'SELECT file_id FROM dup_members WHERE group_id = ?', [1]],
    ['group of a file (delete plans)', 'SELECT group_id FROM dup_members WHERE file_id = ?', [1]],
    ['faces of a content', 'SELECT id FROM faces WHERE content_id = ?', [1]],
    ['errors of a scan', 'SELECT id FROM scan_errors WHERE scan_id = ? ORDER BY path LIMIT 50', [1]],
  ];
  for (const [name, sql, params] of cases) {
    it(name, () => {
      const detail = plan(sql, ...params);
      expect(detail, detail).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|PRIMARY KEY/);
      expect(detail).not.toMatch(/^SCAN (files|contents)\b/);
    });
  }
});
