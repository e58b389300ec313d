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
import type {
  DeletePlan,
  DeletePlanItem,
  DeleteReason,
  GuardReason,
  JournalEntry,
  ShotReason,
} from '../../common/contract/types';
import { englishShotReason } from '../../common/series/best-shot';
import { EngineError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { settle } from '../async';
import type { LibraryRepository } from '../library/repository';
import type { TrashBackend } from './backend';
import type { LibraryFile, SeriesPerson, TrashReadModel, TrashRepository } from './repository';
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

/**
 * "The last photo of this person in this series", at plan time and at execute time alike. Ids and the
 * start beside the (stored, possibly stale) title: a UI words them with today's names.
 */
function lastOfPerson(sp: SeriesPerson): GuardReason {
  return {
    key: 'guard.lastOfPerson',
    params: {
      person: sp.person,
      series: sp.title,
      personId: sp.personId,
      seriesId: sp.seriesId,
      seriesStart: sp.startAt,
    },
  };
}

export function createTrashService(deps: {
  repo: TrashRepository;
  read: TrashReadModel;
  /** File states are the library's: trashed and restored files are marked through it. */
  library: Pick<LibraryRepository, 'setFileState'>;
  backend: TrashBackend;
  logger: Logger;
  redundantShots: RedundantShotSource;
  afterChange: (reason: 'trash' | 'undo') => void;
}) {
  const { repo, read, library, backend, logger } = deps;

  const writeIntent = (intent: Intent): void =>
    repo.setIntent(intentKey(intent.journalId, intent.fileId), JSON.stringify(intent));
  const clearIntent = (journalId: number, fileId: number): void =>
    repo.clearIntent(intentKey(journalId, fileId));

  function reasonFor(
    file: LibraryFile,
    explicit: DeleteReason | null,
    redundant: () => ReadonlyMap<number, ShotReason[]>,
  ): DeleteReason {
    if (explicit) return explicit;
    const g = read.groupOf(file.id);
    if (g && !g.keep)
      return {
        key: 'delete.duplicate',
        params: { kind: g.kind, keeper: read.keeperPath(g.groupId), group: g.groupId },
      };
    // A shot the series found redundant says so, however it got into the selection.
    const why = redundant().get(file.id);
    if (why) return { key: 'delete.redundantShot', params: { why } };
    return { key: 'delete.selected', params: {} };
  }

  /** Finds the files whose removal would break a hard rule; each gets a human reason. */
  function findGuarded(selected: Map<number, LibraryFile>): Map<number, GuardReason> {
    const guarded = new Map<number, GuardReason>();
    const seenGroups = new Set<number>();
    for (const file of selected.values()) {
      const g = read.groupOf(file.id);
      if (!g || seenGroups.has(g.groupId)) continue;
      seenGroups.add(g.groupId);
      const members = read.groupMembers(g.groupId);
      const survivors = members.filter((m) => !selected.has(m.fileId));
      if (survivors.length === 0 && members.length > 0) {
        const last = members.find((m) => m.keep) ?? members[0];
        if (last) guarded.set(last.fileId, { key: 'guard.lastCopy', params: { group: g.groupId } });
      }
    }
    const seenPairs = new Set<string>();
    for (const file of selected.values()) {
      if (file.contentId === null) continue;
      for (const sp of read.seriesPeopleOf(file.contentId)) {
        const key = `${sp.seriesId}:${sp.personId}`;
        if (seenPairs.has(key)) continue;
        seenPairs.add(key);
        const showing = read.filesShowingPersonInSeries(sp.seriesId, sp.personId);
        if (showing.length > 0 && showing.every((id) => selected.has(id))) {
          const keep = showing.find((id) => !guarded.has(id)) ?? showing[0];
          if (keep !== undefined && !guarded.has(keep)) guarded.set(keep, lastOfPerson(sp));
        }
      }
    }
    return guarded;
  }

  /**
   * The person-in-series rule at the moment of deletion: the plan checked it against the library of
   * its time, but other plans may have run since. A file is the last photo of a person in a series
   * when no other live photo of that series shows them outside this run's remaining targets.
   */
  function lastPhotoOfPersonNow(
    file: LibraryFile,
    pending: ReadonlySet<number>,
    givenUp: ReadonlySet<string>,
  ): GuardReason | null {
    if (file.contentId === null) return null;
    for (const sp of read.seriesPeopleOf(file.contentId)) {
      if (givenUp.has(`${sp.seriesId}:${sp.personId}`)) continue;
      const others = read
        .filesShowingPersonInSeries(sp.seriesId, sp.personId)
        .filter((id) => id !== file.id && !pending.has(id));
      if (others.length === 0) return lastOfPerson(sp);
    }
    return null;
  }

  /** The facts a plan stores for a file so that execute can re-check them later. */
  function plannedFacts(file: LibraryFile): PlannedFacts {
    const sha = contentShaOf(file);
    const g = read.groupOf(file.id);
    const copies = g
      ? read
          .groupMembers(g.groupId)
          .map((m) => m.fileId)
          .filter((id) => id !== file.id)
      : undefined;
    return { ...(sha ? { sha: sha.toString('hex') } : {}), ...(g ? { group: g.groupId, copies } : {}) };
  }

  /** The file ids in the same duplicate group as `fileId`, as planned and as the library has it now. */
  function copiesOf(fileId: number, planned: PlannedFacts): Set<number> {
    const ids = new Set(planned.copies ?? []);
    const g = read.groupOf(fileId);
    if (g) for (const m of read.groupMembers(g.groupId)) ids.add(m.fileId);
    ids.delete(fileId);
    return ids;
  }

  const contentShaOf = (f: LibraryFile): Buffer | null =>
    f.contentId === null ? null : read.contentSha(f.contentId);

  function loadEntry(id: number): JournalEntry {
    const j = repo.journal(id);
    if (!j) throw new EngineError('NOT_FOUND', `No journal entry ${id}`);
    const items = repo.items(id).map((r) => ({
      photoId: r.fileId,
      path: r.path,
      bytes: r.bytes,
      trashPath: r.trashPath === null ? null : Buffer.from(r.trashPath, 'latin1').toString('utf8'),
      ok: r.ok,
      error: r.error,
    }));
    return {
      id: j.id,
      planId: j.planId,
      at: j.at,
      dryRun: j.dryRun,
      state: (j.state === 'running' ? 'partial' : j.state) as JournalEntry['state'],
      items,
      totalBytes: items.filter((i) => i.ok).reduce((s, i) => s + i.bytes, 0),
    };
  }

  /** The content hash the journal expects for an item: planned, else the library's. */
  function expectedSha(planId: number, fileId: number): Buffer | null {
    const plan = repo.plan(planId);
    if (plan) {
      const all = [
        ...(JSON.parse(plan.items) as StoredItem[]),
        ...(JSON.parse(plan.guarded) as StoredGuarded[]),
      ];
      const sha = all.find((i) => i.photoId === fileId)?.sha;
      if (sha) return Buffer.from(sha, 'hex');
    }
    const f = read.file(fileId);
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
    repo.setJournalState(journalId, repo.failedItems(journalId) === 0 ? 'done' : 'partial');
  }

  /**
   * Settles what a crash left half done: for each intent, looks where the file is (original place,
   * trash) and writes the outcome. Runs once when the engine starts, before any RPC.
   */
  async function recover(): Promise<{ settled: number }> {
    const intents = repo.intents(INTENT_PREFIX).map((v) => JSON.parse(v) as Intent);
    for (const intent of intents) {
      const row = repo.item(intent.journalId, intent.fileId);
      const sha = Buffer.from(intent.sha, 'hex');
      const trashPath = intent.trashPath ?? row?.trashPath ?? null;
      const inTrash = trashPath !== null && (await sameContent(Buffer.from(trashPath, 'latin1'), sha));
      const inPlace = row !== null && (await sameContent(row.pathBytes, sha));
      if (!row) {
        clearIntent(intent.journalId, intent.fileId);
        continue;
      }
      if (intent.op === 'trash') {
        repo.transaction(() => {
          if (inPlace) {
            repo.settleItem(intent.journalId, intent.fileId, {
              trashPath: null,
              ok: false,
              error: 'interrupted before the move; the file was left in place',
            });
          } else if (inTrash) {
            repo.settleItem(intent.journalId, intent.fileId, { trashPath, ok: true, error: null });
            library.setFileState(intent.fileId, 'trashed');
          } else {
            // Moved by a backend that does not say where (the OS trash), or gone: undo points to the system trash.
            repo.settleItem(intent.journalId, intent.fileId, { trashPath: null, ok: true, error: null });
            library.setFileState(intent.fileId, 'trashed');
          }
          clearIntent(intent.journalId, intent.fileId);
        });
        if (inPlace && trashPath !== null && !inTrash) await removeTrashInfo(trashPath);
      } else {
        repo.transaction(() => {
          if (inPlace) {
            repo.markRestored(intent.journalId, intent.fileId);
            library.setFileState(intent.fileId, 'ok');
          }
          clearIntent(intent.journalId, intent.fileId);
        });
        if (inPlace && trashPath !== null && !inTrash) await removeTrashInfo(trashPath);
      }
      logger.warn('settled an interrupted deletion step', {
        op: intent.op,
        journal: intent.journalId,
        file: intent.fileId,
        inPlace,
        inTrash,
      });
    }
    for (const id of repo.runningJournals()) finishJournal(id);
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
    f: LibraryFile,
    planned: PlannedFacts,
    roots: Buffer[],
    pending: Set<number>,
    lastCopyAllowed: boolean,
  ): Promise<{ ok: true; entry: Buffer; sha: Buffer } | { ok: false; why: string }> {
    if (f.state !== 'ok') return { ok: false, why: `not in the library any more (${f.state})` };
    const sha = planned.sha ? Buffer.from(planned.sha, 'hex') : contentShaOf(f);
    if (!sha)
      return { ok: false, why: 'the library has no content hash for this file; rescan before deleting' };
    const at = await locateInLibrary(f.pathBytes, roots);
    if (!at.ok) return at;
    let actual: Buffer;
    try {
      actual = await hashFile(at.entry);
    } catch (error) {
      return { ok: false, why: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
    }
    if (!actual.equals(sha))
      return {
        ok: false,
        why: 'the file changed since the scan (its content is not what was planned); rescan before deleting',
      };
    if (lastCopyAllowed) return { ok: true, entry: at.entry, sha };
    const copies = copiesOf(f.id, planned);
    if (copies.size === 0) return { ok: true, entry: at.entry, sha };
    for (const id of copies) {
      if (pending.has(id)) continue;
      const other = read.file(id);
      const otherSha = other ? contentShaOf(other) : null;
      if (!other || other.state !== 'ok' || !otherSha) continue;
      const there = await holdsContent(other.pathBytes, roots, otherSha);
      if (there.ok && !there.entry.equals(at.entry)) return { ok: true, entry: at.entry, sha };
    }
    return {
      ok: false,
      why: 'no other copy of this photo is left on disk with its expected content; refusing to delete the last copy',
    };
  }

  const handlers: ApiHandlers['trash'] = {
    plan: ({ photoIds, suggestedDuplicates, redundantShots, reason }) =>
      settle(() => {
        const reasons = new Map<number, DeleteReason | null>();
        for (const id of photoIds ?? [])
          reasons.set(id, reason ? { key: 'text', params: { text: reason } } : null);
        if (suggestedDuplicates)
          for (const id of read.nonKeepers()) if (!reasons.has(id)) reasons.set(id, null);
        if (redundantShots) {
          for (const r of deps.redundantShots())
            if (!reasons.has(r.fileId))
              reasons.set(r.fileId, { key: 'delete.redundantShot', params: { why: r.why } });
        }
        if (reasons.size === 0)
          throw new EngineError('INVALID_ARGUMENT', 'The selection is empty: nothing to delete');
        const selected = new Map<number, LibraryFile>();
        for (const id of reasons.keys()) {
          const f = read.file(id);
          if (!f) throw new EngineError('NOT_FOUND', `No photo ${id}`);
          if (f.state !== 'ok')
            throw new EngineError('CONFLICT', `Photo ${f.path} is not in the library any more (${f.state})`);
          selected.set(id, f);
        }
        const guardedMap = findGuarded(selected);
        let redundantMap: ReadonlyMap<number, ShotReason[]> | null = null;
        const redundantOnce = (): ReadonlyMap<number, ShotReason[]> =>
          (redundantMap ??= new Map(deps.redundantShots().map((r) => [r.fileId, r.why])));
        const items: StoredItem[] = [];
        const guarded: StoredGuarded[] = [];
        for (const f of selected.values()) {
          const guard = guardedMap.get(f.id);
          if (guard)
            guarded.push({
              photoId: f.id,
              path: f.path,
              bytes: f.size,
              why: englishGuardReason(guard),
              because: guard,
              ...plannedFacts(f),
            });
          else {
            const because = reasonFor(f, reasons.get(f.id) ?? null, redundantOnce);
            items.push({
              photoId: f.id,
              path: f.path,
              bytes: f.size,
              reason: englishDeleteReason(because),
              because,
              ...plannedFacts(f),
            });
          }
        }
        const createdAt = Date.now();
        const id = repo.insertPlan(createdAt, JSON.stringify(items), JSON.stringify(guarded));
        const publicItems: DeletePlanItem[] = items.map(
          ({ photoId, path: p, bytes, reason: r, because }) => ({
            photoId,
            path: p,
            bytes,
            reason: r,
            because,
          }),
        );
        const publicGuarded: DeletePlan['guarded'] = guarded.map(
          ({ photoId, path: p, bytes, why, because }) => ({ photoId, path: p, bytes, why, because }),
        );
        return {
          id,
          createdAt,
          items: publicItems,
          guarded: publicGuarded,
          totalBytes: items.reduce((s, i) => s + i.bytes, 0),
        };
      }),

    execute: async ({ planId, dryRun, confirmGuarded }) => {
      const plan = repo.plan(planId);
      if (!plan) throw new EngineError('NOT_FOUND', `No delete plan ${planId}`);
      const items = JSON.parse(plan.items) as StoredItem[];
      const guarded = JSON.parse(plan.guarded) as StoredGuarded[];
      const targets: Array<PlannedFacts & { photoId: number }> = [
        ...items,
        ...(confirmGuarded ? guarded : []),
      ];
      // People whose last photo in a series the user explicitly agreed to remove: no survivor is required there.
      const givenUpPeople = new Set(
        confirmGuarded
          ? guarded.flatMap((g) =>
              g.because.key === 'guard.lastOfPerson'
                ? [`${g.because.params.seriesId}:${g.because.params.personId}`]
                : [],
            )
          : [],
      );
      if (targets.length === 0)
        throw new EngineError(
          'UNSAFE_DELETE',
          'Every file in this plan is protected; confirm explicitly to remove them',
        );
      // Groups whose last copy the user explicitly agreed to remove: no survivor is required there.
      const givenUp = new Set(
        confirmGuarded
          ? guarded
              .filter((g) => g.because.key === 'guard.lastCopy' && g.group !== undefined)
              .map((g) => g.group as number)
          : [],
      );
      const roots = await realRoots(read.folderPaths());
      const pending = new Set(targets.map((t) => t.photoId));
      const journalId = repo.insertJournal(planId, Date.now(), dryRun, dryRun ? 'dry-run' : 'running');
      let failures = 0;
      for (const target of targets) {
        const f = read.file(target.photoId);
        if (!f) {
          pending.delete(target.photoId);
          continue;
        }
        const lastOf = lastPhotoOfPersonNow(f, pending, givenUpPeople);
        const check = lastOf
          ? {
              ok: false as const,
              why: `${englishGuardReason(lastOf)}: the other photos of them are gone or in this plan; make a new plan to decide`,
            }
          : await checkBeforeMove(
              f,
              target,
              roots,
              pending,
              target.group !== undefined && givenUp.has(target.group),
            );
        // Removed only after its check: a file still to go never counts as a surviving copy.
        pending.delete(f.id);
        if (!check.ok || dryRun) {
          const error = check.ok ? null : check.why;
          if (error) failures++;
          repo.insertItem(journalId, {
            fileId: f.id,
            path: f.path,
            pathBytes: f.pathBytes,
            bytes: f.size,
            ok: !error,
            error,
          });
          continue;
        }
        // The intent and a provisional journal row come first: a crash from here on is settled at start.
        repo.transaction(() => {
          repo.insertItem(journalId, {
            fileId: f.id,
            path: f.path,
            pathBytes: f.pathBytes,
            bytes: f.size,
            ok: false,
            error: INTERRUPTED_MOVE,
          });
          writeIntent({
            op: 'trash',
            journalId,
            fileId: f.id,
            sha: check.sha.toString('hex'),
            trashPath: null,
          });
        });
        try {
          const { trashPath } = await backend.trash(check.entry, (reserved) => {
            repo.transaction(() => {
              repo.reserveItem(journalId, f.id, reserved);
              writeIntent({
                op: 'trash',
                journalId,
                fileId: f.id,
                sha: check.sha.toString('hex'),
                trashPath: reserved,
              });
            });
          });
          repo.transaction(() => {
            repo.settleItem(journalId, f.id, { trashPath, ok: true, error: null });
            library.setFileState(f.id, 'trashed');
            clearIntent(journalId, f.id);
          });
        } catch (e) {
          failures++;
          repo.transaction(() => {
            repo.settleItem(journalId, f.id, {
              trashPath: null,
              ok: false,
              error: e instanceof Error ? e.message : String(e),
            });
            clearIntent(journalId, f.id);
          });
        }
      }
      if (!dryRun) repo.setJournalState(journalId, failures === 0 ? 'done' : 'partial');
      logger.info('delete plan executed', {
        planId,
        journalId,
        dryRun,
        files: targets.length,
        failures,
        backend: backend.name,
      });
      if (!dryRun) deps.afterChange('trash');
      return loadEntry(journalId);
    },

    undo: async ({ journalId }) => {
      const entry = loadEntry(journalId);
      if (entry.dryRun)
        throw new EngineError('CONFLICT', 'A dry run deleted nothing; there is nothing to undo');
      if (entry.state === 'undone') throw new EngineError('CONFLICT', 'This deletion was already undone');
      const rows = repo.items(journalId);
      const problems: string[] = [];
      const markRestored = (fileId: number): void =>
        repo.transaction(() => {
          repo.markRestored(journalId, fileId);
          library.setFileState(fileId, 'ok');
          clearIntent(journalId, fileId);
        });
      for (const r of rows) {
        if (!r.ok || r.restored) continue;
        const shown = r.pathBytes.toString('utf8');
        const sha = expectedSha(entry.planId, r.fileId);
        // Already back (restored by hand, or an undo cut short after the move): identical bytes count as restored.
        if (sha && (await sameContent(r.pathBytes, sha))) {
          markRestored(r.fileId);
          continue;
        }
        if (r.trashPath === null) {
          problems.push(`${shown}: restore it from the system trash`);
          continue;
        }
        const from = Buffer.from(r.trashPath, 'latin1');
        // Only the deleted photo goes back: a trash entry with other bytes (replaced by someone) stays where it is.
        if (sha && !(await sameContent(from, sha))) {
          problems.push(`${shown}: the trash entry is gone or does not hold the deleted photo any more`);
          continue;
        }
        try {
          if (sha)
            writeIntent({
              op: 'restore',
              journalId,
              fileId: r.fileId,
              sha: sha.toString('hex'),
              trashPath: r.trashPath,
            });
          await backend.restore(r.trashPath, r.pathBytes);
          markRestored(r.fileId);
        } catch (e) {
          clearIntent(journalId, r.fileId);
          problems.push(`${shown}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      repo.setJournalState(journalId, problems.length === 0 ? 'undone' : 'partial');
      deps.afterChange('undo');
      if (problems.length > 0)
        throw new EngineError('IO', `Some files could not be restored: ${problems.join('; ')}`, { problems });
      return loadEntry(journalId);
    },

    journal: ({ offset, limit }) => settle(() => repo.journalPage(limit, offset).map(loadEntry)),
  };

  return { handlers, recover };
}
