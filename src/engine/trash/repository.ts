/**
 * Every SQL statement of safe deletion. Two parts:
 * - `TrashRepository`: the trash domain's own tables (plans, journal, journal items, and the
 *   intents announced in engine_state before each move or restore);
 * - `TrashReadModel`: the small read model its guards need from other domains (a file and its
 *   content hash, the library folders, duplicate groups, people in series). Trash reads these
 *   facts; it never writes another domain's tables (file states go through the library repository).
 */
import type { Db } from '../db/open';

export interface LibraryFile {
  id: number;
  path: string;
  pathBytes: Buffer;
  size: number;
  mtimeMs: number;
  contentId: number | null;
  state: string;
}

export interface GroupMembership {
  groupId: number;
  kind: 'exact' | 'near';
  keep: boolean;
}

export interface GroupMember {
  fileId: number;
  keep: boolean;
  path: string;
}

export interface SeriesPerson {
  seriesId: number;
  personId: number;
  title: string;
  startAt: number | null;
  /** The person's name, or "Person <id>". */
  person: string;
}

export interface TrashReadModel {
  file(id: number): LibraryFile | null;
  contentSha(contentId: number): Buffer | null;
  folderPaths(): string[];
  groupOf(fileId: number): GroupMembership | null;
  /** Live members of a duplicate group. */
  groupMembers(groupId: number): GroupMember[];
  keeperPath(groupId: number): string | null;
  /** Live files that are not their group's keeper, in group then path order. */
  nonKeepers(): number[];
  /** People shown in the series this content belongs to. */
  seriesPeopleOf(contentId: number): SeriesPerson[];
  /** Live files of a series in which a person's face is recognised. */
  filesShowingPersonInSeries(seriesId: number, personId: number): number[];
}

export interface StoredPlan {
  id: number;
  createdAt: number;
  /** JSON of the stored items and guarded files (with the facts execute re-checks). */
  items: string;
  guarded: string;
}

export interface JournalRow {
  id: number;
  planId: number;
  at: number;
  dryRun: boolean;
  state: string;
}

export interface JournalItemRow {
  fileId: number;
  path: string;
  pathBytes: Buffer;
  bytes: number;
  /** Where the file went, as latin1 bytes of the path; null when the backend does not say. */
  trashPath: string | null;
  ok: boolean;
  error: string | null;
  restored: boolean;
}

export interface TrashRepository {
  insertPlan(createdAt: number, items: string, guarded: string): number;
  plan(id: number): StoredPlan | null;
  insertJournal(planId: number, at: number, dryRun: boolean, state: string): number;
  setJournalState(id: number, state: string): void;
  runningJournals(): number[];
  failedItems(journalId: number): number;
  journal(id: number): JournalRow | null;
  journalPage(limit: number, offset: number): number[];
  insertItem(
    journalId: number,
    item: {
      fileId: number;
      path: string;
      pathBytes: Buffer;
      bytes: number;
      ok: boolean;
      error: string | null;
    },
  ): void;
  settleItem(
    journalId: number,
    fileId: number,
    outcome: { trashPath: string | null; ok: boolean; error: string | null },
  ): void;
  reserveItem(journalId: number, fileId: number, trashPath: string): void;
  item(journalId: number, fileId: number): JournalItemRow | null;
  items(journalId: number): JournalItemRow[];
  markRestored(journalId: number, fileId: number): void;
  setIntent(key: string, value: string): void;
  clearIntent(key: string): void;
  /** Values of every intent whose key starts with `prefix`. */
  intents(prefix: string): string[];
  transaction<T>(fn: () => T): T;
}

interface ItemRow {
  file_id: number;
  path: string;
  path_bytes: Buffer;
  bytes: number;
  trash_path: string | null;
  ok: number;
  error: string | null;
  restored: number;
}

const toItem = (r: ItemRow): JournalItemRow => ({
  fileId: r.file_id,
  path: r.path,
  pathBytes: r.path_bytes,
  bytes: r.bytes,
  trashPath: r.trash_path,
  ok: r.ok === 1,
  error: r.error,
  restored: r.restored === 1,
});

