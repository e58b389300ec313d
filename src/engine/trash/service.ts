/**
 * Safe deletion: a selection becomes a plan (count, bytes, a reason per file, guarded files),
 * a plan is executed (dry run or OS trash) into a journal, and a journal entry can be undone.
 * Hard rule: never remove the last copy of a duplicate group, nor the last photo of a person
 * in a series, without an explicit extra confirmation.
 *
 * A plan can be old by the time it runs (other plans ran, files were edited or deleted outside
 * Sift), so execute re-checks everything on disk, per file, just before the move: the file is
 * inside the library, holds the planned bytes, and another copy of it holds its bytes too.
 * Every move and every restore is announced in the database (an intent) before it happens, and
 * intents left by a crash are settled on the next start by looking at both places.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ApiHandlers } from '../../common/contract/api';
import type { DeletePlan, DeletePlanItem, DeleteReason, GuardReason, JournalEntry, ShotReason } from '../../common/contract/types';
import { englishShotReason } from '../../common/series/best-shot';
import { EngineError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { Db } from '../db/open';
import type { TrashBackend } from './backend';
import { hashFile, holdsContent, locateInLibrary, realRoots } from './safety';

export interface RedundantShotSource {
  (): Array<{ fileId: number; why: ShotReason[] }>;
}

/** A delete reason in English (what the CLI and older plans show). */
export function englishDeleteReason(r: DeleteReason): string {
  switch (r.key) {
    case 'delete.duplicate':
      return `${r.params.kind} duplicate of ${r.params.keeper ?? 'the kept copy'} (group ${r.params.group})`;
    case 'delete.redundantShot':
      return r.params.why.map(englishShotReason).join('; ');
    case 'delete.selected':
      return 'selected by you';
    case 'text':
      return r.params.text;
  }
}

export function englishGuardReason(r: GuardReason): string {
  switch (r.key) {
    case 'guard.lastCopy':
      return `last copy of duplicate group ${r.params.group}: every other copy is in this plan`;
    case 'guard.lastOfPerson':
      return `last photo of ${r.params.person} in series "${r.params.series}"`;
    case 'text':
      return r.params.text;
  }
}

interface FileInfo {
  id: number;
  path: string;
  path_bytes: Buffer;
  size: number;
  mtime_ms: number;
  content_id: number | null;
  state: string;
}

/** What a stored plan keeps per file besides the public item: the facts execute re-checks. */
interface PlannedFacts {
  /** SHA-256 (hex) of the content when planned; execute moves only these exact bytes. */
  sha?: string;
  /** The duplicate group when planned, and the other files in it (survivor candidates). */
  group?: number;
  copies?: number[];
}
type StoredItem = DeletePlanItem & PlannedFacts;
type StoredGuarded = DeletePlan['guarded'][number] & PlannedFacts;

/** An announced move or restore, kept until its outcome is written (engine_state, key per item). */
interface Intent {
  op: 'trash' | 'restore';
  journalId: number;
  fileId: number;
  sha: string;
  trashPath: string | null;
}
const INTENT_PREFIX = 'trash-intent:';
const intentKey = (journalId: number, fileId: number): string => `${INTENT_PREFIX}${journalId}:${fileId}`;
const INTERRUPTED_MOVE = 'interrupted while moving to the trash (settled at the next start)';

