/**
 * Every SQL statement of the duplicates domain: groups and their members, the user's keeper
 * choices and "not a duplicate" answers, and the hashes and file facts grouping reads.
 */
import type { DuplicateKind, ImageFormat } from '../../common/contract/types';
import type { Db } from '../db/open';
import { PACKED_HASH_BYTES } from '../library/hash-codec';

/** A file of a content with the facts the keeper choice weighs. */
export interface MemberRow {
  file_id: number;
  path: string;
  path_bytes: Buffer;
  size: number;
  mtime_ms: number;
  content_id: number;
  width: number | null;
  height: number | null;
  format: ImageFormat | null;
  captured_at: number | null;
  exif_fields: number;
  camera: string | null;
  sharpness: number | null;
}

export interface StoredGroup {
  id: number;
  kind: DuplicateKind;
  key: string;
  /** JSON of the group's evidence. */
  evidence: string;
}

export interface NonKeeper {
  file_id: number;
  path: string;
  size: number;
  group_id: number;
  kind: DuplicateKind;
}

const MEMBER_COLUMNS = `f.id AS file_id, f.path, f.path_bytes, f.size, f.mtime_ms, f.content_id, c.width, c.height, c.format, c.captured_at, c.exif_fields, c.camera, c.sharpness`;

export function createDedupRepository(db: Db) {
  const s = {
    hashed: db.prepare<[], { id: number; hashes: Buffer }>(
      `SELECT c.id, c.hashes FROM contents c
       WHERE length(c.hashes) = ${PACKED_HASH_BYTES} AND EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.id AND f.state = 'ok')`,
    ),
    multiCopy: db
      .prepare<
        [],
        number
      >(`SELECT content_id FROM files WHERE state = 'ok' AND content_id IS NOT NULL GROUP BY content_id HAVING COUNT(*) > 1`)
      .pluck(),
    filesOfContent: db.prepare<[number], MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM files f JOIN contents c ON c.id = f.content_id WHERE f.content_id = ? AND f.state = 'ok' ORDER BY f.path`,
    ),
    notDuplicate: db.prepare<[], { content_a: number; content_b: number }>(
      'SELECT content_a, content_b FROM not_duplicate',
    ),
    hashesOf: db
      .prepare<
        [number],
        Buffer
      >(`SELECT hashes FROM contents WHERE id = ? AND length(hashes) = ${PACKED_HASH_BYTES}`)
      .pluck(),
    keeperChoices: db.prepare<[], number>('SELECT file_id FROM keeper_choice').pluck(),
    groupKeys: db.prepare<[], { id: number; key: string }>('SELECT id, key FROM dup_groups'),
    deleteGroup: db.prepare<[number]>('DELETE FROM dup_groups WHERE id = ?'),
    insertGroup: db
      .prepare<
        [string, string, string],
        number
      >('INSERT INTO dup_groups (kind, key, evidence) VALUES (?, ?, ?) RETURNING id')
      .pluck(),
    updateGroup: db.prepare<[string, string, number]>(
      'UPDATE dup_groups SET kind = ?, evidence = ? WHERE id = ?',
    ),
    clearMembers: db.prepare<[number]>('DELETE FROM dup_members WHERE group_id = ?'),
    insertMember: db.prepare<[number, number, number, string]>(
      'INSERT INTO dup_members (group_id, file_id, keep, reasons) VALUES (?, ?, ?, ?)',
    ),
    group: db.prepare<[number], StoredGroup>('SELECT id, kind, key, evidence FROM dup_groups WHERE id = ?'),
    groupMembers: db.prepare<[number], MemberRow & { keep: number; reasons: string }>(
      `SELECT ${MEMBER_COLUMNS}, m.keep, m.reasons FROM dup_members m JOIN files f ON f.id = m.file_id JOIN contents c ON c.id = f.content_id
       WHERE m.group_id = ? ORDER BY m.keep DESC, f.path`,
    ),
    countGroups: db
      .prepare<[string, string], number>('SELECT COUNT(*) FROM dup_groups WHERE kind IN (?, ?)')
      .pluck(),
    pageGroups: db
      .prepare<[string, string, number, number], number>(
        `SELECT g.id FROM dup_groups g
       LEFT JOIN (SELECT m.group_id, SUM(CASE WHEN m.keep = 0 THEN f.size ELSE 0 END) AS reclaim
                  FROM dup_members m JOIN files f ON f.id = m.file_id GROUP BY m.group_id) r ON r.group_id = g.id
       WHERE g.kind IN (?, ?) ORDER BY r.reclaim DESC, g.id LIMIT ? OFFSET ?`,
      )
      .pluck(),
    insertNotDup: db.prepare<[number, number, number]>(
      'INSERT OR IGNORE INTO not_duplicate (content_a, content_b, at) VALUES (?, ?, ?)',
    ),
    // One "not a duplicate" answer is the pairs it stored with one timestamp: that timestamp is its id.
    lastDismissal: db.prepare<[], number | null>('SELECT MAX(at) FROM not_duplicate').pluck(),
    countDismissals: db.prepare<[], number>('SELECT COUNT(DISTINCT at) FROM not_duplicate').pluck(),
    pageDismissals: db
      .prepare<
        [number, number],
        number
      >('SELECT DISTINCT at FROM not_duplicate ORDER BY at DESC LIMIT ? OFFSET ?')
      .pluck(),
    dismissalContents: db
      .prepare<
        [number, number],
        number
      >('SELECT content_a AS id FROM not_duplicate WHERE at = ? UNION SELECT content_b FROM not_duplicate WHERE at = ?')
      .pluck(),
    restoreDismissal: db.prepare<[number]>('DELETE FROM not_duplicate WHERE at = ?'),
    clearChoices: db.prepare<[number]>(
      'DELETE FROM keeper_choice WHERE file_id IN (SELECT file_id FROM dup_members WHERE group_id = ?)',
    ),
    choose: db.prepare<[number, number]>('INSERT OR REPLACE INTO keeper_choice (file_id, at) VALUES (?, ?)'),
    setMember: db.prepare<[number, string, number, number]>(
      'UPDATE dup_members SET keep = ?, reasons = ? WHERE group_id = ? AND file_id = ?',
    ),
    nonKeepers: db.prepare<[], NonKeeper>(
      `SELECT m.file_id, f.path, f.size, m.group_id, g.kind FROM dup_members m JOIN files f ON f.id = m.file_id JOIN dup_groups g ON g.id = m.group_id
       WHERE m.keep = 0 AND f.state = 'ok' ORDER BY m.group_id, f.path`,
    ),
    stats: db.prepare<[], { groups: number; reclaim: number }>(
      `SELECT COUNT(DISTINCT m.group_id) AS groups, COALESCE(SUM(CASE WHEN m.keep = 0 THEN f.size ELSE 0 END), 0) AS reclaim
       FROM dup_members m JOIN files f ON f.id = m.file_id`,
    ),
  };
  return {
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    /** Live contents with hashes of the current layout. */
    hashed: () => s.hashed.all(),
    /** Contents with more than one live file. */
    multiCopy: () => s.multiCopy.all(),
    filesOfContent: (contentId: number) => s.filesOfContent.all(contentId),
    notDuplicatePairs: () => s.notDuplicate.all().map((r) => [r.content_a, r.content_b] as const),
    hashesOf: (contentId: number): Buffer | null => s.hashesOf.get(contentId) ?? null,
    keeperChoices: () => new Set(s.keeperChoices.all()),
    groupKeys: () => new Map(s.groupKeys.all().map((r) => [r.key, r.id])),
    deleteGroup: (id: number) => void s.deleteGroup.run(id),
    insertGroup: (kind: DuplicateKind, key: string, evidence: string): number =>
      s.insertGroup.get(kind, key, evidence) as number,
    updateGroup(id: number, kind: DuplicateKind, evidence: string) {
      s.updateGroup.run(kind, evidence, id);
      s.clearMembers.run(id);
    },
    insertMember: (groupId: number, fileId: number, keep: boolean, reasons: string) =>
      void s.insertMember.run(groupId, fileId, keep ? 1 : 0, reasons),
    group: (id: number): StoredGroup | null => s.group.get(id) ?? null,
    groupMembers: (id: number) => s.groupMembers.all(id),
    countGroups: (a: DuplicateKind, b: DuplicateKind) => s.countGroups.get(a, b) ?? 0,
    pageGroups: (a: DuplicateKind, b: DuplicateKind, limit: number, offset: number) =>
      s.pageGroups.all(a, b, limit, offset),
    /** Stores one answer (its pairs under one timestamp, unique: it is how the answer is listed and undone). */
    dismiss(contents: readonly number[], now: number): number {
      const at = Math.max(now, (s.lastDismissal.get() ?? 0) + 1);
      for (let i = 0; i < contents.length; i++)
        for (let j = i + 1; j < contents.length; j++)
          s.insertNotDup.run(contents[i] as number, contents[j] as number, at);
      return at;
    },
    countDismissals: () => s.countDismissals.get() ?? 0,
    pageDismissals: (limit: number, offset: number) => s.pageDismissals.all(limit, offset),
    dismissalContents: (at: number) => s.dismissalContents.all(at, at),
    /** Removes one answer; how many pairs it held. */
    restoreDismissal: (at: number): number => s.restoreDismissal.run(at).changes,
    chooseKeeper(groupId: number, fileId: number, now: number) {
      s.clearChoices.run(groupId);
      s.choose.run(fileId, now);
    },
    setMember: (groupId: number, fileId: number, keep: boolean, reasons: string) =>
      void s.setMember.run(keep ? 1 : 0, reasons, groupId, fileId),
    nonKeepers: () => s.nonKeepers.all(),
    stats: () => s.stats.get() ?? { groups: 0, reclaim: 0 },
  };
}

export type DedupRepository = ReturnType<typeof createDedupRepository>;