export function createTrashRepository(db: Db): TrashRepository {
  const s = {
    insertPlan: db
      .prepare<
        [number, string, string],
        number
      >('INSERT INTO delete_plans (created_at, items, guarded) VALUES (?, ?, ?) RETURNING id')
      .pluck(),
    plan: db.prepare<[number], { id: number; created_at: number; items: string; guarded: string }>(
      'SELECT id, created_at, items, guarded FROM delete_plans WHERE id = ?',
    ),
    insertJournal: db
      .prepare<
        [number, number, number, string],
        number
      >('INSERT INTO journal (plan_id, at, dry_run, state) VALUES (?, ?, ?, ?) RETURNING id')
      .pluck(),
    setJournalState: db.prepare<[string, number]>('UPDATE journal SET state = ? WHERE id = ?'),
    runningJournals: db.prepare<[], number>("SELECT id FROM journal WHERE state = 'running'").pluck(),
    failedItems: db
      .prepare<[number], number>('SELECT COUNT(*) FROM journal_items WHERE journal_id = ? AND ok = 0')
      .pluck(),
    insertItem: db.prepare<[number, number, string, Buffer, number, string | null, number, string | null]>(
      'INSERT INTO journal_items (journal_id, file_id, path, path_bytes, bytes, trash_path, ok, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    settleItem: db.prepare<[string | null, number, string | null, number, number]>(
      'UPDATE journal_items SET trash_path = ?, ok = ?, error = ? WHERE journal_id = ? AND file_id = ?',
    ),
    reserveItem: db.prepare<[string, number, number]>(
      'UPDATE journal_items SET trash_path = ? WHERE journal_id = ? AND file_id = ?',
    ),
    item: db.prepare<[number, number], ItemRow>(
      'SELECT file_id, path, path_bytes, bytes, trash_path, ok, error, restored FROM journal_items WHERE journal_id = ? AND file_id = ?',
    ),
    journal: db.prepare<
      [number],
      { id: number; plan_id: number; at: number; dry_run: number; state: string }
    >('SELECT id, plan_id, at, dry_run, state FROM journal WHERE id = ?'),
    journalPage: db
      .prepare<[number, number], number>('SELECT id FROM journal ORDER BY id DESC LIMIT ? OFFSET ?')
      .pluck(),
    items: db.prepare<[number], ItemRow>(
      'SELECT file_id, path, path_bytes, bytes, trash_path, ok, error, restored FROM journal_items WHERE journal_id = ? ORDER BY path',
    ),
    markRestored: db.prepare<[number, number]>(
      'UPDATE journal_items SET restored = 1 WHERE journal_id = ? AND file_id = ?',
    ),
    intentSet: db.prepare<[string, string]>(
      'INSERT INTO engine_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    intentClear: db.prepare<[string]>('DELETE FROM engine_state WHERE key = ?'),
    intents: db
      .prepare<[string, string], string>("SELECT value FROM engine_state WHERE key >= ? AND key < ? || '~'")
      .pluck(),
  };
  return {
    insertPlan: (createdAt, items, guarded) => s.insertPlan.get(createdAt, items, guarded) as number,
    plan(id) {
      const r = s.plan.get(id);
      return r ? { id: r.id, createdAt: r.created_at, items: r.items, guarded: r.guarded } : null;
    },
    insertJournal: (planId, at, dryRun, state) =>
      s.insertJournal.get(planId, at, dryRun ? 1 : 0, state) as number,
    setJournalState: (id, state) => void s.setJournalState.run(state, id),
    runningJournals: () => s.runningJournals.all(),
    failedItems: (journalId) => s.failedItems.get(journalId) ?? 0,
    journal(id) {
      const j = s.journal.get(id);
      return j ? { id: j.id, planId: j.plan_id, at: j.at, dryRun: j.dry_run === 1, state: j.state } : null;
    },
    journalPage: (limit, offset) => s.journalPage.all(limit, offset),
    insertItem: (journalId, i) =>
      void s.insertItem.run(journalId, i.fileId, i.path, i.pathBytes, i.bytes, null, i.ok ? 1 : 0, i.error),
    settleItem: (journalId, fileId, o) =>
      void s.settleItem.run(o.trashPath, o.ok ? 1 : 0, o.error, journalId, fileId),
    reserveItem: (journalId, fileId, trashPath) => void s.reserveItem.run(trashPath, journalId, fileId),
    item(journalId, fileId) {
      const r = s.item.get(journalId, fileId);
      return r ? toItem(r) : null;
    },
    items: (journalId) => s.items.all(journalId).map(toItem),
    markRestored: (journalId, fileId) => void s.markRestored.run(journalId, fileId),
    setIntent: (key, value) => void s.intentSet.run(key, value),
    clearIntent: (key) => void s.intentClear.run(key),
    intents: (prefix) => s.intents.all(prefix, prefix),
    transaction: (fn) => db.transaction(fn)(),
  };
}

export function createTrashReadModel(db: Db): TrashReadModel {
  const s = {
    file: db.prepare<
      [number],
      {
        id: number;
        path: string;
        path_bytes: Buffer;
        size: number;
        mtime_ms: number;
        content_id: number | null;
        state: string;
      }
    >('SELECT id, path, path_bytes, size, mtime_ms, content_id, state FROM files WHERE id = ?'),
    contentSha: db.prepare<[number], Buffer>('SELECT sha256 FROM contents WHERE id = ?').pluck(),
    folderPaths: db.prepare<[], string>('SELECT path FROM folders').pluck(),
    groupOf: db.prepare<[number], { group_id: number; kind: 'exact' | 'near'; keep: number }>(
      `SELECT m.group_id, g.kind, m.keep FROM dup_members m JOIN dup_groups g ON g.id = m.group_id WHERE m.file_id = ?`,
    ),
    groupMembers: db.prepare<[number], { file_id: number; keep: number; path: string }>(
      `SELECT m.file_id, m.keep, f.path FROM dup_members m JOIN files f ON f.id = m.file_id WHERE m.group_id = ? AND f.state = 'ok'`,
    ),
    keeperPath: db
      .prepare<
        [number],
        string
      >(`SELECT f.path FROM dup_members m JOIN files f ON f.id = m.file_id WHERE m.group_id = ? AND m.keep = 1 LIMIT 1`)
      .pluck(),
    nonKeepers: db
      .prepare<
        [],
        number
      >(`SELECT m.file_id FROM dup_members m JOIN files f ON f.id = m.file_id WHERE m.keep = 0 AND f.state = 'ok' ORDER BY m.group_id, f.path`)
      .pluck(),
    // People present in the series this content belongs to.
    seriesPeopleOf: db.prepare<
      [number],
      { series_id: number; person_id: number; title: string; start_at: number | null; person: string }
    >(
      `SELECT sm.series_id, fp.person_id, s.title, s.start_at,
              COALESCE(p.name, 'Person ' || fp.person_id) AS person
       FROM series_members sm
       JOIN series s ON s.id = sm.series_id
       JOIN faces fa ON fa.content_id = sm.content_id
       JOIN face_person fp ON fp.face_id = fa.id
       JOIN people p ON p.id = fp.person_id
       WHERE sm.content_id = ?
       GROUP BY sm.series_id, fp.person_id`,
    ),
    filesShowingPersonInSeries: db
      .prepare<[number, number], number>(
        `SELECT DISTINCT f.id FROM series_members sm
       JOIN faces fa ON fa.content_id = sm.content_id
       JOIN face_person fp ON fp.face_id = fa.id
       JOIN files f ON f.content_id = sm.content_id AND f.state = 'ok'
       WHERE sm.series_id = ? AND fp.person_id = ?`,
      )
      .pluck(),
  };
  return {
    file(id) {
      const r = s.file.get(id);
      return r
        ? {
            id: r.id,
            path: r.path,
            pathBytes: r.path_bytes,
            size: r.size,
            mtimeMs: r.mtime_ms,
            contentId: r.content_id,
            state: r.state,
          }
        : null;
    },
    contentSha: (contentId) => s.contentSha.get(contentId) ?? null,
    folderPaths: () => s.folderPaths.all(),
    groupOf(fileId) {
      const r = s.groupOf.get(fileId);
      return r ? { groupId: r.group_id, kind: r.kind, keep: r.keep === 1 } : null;
    },
    groupMembers: (groupId) =>
      s.groupMembers.all(groupId).map((r) => ({ fileId: r.file_id, keep: r.keep === 1, path: r.path })),
    keeperPath: (groupId) => s.keeperPath.get(groupId) ?? null,
    nonKeepers: () => s.nonKeepers.all(),
    seriesPeopleOf: (contentId) =>
      s.seriesPeopleOf.all(contentId).map((r) => ({
        seriesId: r.series_id,
        personId: r.person_id,
        title: r.title,
        startAt: r.start_at,
        person: r.person,
      })),
    filesShowingPersonInSeries: (seriesId, personId) => s.filesShowingPersonInSeries.all(seriesId, personId),
  };
}