export function createTrashService(deps: {
  db: Db;
  backend: TrashBackend;
  logger: Logger;
  redundantShots?: RedundantShotSource;
  afterChange: (reason: 'trash' | 'undo') => void;
}) {
  const { db, backend, logger } = deps;
  const q = {
    file: db.prepare<[number]>('SELECT id, path, path_bytes, size, mtime_ms, content_id, state FROM files WHERE id = ?'),
    contentSha: db.prepare<[number]>('SELECT sha256 FROM contents WHERE id = ?').pluck(),
    folderPaths: db.prepare('SELECT path FROM folders').pluck(),
    groupOf: db.prepare<[number]>(
      `SELECT m.group_id, g.kind, m.keep FROM dup_members m JOIN dup_groups g ON g.id = m.group_id WHERE m.file_id = ?`,
    ),
    groupMembers: db.prepare<[number]>(
      `SELECT m.file_id, m.keep, f.path FROM dup_members m JOIN files f ON f.id = m.file_id WHERE m.group_id = ? AND f.state = 'ok'`,
    ),
    keeperPath: db.prepare<[number]>(`SELECT f.path FROM dup_members m JOIN files f ON f.id = m.file_id WHERE m.group_id = ? AND m.keep = 1 LIMIT 1`).pluck(),
    nonKeepers: db.prepare(
      `SELECT m.file_id FROM dup_members m JOIN files f ON f.id = m.file_id WHERE m.keep = 0 AND f.state = 'ok' ORDER BY m.group_id, f.path`,
    ).pluck(),
    // People present in the series this content belongs to, with how many live files of that series show them.
    seriesPeopleOf: db.prepare<[number]>(
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
    filesShowingPersonInSeries: db.prepare<[number, number]>(
      `SELECT DISTINCT f.id FROM series_members sm
       JOIN faces fa ON fa.content_id = sm.content_id
       JOIN face_person fp ON fp.face_id = fa.id
       JOIN files f ON f.content_id = sm.content_id AND f.state = 'ok'
       WHERE sm.series_id = ? AND fp.person_id = ?`,
    ).pluck(),
    insertPlan: db.prepare<[number, string, string]>('INSERT INTO delete_plans (created_at, items, guarded) VALUES (?, ?, ?) RETURNING id'),
    plan: db.prepare<[number]>('SELECT id, created_at, items, guarded FROM delete_plans WHERE id = ?'),
    insertJournal: db.prepare<[number, number, number, string]>('INSERT INTO journal (plan_id, at, dry_run, state) VALUES (?, ?, ?, ?) RETURNING id'),
    setJournalState: db.prepare<[string, number]>('UPDATE journal SET state = ? WHERE id = ?'),
    runningJournals: db.prepare("SELECT id FROM journal WHERE state = 'running'").pluck(),
    failedItems: db.prepare<[number]>('SELECT COUNT(*) FROM journal_items WHERE journal_id = ? AND ok = 0').pluck(),
    insertItem: db.prepare<[number, number, string, Buffer, number, string | null, number, string | null]>(
      'INSERT INTO journal_items (journal_id, file_id, path, path_bytes, bytes, trash_path, ok, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    settleItem: db.prepare<[string | null, number, string | null, number, number]>(
      'UPDATE journal_items SET trash_path = ?, ok = ?, error = ? WHERE journal_id = ? AND file_id = ?',
    ),
    reserveItem: db.prepare<[string, number, number]>('UPDATE journal_items SET trash_path = ? WHERE journal_id = ? AND file_id = ?'),
    item: db.prepare<[number, number]>('SELECT file_id, path_bytes, trash_path, ok, restored FROM journal_items WHERE journal_id = ? AND file_id = ?'),
    journal: db.prepare<[number]>('SELECT id, plan_id, at, dry_run, state FROM journal WHERE id = ?'),
    journalPage: db.prepare<[number, number]>('SELECT id FROM journal ORDER BY id DESC LIMIT ? OFFSET ?').pluck(),
    items: db.prepare<[number]>('SELECT file_id, path, path_bytes, bytes, trash_path, ok, error, restored FROM journal_items WHERE journal_id = ? ORDER BY path'),
    markRestored: db.prepare<[number, number]>('UPDATE journal_items SET restored = 1 WHERE journal_id = ? AND file_id = ?'),
    setFileState: db.prepare<[string, number]>('UPDATE files SET state = ? WHERE id = ?'),
    intentSet: db.prepare<[string, string]>('INSERT INTO engine_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    intentClear: db.prepare<[string]>('DELETE FROM engine_state WHERE key = ?'),
    intents: db.prepare<[string, string]>("SELECT value FROM engine_state WHERE key >= ? AND key < ? || '~'").pluck(),
  };

  const writeIntent = (intent: Intent): void => void q.intentSet.run(intentKey(intent.journalId, intent.fileId), JSON.stringify(intent));
  const clearIntent = (journalId: number, fileId: number): void => void q.intentClear.run(intentKey(journalId, fileId));

  function reasonFor(file: FileInfo, explicit: DeleteReason | null, redundant: () => ReadonlyMap<number, ShotReason[]>): DeleteReason {
    if (explicit) return explicit;
    const g = q.groupOf.get(file.id) as { group_id: number; kind: 'exact' | 'near'; keep: number } | undefined;
    if (g && g.keep === 0) {
      const keeper = q.keeperPath.get(g.group_id) as string | undefined;
      return { key: 'delete.duplicate', params: { kind: g.kind, keeper: keeper ?? null, group: g.group_id } };
    }
    // A shot the series found redundant says so, however it got into the selection.
    const why = redundant().get(file.id);
    if (why) return { key: 'delete.redundantShot', params: { why } };
    return { key: 'delete.selected', params: {} };
  }

  /** Finds the files whose removal would break a hard rule; each gets a human reason. */
  function findGuarded(selected: Map<number, FileInfo>): Map<number, GuardReason> {
    const guarded = new Map<number, GuardReason>();
    const seenGroups = new Set<number>();
    for (const file of selected.values()) {
      const g = q.groupOf.get(file.id) as { group_id: number; kind: string; keep: number } | undefined;
      if (!g || seenGroups.has(g.group_id)) continue;
      seenGroups.add(g.group_id);
      const members = q.groupMembers.all(g.group_id) as Array<{ file_id: number; keep: number; path: string }>;
      const survivors = members.filter((m) => !selected.has(m.file_id));
      if (survivors.length === 0 && members.length > 0) {
        const last = members.find((m) => m.keep === 1) ?? members[0];
        if (last) guarded.set(last.file_id, { key: 'guard.lastCopy', params: { group: g.group_id } });
      }
    }
    const seenPairs = new Set<string>();
    for (const file of selected.values()) {
      if (file.content_id === null) continue;
      for (const sp of q.seriesPeopleOf.all(file.content_id) as Array<{ series_id: number; person_id: number; title: string; start_at: number | null; person: string }>) {
        const key = `${sp.series_id}:${sp.person_id}`;
        if (seenPairs.has(key)) continue;
        seenPairs.add(key);
        const showing = q.filesShowingPersonInSeries.all(sp.series_id, sp.person_id) as number[];
        if (showing.length > 0 && showing.every((id) => selected.has(id))) {
          const keep = showing.find((id) => !guarded.has(id)) ?? showing[0];
          if (keep !== undefined && !guarded.has(keep))
            guarded.set(keep, {
              key: 'guard.lastOfPerson',
              // Ids and the start beside the (stored, possibly stale) title: a UI words them with today's names.
              params: { person: sp.person, series: sp.title, personId: sp.person_id, seriesId: sp.series_id, seriesStart: sp.start_at },
            });
        }
      }
    }
    return guarded;
  }

  /** The facts a plan stores for a file so that execute can re-check them later. */
  function plannedFacts(file: FileInfo): PlannedFacts {
    const sha = file.content_id === null ? undefined : (q.contentSha.get(file.content_id) as Buffer | undefined);
    const g = q.groupOf.get(file.id) as { group_id: number } | undefined;
    const copies = g ? (q.groupMembers.all(g.group_id) as Array<{ file_id: number }>).map((m) => m.file_id).filter((id) => id !== file.id) : undefined;
    return { ...(sha ? { sha: sha.toString('hex') } : {}), ...(g ? { group: g.group_id, copies } : {}) };
  }

  /** The file ids in the same duplicate group as `fileId`, as planned and as the library has it now. */
  function copiesOf(fileId: number, planned: PlannedFacts): Set<number> {
    const ids = new Set(planned.copies ?? []);
    const g = q.groupOf.get(fileId) as { group_id: number } | undefined;
    if (g) for (const m of q.groupMembers.all(g.group_id) as Array<{ file_id: number }>) ids.add(m.file_id);
    ids.delete(fileId);
    return ids;
  }

  const contentShaOf = (f: FileInfo): Buffer | null => (f.content_id === null ? null : ((q.contentSha.get(f.content_id) as Buffer | undefined) ?? null));

  function loadEntry(id: number): JournalEntry {
    const j = q.journal.get(id) as { id: number; plan_id: number; at: number; dry_run: number; state: string } | undefined;
    if (!j) throw new EngineError('NOT_FOUND', `No journal entry ${id}`);
    const items = (q.items.all(id) as Array<{ file_id: number; path: string; bytes: number; trash_path: string | null; ok: number; error: string | null }>).map((r) => ({
      photoId: r.file_id,
      path: r.path,
      bytes: r.bytes,
      trashPath: r.trash_path === null ? null : Buffer.from(r.trash_path, 'latin1').toString('utf8'),
      ok: r.ok === 1,
      error: r.error,
    }));
    return {
      id: j.id,
      planId: j.plan_id,
      at: j.at,
      dryRun: j.dry_run === 1,
      state: (j.state === 'running' ? 'partial' : j.state) as JournalEntry['state'],
      items,
      totalBytes: items.filter((i) => i.ok).reduce((s, i) => s + i.bytes, 0),
    };
  }

  /** The content hash the journal expects for an item: planned, else the library's. */
  function expectedSha(planId: number, fileId: number): Buffer | null {
    const plan = q.plan.get(planId) as { items: string; guarded: string } | undefined;
    if (plan) {
      const all = [...(JSON.parse(plan.items) as StoredItem[]), ...(JSON.parse(plan.guarded) as StoredGuarded[])];
      const sha = all.find((i) => i.photoId === fileId)?.sha;
      if (sha) return Buffer.from(sha, 'hex');
    }
    const f = q.file.get(fileId) as FileInfo | undefined;
    return f ? contentShaOf(f) : null;
  }

  async function sameContent(file: Buffer, sha: Buffer): Promise<boolean> {
    try {
      return (await hashFile(file)).equals(sha);
    } catch {
      return false;
    }
  }

  function finishJournal(journalId: number): void {
    q.setJournalState.run((q.failedItems.get(journalId) as number) === 0 ? 'done' : 'partial', journalId);
  }

  /**
   * Settles what a crash left half done: for each intent, looks where the file is (original place,
   * trash) and writes the outcome. Runs once when the engine starts, before any RPC.
   */
  async function recover(): Promise<{ settled: number }> {
    const intents = (q.intents.all(INTENT_PREFIX, INTENT_PREFIX) as string[]).map((v) => JSON.parse(v) as Intent);
    for (const intent of intents) {
      const row = q.item.get(intent.journalId, intent.fileId) as { file_id: number; path_bytes: Buffer; trash_path: string | null; ok: number; restored: number } | undefined;
      const sha = Buffer.from(intent.sha, 'hex');
      const trashPath = intent.trashPath ?? row?.trash_path ?? null;
      const inTrash = trashPath !== null && (await sameContent(Buffer.from(trashPath, 'latin1'), sha));
      const inPlace = row !== undefined && (await sameContent(row.path_bytes, sha));
      if (!row) {
        clearIntent(intent.journalId, intent.fileId);
        continue;
      }
      if (intent.op === 'trash') {
        db.transaction(() => {
          if (inPlace) {
            q.settleItem.run(null, 0, 'interrupted before the move; the file was left in place', intent.journalId, intent.fileId);
          } else if (inTrash) {
            q.settleItem.run(trashPath, 1, null, intent.journalId, intent.fileId);
            q.setFileState.run('trashed', intent.fileId);
          } else {
            // Moved by a backend that does not say where (the OS trash), or gone: undo points to the system trash.
            q.settleItem.run(null, 1, null, intent.journalId, intent.fileId);
            q.setFileState.run('trashed', intent.fileId);
          }
          clearIntent(intent.journalId, intent.fileId);
        })();
        if (inPlace && trashPath !== null && !inTrash) await removeTrashInfo(trashPath);
      } else {
        db.transaction(() => {
          if (inPlace) {
            q.markRestored.run(intent.journalId, intent.fileId);
            q.setFileState.run('ok', intent.fileId);
          }
          clearIntent(intent.journalId, intent.fileId);
        })();
        if (inPlace && trashPath !== null && !inTrash) await removeTrashInfo(trashPath);
      }
      logger.warn('settled an interrupted deletion step', { op: intent.op, journal: intent.journalId, file: intent.fileId, inPlace, inTrash });
    }
    for (const id of q.runningJournals.all() as number[]) finishJournal(id);
    return { settled: intents.length };
  }

  /** A `.trashinfo` whose file never arrived (or was restored) describes nothing: remove it. */
  async function removeTrashInfo(trashPath: string): Promise<void> {
    const filesDir = path.dirname(trashPath);
    if (path.basename(filesDir) !== 'files') return;
    const info = path.join(path.dirname(filesDir), 'info', `${path.basename(trashPath)}.trashinfo`);
    await fs.rm(Buffer.from(info, 'latin1'), { force: true }).catch(() => undefined);
  }

  /**
   * Whether `file` may go now: it is in the library, holds the planned bytes, and (unless its group
   * was explicitly given up) another copy outside this run's remaining targets holds its own bytes.
   * Returns the entry to move and its hash, or why not.
   */
  async function checkBeforeMove(
    f: FileInfo,
    planned: PlannedFacts,
    roots: Buffer[],
    pending: Set<number>,
    lastCopyAllowed: boolean,
  ): Promise<{ ok: true; entry: Buffer; sha: Buffer } | { ok: false; why: string }> {
    if (f.state !== 'ok') return { ok: false, why: `not in the library any more (${f.state})` };
    const sha = planned.sha ? Buffer.from(planned.sha, 'hex') : contentShaOf(f);
    if (!sha) return { ok: false, why: 'the library has no content hash for this file; rescan before deleting' };
    const at = await locateInLibrary(f.path_bytes, roots);
    if (!at.ok) return at;
    let actual: Buffer;
    try {
      actual = await hashFile(at.entry);
    } catch (error) {
      return { ok: false, why: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
    }
    if (!actual.equals(sha)) return { ok: false, why: 'the file changed since the scan (its content is not what was planned); rescan before deleting' };
    if (lastCopyAllowed) return { ok: true, entry: at.entry, sha };
    const copies = copiesOf(f.id, planned);
    if (copies.size === 0) return { ok: true, entry: at.entry, sha };
    for (const id of copies) {
      if (pending.has(id)) continue;
      const other = q.file.get(id) as FileInfo | undefined;
      const otherSha = other ? contentShaOf(other) : null;
      if (!other || other.state !== 'ok' || !otherSha) continue;
      const there = await holdsContent(other.path_bytes, roots, otherSha);
      if (there.ok && !there.entry.equals(at.entry)) return { ok: true, entry: at.entry, sha };
    }
    return { ok: false, why: 'no other copy of this photo is left on disk with its expected content; refusing to delete the last copy' };
  }

  const handlers: ApiHandlers['trash'] = {
    plan: ({ photoIds, suggestedDuplicates, redundantShots, reason }) => {
      const reasons = new Map<number, DeleteReason | null>();
      for (const id of photoIds ?? []) reasons.set(id, reason ? { key: 'text', params: { text: reason } } : null);
      if (suggestedDuplicates) for (const id of q.nonKeepers.all() as number[]) if (!reasons.has(id)) reasons.set(id, null);
      if (redundantShots) {
        if (!deps.redundantShots) throw new EngineError('UNSUPPORTED', 'Redundant shots are not available yet: run a scan with recognition first');
        for (const r of deps.redundantShots()) if (!reasons.has(r.fileId)) reasons.set(r.fileId, { key: 'delete.redundantShot', params: { why: r.why } });
      }
      if (reasons.size === 0) throw new EngineError('INVALID_ARGUMENT', 'The selection is empty: nothing to delete');
      const selected = new Map<number, FileInfo>();
      for (const id of reasons.keys()) {
        const f = q.file.get(id) as FileInfo | undefined;
        if (!f) throw new EngineError('NOT_FOUND', `No photo ${id}`);
        if (f.state !== 'ok') throw new EngineError('CONFLICT', `Photo ${f.path} is not in the library any more (${f.state})`);
        selected.set(id, f);
      }
      const guardedMap = findGuarded(selected);
      let redundantMap: ReadonlyMap<number, ShotReason[]> | null = null;
      const redundantOnce = (): ReadonlyMap<number, ShotReason[]> =>
        (redundantMap ??= new Map((deps.redundantShots?.() ?? []).map((r) => [r.fileId, r.why])));
      const items: StoredItem[] = [];
      const guarded: StoredGuarded[] = [];
      for (const f of selected.values()) {
        const guard = guardedMap.get(f.id);
        if (guard) guarded.push({ photoId: f.id, path: f.path, bytes: f.size, why: englishGuardReason(guard), because: guard, ...plannedFacts(f) });
        else {
          const because = reasonFor(f, reasons.get(f.id) ?? null, redundantOnce);
          items.push({ photoId: f.id, path: f.path, bytes: f.size, reason: englishDeleteReason(because), because, ...plannedFacts(f) });
        }
      }
      const createdAt = Date.now();
      const id = (q.insertPlan.get(createdAt, JSON.stringify(items), JSON.stringify(guarded)) as { id: number }).id;
      const publicItems: DeletePlanItem[] = items.map(({ photoId, path: p, bytes, reason: r, because }) => ({ photoId, path: p, bytes, reason: r, because }));
      const publicGuarded: DeletePlan['guarded'] = guarded.map(({ photoId, path: p, bytes, why, because }) => ({ photoId, path: p, bytes, why, because }));
      return Promise.resolve({ id, createdAt, items: publicItems, guarded: publicGuarded, totalBytes: items.reduce((s, i) => s + i.bytes, 0) });
    },

    execute: async ({ planId, dryRun, confirmGuarded }) => {
      const plan = q.plan.get(planId) as { id: number; items: string; guarded: string } | undefined;
      if (!plan) throw new EngineError('NOT_FOUND', `No delete plan ${planId}`);
      const items = JSON.parse(plan.items) as StoredItem[];
      const guarded = JSON.parse(plan.guarded) as StoredGuarded[];
      const targets: Array<PlannedFacts & { photoId: number }> = [...items, ...(confirmGuarded ? guarded : [])];
      if (targets.length === 0) throw new EngineError('UNSAFE_DELETE', 'Every file in this plan is protected; confirm explicitly to remove them');
      // Groups whose last copy the user explicitly agreed to remove: no survivor is required there.
      const givenUp = new Set(confirmGuarded ? guarded.filter((g) => g.because.key === 'guard.lastCopy' && g.group !== undefined).map((g) => g.group as number) : []);
      const roots = await realRoots(q.folderPaths.all() as string[]);
      const pending = new Set(targets.map((t) => t.photoId));
      const journalId = (q.insertJournal.get(planId, Date.now(), dryRun ? 1 : 0, dryRun ? 'dry-run' : 'running') as { id: number }).id;
      let failures = 0;
      for (const target of targets) {
        const f = q.file.get(target.photoId) as FileInfo | undefined;
        if (!f) {
          pending.delete(target.photoId);
          continue;
        }
        const check = await checkBeforeMove(f, target, roots, pending, target.group !== undefined && givenUp.has(target.group));
        // Removed only after its check: a file still to go never counts as a surviving copy.
        pending.delete(f.id);
        if (!check.ok || dryRun) {
          const error = check.ok ? null : check.why;
          if (error) failures++;
          q.insertItem.run(journalId, f.id, f.path, f.path_bytes, f.size, null, error ? 0 : 1, error);
          continue;
        }
        // The intent and a provisional journal row come first: a crash from here on is settled at start.
        db.transaction(() => {
          q.insertItem.run(journalId, f.id, f.path, f.path_bytes, f.size, null, 0, INTERRUPTED_MOVE);
          writeIntent({ op: 'trash', journalId, fileId: f.id, sha: check.sha.toString('hex'), trashPath: null });
        })();
        try {
          const { trashPath } = await backend.trash(check.entry, (reserved) => {
            db.transaction(() => {
              q.reserveItem.run(reserved, journalId, f.id);
              writeIntent({ op: 'trash', journalId, fileId: f.id, sha: check.sha.toString('hex'), trashPath: reserved });
            })();
          });
          db.transaction(() => {
            q.settleItem.run(trashPath, 1, null, journalId, f.id);
            q.setFileState.run('trashed', f.id);
            clearIntent(journalId, f.id);
          })();
        } catch (e) {
          failures++;
          db.transaction(() => {
            q.settleItem.run(null, 0, e instanceof Error ? e.message : String(e), journalId, f.id);
            clearIntent(journalId, f.id);
          })();
        }
      }
      if (!dryRun) q.setJournalState.run(failures === 0 ? 'done' : 'partial', journalId);
      logger.info('delete plan executed', { planId, journalId, dryRun, files: targets.length, failures, backend: backend.name });
      if (!dryRun) deps.afterChange('trash');
      return loadEntry(journalId);
    },

    undo: async ({ journalId }) => {
      const entry = loadEntry(journalId);
      if (entry.dryRun) throw new EngineError('CONFLICT', 'A dry run deleted nothing; there is nothing to undo');
      if (entry.state === 'undone') throw new EngineError('CONFLICT', 'This deletion was already undone');
      const rows = q.items.all(journalId) as Array<{ file_id: number; path_bytes: Buffer; trash_path: string | null; ok: number; restored: number }>;
      const problems: string[] = [];
      const markRestored = (fileId: number): void =>
        db.transaction(() => {
          q.markRestored.run(journalId, fileId);
          q.setFileState.run('ok', fileId);
          clearIntent(journalId, fileId);
        })();
      for (const r of rows) {
        if (r.ok !== 1 || r.restored === 1) continue;
        const shown = r.path_bytes.toString('utf8');
        const sha = expectedSha(entry.planId, r.file_id);
        // Already back (restored by hand, or an undo cut short after the move): identical bytes count as restored.
        if (sha && (await sameContent(r.path_bytes, sha))) {
          markRestored(r.file_id);
          continue;
        }
        if (r.trash_path === null) {
          problems.push(`${shown}: restore it from the system trash`);
          continue;
        }
        const from = Buffer.from(r.trash_path, 'latin1');
        // Only the deleted photo goes back: a trash entry with other bytes (replaced by someone) stays where it is.
        if (sha && !(await sameContent(from, sha))) {
          problems.push(`${shown}: the trash entry is gone or does not hold the deleted photo any more`);
          continue;
        }
        try {
          if (sha) writeIntent({ op: 'restore', journalId, fileId: r.file_id, sha: sha.toString('hex'), trashPath: r.trash_path });
          await backend.restore(r.trash_path, r.path_bytes);
          markRestored(r.file_id);
        } catch (e) {
          clearIntent(journalId, r.file_id);
          problems.push(`${shown}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      q.setJournalState.run(problems.length === 0 ? 'undone' : 'partial', journalId);
      deps.afterChange('undo');
      if (problems.length > 0) throw new EngineError('IO', `Some files could not be restored: ${problems.join('; ')}`, { problems });
      return loadEntry(journalId);
    },

    journal: ({ offset, limit }) => Promise.resolve((q.journalPage.all(limit, offset) as number[]).map(loadEntry)),
  };

  return { handlers, recover };
}
