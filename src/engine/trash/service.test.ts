/** Safe deletion end to end on real files: plan → dry run → trash → journal → undo. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Dismissal, DeletePlan, DuplicateGroup, JournalEntry } from '../../common/contract/types';
import { EngineError } from '../../common/errors';
import { createEngine, type Engine } from '../engine';
import { makeJpeg, tempDir } from '../testing';
import { createFreedesktopTrash } from './freedesktop';

let root: string;
let cleanup: () => void;
let engine: Engine;
let photos: string;
let trashDir: string;

beforeEach(async () => {
  ({ dir: root, cleanup } = tempDir());
  photos = path.join(root, 'photos');
  trashDir = path.join(root, 'xdg', 'Trash');
  mkdirSync(photos);
  engine = await createEngine({
    dataDir: path.join(root, 'data'),
    trash: createFreedesktopTrash({ homeTrash: trashDir }),
  });
});
afterEach(async () => {
  await engine.dispose();
  cleanup();
});

const call = <T>(method: string, arg: unknown): Promise<T> => engine.dispatch(method, arg) as Promise<T>;

async function libraryWithDuplicates(): Promise<DuplicateGroup> {
  const original = await makeJpeg(800, 600, 5, 92);
  writeFileSync(path.join(photos, 'original.jpg'), original);
  writeFileSync(path.join(photos, 'copy.jpg'), original);
  writeFileSync(path.join(photos, 'copy (2).jpg'), original);
  writeFileSync(path.join(photos, 'other.jpg'), await makeJpeg(800, 600, 77, 92));
  await call('library:addFolder', { path: photos });
  await engine.scanAndWait({ ml: false });
  const { groups } = await call<{ groups: DuplicateGroup[] }>('dedup:groups', {});
  expect(groups).toHaveLength(1);
  return groups[0] as DuplicateGroup;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe(code);
    return error as EngineError;
  }
  throw new Error(`expected ${code}`);
}

describe('trash', () => {
  it('plans the suggested duplicates with a reason per file, moves them to the trash, and undo restores them', async () => {
    const group = await libraryWithDuplicates();
    const keeper = group.members.find((m) => m.keep);
    expect(keeper).toBeDefined();
    const plan = await call<DeletePlan>('trash:plan', { suggestedDuplicates: true });
    expect(plan.items).toHaveLength(2);
    expect(plan.guarded).toEqual([]);
    expect(plan.totalBytes).toBe(plan.items.reduce((s, i) => s + i.bytes, 0));
    for (const item of plan.items) {
      expect(item.reason).toMatch(/duplicate of .*\(group \d+\)/);
      expect(item.because).toMatchObject({
        key: 'delete.duplicate',
        params: { kind: 'exact', keeper: keeper?.path },
      });
    }

    const dry = await call<JournalEntry>('trash:execute', { planId: plan.id, dryRun: true });
    expect(dry.state).toBe('dry-run');
    for (const item of plan.items) expect(existsSync(item.path)).toBe(true);

    const done = await call<JournalEntry>('trash:execute', { planId: plan.id });
    expect(done.state).toBe('done');
    for (const item of plan.items) expect(existsSync(item.path)).toBe(false);
    expect(existsSync(keeper?.path as string)).toBe(true);
    // Freedesktop layout: the file in files/, its origin in info/*.trashinfo.
    expect(readdirSync(path.join(trashDir, 'files'))).toHaveLength(2);
    const infos = readdirSync(path.join(trashDir, 'info'));
    expect(infos).toHaveLength(2);
    expect(readFileSync(path.join(trashDir, 'info', infos[0] as string), 'utf8')).toMatch(
      /^\[Trash Info\]\nPath=\/.*\nDeletionDate=\d{4}-\d\d-\d\dT/,
    );
    // The group has only the keeper left, so it is no longer a duplicate group.
    expect((await call<{ total: number }>('dedup:groups', {})).total).toBe(0);

    const undone = await call<JournalEntry>('trash:undo', { journalId: done.id });
    expect(undone.state).toBe('undone');
    for (const item of plan.items) expect(existsSync(item.path)).toBe(true);
    expect(readdirSync(path.join(trashDir, 'files'))).toHaveLength(0);
    expect((await call<{ total: number }>('dedup:groups', {})).total).toBe(1);
    await expectCode(call('trash:undo', { journalId: done.id }), 'CONFLICT');
  });

  it('never removes the last copy of a duplicate group without an explicit confirmation', async () => {
    const group = await libraryWithDuplicates();
    const plan = await call<DeletePlan>('trash:plan', { photoIds: group.members.map((m) => m.id) });
    expect(plan.guarded).toHaveLength(1);
    expect(plan.guarded[0]?.why).toMatch(/last copy of duplicate group/);
    expect(plan.guarded[0]?.because.key).toBe('guard.lastCopy');
    expect(plan.items).toHaveLength(2);
    const entry = await call<JournalEntry>('trash:execute', { planId: plan.id });
    expect(entry.items).toHaveLength(2);
    const guardedPath = plan.guarded[0]?.path as string;
    expect(existsSync(guardedPath)).toBe(true);
  });

  it('removes a guarded file only with confirmGuarded', async () => {
    const group = await libraryWithDuplicates();
    const plan = await call<DeletePlan>('trash:plan', { photoIds: group.members.map((m) => m.id) });
    const entry = await call<JournalEntry>('trash:execute', { planId: plan.id, confirmGuarded: true });
    expect(
      entry.items.filter((i) => i.ok),
      JSON.stringify(entry.items),
    ).toHaveLength(3);
    // The plan carries the guarded files' sizes, so a UI can count exactly what a confirmed run moves.
    const planned = [...plan.items, ...plan.guarded].reduce((sum, i) => sum + i.bytes, 0);
    expect(planned).toBe(entry.totalBytes);
    for (const m of group.members) expect(existsSync(m.path)).toBe(false);
    await call('trash:undo', { journalId: entry.id });
    for (const m of group.members) expect(existsSync(m.path)).toBe(true);
  });

  it('refuses empty selections, unknown photos and invalid arguments with clear errors', async () => {
    await libraryWithDuplicates();
    await expectCode(call('trash:plan', {}), 'INVALID_ARGUMENT');
    await expectCode(call('trash:plan', { photoIds: [99999] }), 'NOT_FOUND');
    const e = await expectCode(call('trash:plan', { photoIds: ['1; rm -rf /'] }), 'INVALID_ARGUMENT');
    expect(e.message).toMatch(/photoIds/);
    await expectCode(call('trash:execute', { planId: 12345 }), 'NOT_FOUND');
  });

  it('does not trash a file that changed since the scan', async () => {
    const group = await libraryWithDuplicates();
    const victim = group.members.find((m) => !m.keep);
    const plan = await call<DeletePlan>('trash:plan', { photoIds: [victim?.id as number] });
    writeFileSync(victim?.path as string, await makeJpeg(900, 700, 123));
    const entry = await call<JournalEntry>('trash:execute', { planId: plan.id });
    expect(entry.state).toBe('partial');
    expect(entry.items[0]?.ok).toBe(false);
    expect(entry.items[0]?.error).toMatch(/changed since the scan/);
    expect(existsSync(victim?.path as string)).toBe(true);
  });
});

describe('duplicate decisions', () => {
  it('keeps the user keeper choice and "not a duplicate" across rescans', async () => {
    writeFileSync(path.join(photos, 'big.jpg'), await makeJpeg(1200, 900, 9, 92));
    const { default: sharp } = await import('sharp');
    writeFileSync(
      path.join(photos, 'small.jpg'),
      await sharp(path.join(photos, 'big.jpg')).resize(600).jpeg({ quality: 80 }).toBuffer(),
    );
    await call('library:addFolder', { path: photos });
    await engine.scanAndWait({ ml: false });
    let { groups } = await call<{ groups: DuplicateGroup[] }>('dedup:groups', {});
    expect(groups).toHaveLength(1);
    const group = groups[0] as DuplicateGroup;
    expect(group.kind).toBe('near');
    const small = group.members.find((m) => m.path.endsWith('small.jpg'));
    expect(small?.keep).toBe(false);
    expect(group.members.find((m) => m.keep)?.reasons.join(' ')).toMatch(/resolution/);

    const chosen = await call<DuplicateGroup>('dedup:setKeeper', { groupId: group.id, photoId: small?.id });
    expect(chosen.members.find((m) => m.keep)?.id).toBe(small?.id);
    expect(chosen.members.find((m) => m.keep)?.reasons[0]).toBe('you chose this copy');
    // The same as keys for the UI; how the chosen copy lost to the suggestion is gone.
    expect(chosen.members.find((m) => m.keep)?.why).toEqual([{ key: 'keep.chosen', params: {} }]);
    expect(chosen.members.find((m) => !m.keep)?.why[0]).toEqual({ key: 'lose.chosen', params: {} });
    await engine.scanAndWait({ ml: false });
    ({ groups } = await call<{ groups: DuplicateGroup[] }>('dedup:groups', {}));
    expect(groups[0]?.members.find((m) => m.keep)?.id).toBe(small?.id);

    const answer = await call<{ groups: number; dismissal: number }>('dedup:notDuplicate', {
      groupId: group.id,
    });
    expect((await call<{ total: number }>('dedup:groups', {})).total).toBe(0);
    await engine.scanAndWait({ ml: false });
    expect((await call<{ total: number }>('dedup:groups', {})).total).toBe(0);

    // The answer is listed with its photos and can be undone: the group comes back.
    const listed = await call<{ total: number; dismissals: Dismissal[] }>('dedup:dismissed', {});
    expect(listed.total).toBe(1);
    expect(listed.dismissals[0]?.id).toBe(answer.dismissal);
    expect(listed.dismissals[0]?.photos.map((p) => p.id).sort()).toEqual(
      group.members.map((m) => m.id).sort(),
    );
    expect((await call<{ groups: number }>('dedup:restore', { id: answer.dismissal })).groups).toBe(1);
    expect((await call<{ total: number }>('dedup:groups', {})).total).toBe(1);
    expect((await call<{ total: number }>('dedup:dismissed', {})).total).toBe(0);
    await expectCode(call('dedup:restore', { id: answer.dismissal }), 'NOT_FOUND');
  });
});
