/**
 * Safe deletion: a selection becomes a plan (count, bytes, a reason per file, guarded files),
 * a plan is executed (dry run or OS trash) into a journal, and a journal entry can be undone.
 * Hard rule: never remove the last copy of a duplicate group, nor the last photo of a person
 * in a series, without an explicit extra confirmation.
 */
import { promises as fs } from 'node:fs';
import type { ApiHandlers } from '../../common/contract/api';
import type { DeletePlan, DeletePlanItem, DeleteReason, GuardReason, JournalEntry, ShotReason } from '../../common/contract/types';
import { englishShotReason } from '../../common/series/best-shot';
import { EngineError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { Db } from '../db/open';
import type { TrashBackend } from './backend';

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
      `SELECT sm.series_id, fp.person_id, s.title,
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
    insertItem: db.prepare<[number, number, string, Buffer, number, string | null, number, string | null]>(
      'INSERT INTO journal_items (journal_id, file_id, path, path_bytes, bytes, trash_path, ok, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    journal: db.prepare<[number]>('SELECT id, plan_id, at, dry_run, state FROM journal WHERE id = ?'),
    journalPage: db.prepare<[number, number]>('SELECT id FROM journal ORDER BY id DESC LIMIT ? OFFSET ?').pluck(),
    items: db.prepare<[number]>('SELECT file_id, path, path_bytes, bytes, trash_path, ok, error, restored FROM journal_items WHERE journal_id = ? ORDER BY path'),
    markRestored: db.prepare<[number, number]>('UPDATE journal_items SET restored = 1 WHERE journal_id = ? AND file_id = ?'),
    setFileState: db.prepare<[string, number]>('UPDATE files SET state = ? WHERE id = ?'),
  };

  function reasonFor(file: FileInfo, explicit: DeleteReason | null): DeleteReason {
    if (explicit) return explicit;
    const g = q.groupOf.get(file.id) as { group_id: number; kind: 'exact' | 'near'; keep: number } | undefined;
    if (g && g.keep === 0) {
      const keeper = q.keeperPath.get(g.group_id) as string | undefined;
      return { key: 'delete.duplicate', params: { kind: g.kind, keeper: keeper ?? null, group: g.group_id } };
    }
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
      for (const sp of q.seriesPeopleOf.all(file.content_id) as Array<{ series_id: number; person_id: number; title: string; person: string }>) {
        const key = `${sp.series_id}:${sp.person_id}`;
        if (seenPairs.has(key)) continue;
        seenPairs.add(key);
        const showing = q.filesShowingPersonInSeries.all(sp.series_id, sp.person_id) as number[];
        if (showing.length > 0 && showing.every((id) => selected.has(id))) {
          const keep = showing.find((id) => !guarded.has(id)) ?? showing[0];
          if (keep !== undefined && !guarded.has(keep)) guarded.set(keep, { key: 'guard.lastOfPerson', params: { person: sp.person, series: sp.title } });
        }
      }
    }
    return guarded;
  }

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
      const items: DeletePlanItem[] = [];
      const guarded: DeletePlan['guarded'] = [];
      for (const f of selected.values()) {
        const guard = guardedMap.get(f.id);
        if (guard) guarded.push({ photoId: f.id, path: f.path, why: englishGuardReason(guard), because: guard });
        else {
          const because = reasonFor(f, reasons.get(f.id) ?? null);
          items.push({ photoId: f.id, path: f.path, bytes: f.size, reason: englishDeleteReason(because), because });
        }
      }
      const createdAt = Date.now();
      const id = (q.insertPlan.get(createdAt, JSON.stringify(items), JSON.stringify(guarded)) as { id: number }).id;
      return Promise.resolve({ id, createdAt, items, guarded, totalBytes: items.reduce((s, i) => s + i.bytes, 0) });
    },

    execute: async ({ planId, dryRun, confirmGuarded }) => {
      const plan = q.plan.get(planId) as { id: number; items: string; guarded: string } | undefined;
      if (!plan) throw new EngineError('NOT_FOUND', `No delete plan ${planId}`);
      const items = JSON.parse(plan.items) as DeletePlanItem[];
      const guarded = JSON.parse(plan.guarded) as DeletePlan['guarded'];
      const targets = [...items.map((i) => i.photoId), ...(confirmGuarded ? guarded.map((g) => g.photoId) : [])];
      if (targets.length === 0) throw new EngineError('UNSAFE_DELETE', 'Every file in this plan is protected; confirm explicitly to remove them');
      const journalId = (q.insertJournal.get(planId, Date.now(), dryRun ? 1 : 0, dryRun ? 'dry-run' : 'running') as { id: number }).id;
      let failures = 0;
      for (const id of targets) {
        const f = q.file.get(id) as FileInfo | undefined;
        if (!f) continue;
        let error: string | null = null;
        let trashPath: string | null = null;
        try {
          const st = await fs.stat(f.path_bytes);
          if (f.state !== 'ok') error = `not in the library any more (${f.state})`;
          else if (st.size !== f.size) error = 'the file changed since the scan; rescan before deleting';
          else if (!dryRun) trashPath = (await backend.trash(f.path_bytes)).trashPath;
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        if (error) failures++;
        db.transaction(() => {
          q.insertItem.run(journalId, f.id, f.path, f.path_bytes, f.size, trashPath, error ? 0 : 1, error);
          if (!dryRun && !error) q.setFileState.run('trashed', f.id);
        })();
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
      for (const r of rows) {
        if (r.ok !== 1 || r.restored === 1) continue;
        if (r.trash_path === null) {
          problems.push(`${r.path_bytes.toString('utf8')}: restore it from the system trash`);
          continue;
        }
        try {
          await backend.restore(r.trash_path, r.path_bytes);
          db.transaction(() => {
            q.markRestored.run(journalId, r.file_id);
            q.setFileState.run('ok', r.file_id);
          })();
        } catch (e) {
          problems.push(`${r.path_bytes.toString('utf8')}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      q.setJournalState.run(problems.length === 0 ? 'undone' : 'partial', journalId);
      deps.afterChange('undo');
      if (problems.length > 0) throw new EngineError('IO', `Some files could not be restored: ${problems.join('; ')}`, { problems });
      return loadEntry(journalId);
    },

    journal: ({ offset, limit }) => Promise.resolve((q.journalPage.all(limit, offset) as number[]).map(loadEntry)),
  };

  return { handlers };
}
