/**
 * kill -9 in the middle of a delete or an undo (issue 11, items 4 and 5): the engine process is
 * stopped at a chosen point and killed; the next start settles what it left half done.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeletePlan, DuplicateGroup, JournalEntry } from '../../common/contract/types';
import { createEngine, type Engine } from '../engine';
import { PACKAGE_ROOT } from '../paths';
import { makeJpeg, tempDir } from '../testing';
import { createFreedesktopTrash } from './freedesktop';

let root: string;
let cleanup: () => void;
let photos: string;
let trashDir: string;
let dataDir: string;
let engine: Engine | null = null;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  photos = path.join(root, 'photos');
  trashDir = path.join(root, 'xdg', 'Trash');
  dataDir = path.join(root, 'data');
  mkdirSync(photos);
});
afterEach(async () => {
  await engine?.dispose();
  engine = null;
  cleanup();
});

const openEngine = async (): Promise<Engine> =>
  (engine = await createEngine({ dataDir, trash: createFreedesktopTrash({ homeTrash: trashDir }) }));
const closeEngine = async (): Promise<void> => {
  await engine?.dispose();
  engine = null;
};
const call = <T>(method: string, arg: unknown): Promise<T> =>
  (engine as Engine).dispatch(method, arg) as Promise<T>;

/** Runs the stalling engine process and kills it with SIGKILL as soon as it reports the stall. */
function runAndKill(args: string[]): Promise<{ stalled: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PACKAGE_ROOT, 'src/engine/trash/stall-child.ts'), ...args],
      { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let stalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!stalled && output.includes('STALLED')) {
        stalled = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve({ stalled, output }));
  });
}

async function twinPlan(): Promise<{ plan: DeletePlan; twin: string; bytes: Buffer }> {
  const bytes = await makeJpeg(640, 480, 5, 90);
  writeFileSync(path.join(photos, 'a.jpg'), bytes);
  writeFileSync(path.join(photos, 'b.jpg'), bytes);
  await openEngine();
  await call('library:addFolder', { path: photos });
  await (engine as Engine).scanAndWait({ ml: false });
  const { groups } = await call<{ groups: DuplicateGroup[] }>('dedup:groups', {});
  const twin = groups[0]?.members.find((m) => !m.keep);
  if (!twin) throw new Error('expected a duplicate');
  const plan = await call<DeletePlan>('trash:plan', { photoIds: [twin.id] });
  return { plan, twin: twin.path, bytes };
}

describe('kill -9 during a delete (item 4)', () => {
  it('a file moved just before the kill has its journal row, and undo brings back the same bytes', async () => {
    const { plan, twin, bytes } = await twinPlan();
    await closeEngine();
    const { stalled, output } = await runAndKill([
      dataDir,
      trashDir,
      'execute',
      String(plan.id),
      'after-move',
    ]);
    expect(stalled, output).toBe(true);
    expect(existsSync(twin)).toBe(false);

    await openEngine();
    const [entry] = await call<JournalEntry[]>('trash:journal', { offset: 0, limit: 10 });
    expect(entry?.items).toHaveLength(1);
    expect(entry?.items[0]).toMatchObject({ ok: true, path: twin });
    expect(entry?.state).toBe('done');
    const undone = await call<JournalEntry>('trash:undo', { journalId: entry?.id });
    expect(undone.state).toBe('undone');
    expect(readFileSync(twin).equals(bytes)).toBe(true);
  });

  it('a kill between the reservation and the move leaves the file in place, the journal says so, and no orphan .trashinfo stays', async () => {
    const { plan, twin, bytes } = await twinPlan();
    await closeEngine();
    const { stalled, output } = await runAndKill([
      dataDir,
      trashDir,
      'execute',
      String(plan.id),
      'before-move',
    ]);
    expect(stalled, output).toBe(true);
    expect(readdirSync(path.join(trashDir, 'info'))).toHaveLength(1);

    await openEngine();
    const [entry] = await call<JournalEntry[]>('trash:journal', { offset: 0, limit: 10 });
    expect(entry?.items[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/interrupted before the move/) as unknown,
    });
    expect(readFileSync(twin).equals(bytes)).toBe(true);
    expect(readdirSync(path.join(trashDir, 'info'))).toHaveLength(0);
    // The photo is still in the library and can be planned again.
    const again = await call<DeletePlan>('trash:plan', { photoIds: [plan.items[0]?.photoId] });
    expect((await call<JournalEntry>('trash:execute', { planId: again.id })).state).toBe('done');
  });
});

describe('kill -9 during undo (item 5)', () => {
  it('a restore cut short after the move counts as restored; undo finishes instead of failing forever', async () => {
    const { plan, twin, bytes } = await twinPlan();
    const entry = await call<JournalEntry>('trash:execute', { planId: plan.id });
    expect(entry.state).toBe('done');
    await closeEngine();
    const { stalled, output } = await runAndKill([
      dataDir,
      trashDir,
      'undo',
      String(entry.id),
      'after-restore',
    ]);
    expect(stalled, output).toBe(true);
    expect(readFileSync(twin).equals(bytes)).toBe(true);

    await openEngine();
    const undone = await call<JournalEntry>('trash:undo', { journalId: entry.id });
    expect(undone.state).toBe('undone');
    expect(readFileSync(twin).equals(bytes)).toBe(true);
    expect(readdirSync(path.join(trashDir, 'info'))).toHaveLength(0);
    const { photos: list } = await call<{ photos: Array<{ path: string }> }>('library:photos', {
      offset: 0,
      limit: 10,
    });
    expect(list.map((p) => p.path)).toContain(twin);
  });
});
