/**
 * Execute re-checks everything on disk at the moment of deletion (issue 11, items 3, 6, 7): plans
 * made earlier, files changed or deleted outside Sift, symlinked folders, unsafe trash folders.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeletePlan, DuplicateGroup, JournalEntry } from '../../common/contract/types';
import { EngineError } from '../../common/errors';
import { createEngine, type Engine } from '../engine';
import { makeJpeg, tempDir } from '../testing';
import { createFreedesktopTrash, topdirTrashDir } from './freedesktop';

let root: string;
let cleanup: () => void;
let engine: Engine;
let photos: string;
let trashDir: string;

async function open(photoRoot: string): Promise<void> {
  photos = photoRoot;
  mkdirSync(photos, { recursive: true });
  engine = await createEngine({
    dataDir: path.join(root, 'data'),
    trash: createFreedesktopTrash({ homeTrash: trashDir }),
  });
}

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  trashDir = path.join(root, 'xdg', 'Trash');
});
afterEach(async () => {
  await engine.dispose();
  cleanup();
});

const call = <T>(method: string, arg: unknown): Promise<T> => engine.dispatch(method, arg) as Promise<T>;

/** Two byte-identical photos (one group, `a.jpg` the keeper by name order) and an unrelated one. */
async function twins(): Promise<{
  group: DuplicateGroup;
  keeper: DuplicateGroup['members'][number];
  twin: DuplicateGroup['members'][number];
}> {
  const jpeg = await makeJpeg(640, 480, 11, 90);
  writeFileSync(path.join(photos, 'a.jpg'), jpeg);
  writeFileSync(path.join(photos, 'b.jpg'), jpeg);
  writeFileSync(path.join(photos, 'other.jpg'), await makeJpeg(640, 480, 99, 90));
  await call('library:addFolder', { path: photos });
  await engine.scanAndWait({ ml: false });
  const { groups } = await call<{ groups: DuplicateGroup[] }>('dedup:groups', {});
  expect(groups).toHaveLength(1);
  const group = groups[0] as DuplicateGroup;
  const keeper = group.members.find((m) => m.keep);
  const twin = group.members.find((m) => !m.keep);
  if (!keeper || !twin) throw new Error('expected a keeper and a twin');
  return { group, keeper, twin };
}

const planFor = (ids: number[]): Promise<DeletePlan> => call<DeletePlan>('trash:plan', { photoIds: ids });
const run = (plan: DeletePlan): Promise<JournalEntry> =>
  call<JournalEntry>('trash:execute', { planId: plan.id });

describe('execute re-checks the guards on disk (item 3)', () => {
  beforeEach(() => open(path.join(root, 'photos')));

  it('two plans made before either runs cannot together remove both copies', async () => {
    const { keeper, twin } = await twins();
    const first = await planFor([twin.id]);
    const second = await planFor([keeper.id]);
    expect(first.guarded).toEqual([]);
    expect(second.guarded).toEqual([]);
    expect((await run(first)).state).toBe('done');
    const entry = await run(second);
    expect(entry.state).toBe('partial');
    expect(entry.items[0]?.ok).toBe(false);
    expect(entry.items[0]?.error).toMatch(/last copy/);
    expect(existsSync(keeper.path)).toBe(true);
  });

  it('refuses to remove a twin whose keeper was deleted outside Sift', async () => {
    const { keeper, twin } = await twins();
    const plan = await planFor([twin.id]);
    unlinkSync(keeper.path);
    const entry = await run(plan);
    expect(entry.items[0]).toMatchObject({ ok: false, error: expect.stringMatching(/last copy/) as unknown });
    expect(existsSync(twin.path)).toBe(true);
  });

  it('refuses when the keeper now holds other bytes of the same size', async () => {
    const { keeper, twin } = await twins();
    const plan = await planFor([twin.id]);
    const bytes = readFileSync(keeper.path);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    writeFileSync(keeper.path, bytes);
    const entry = await run(plan);
    expect(entry.items[0]?.ok).toBe(false);
    expect(existsSync(twin.path)).toBe(true);
  });

  it('refuses a planned file replaced by different content of the same size', async () => {
    const { twin } = await twins();
    const plan = await planFor([twin.id]);
    const bytes = readFileSync(twin.path);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    writeFileSync(twin.path, bytes);
    expect(statSync(twin.path).size).toBe(plan.items[0]?.bytes);
    const entry = await run(plan);
    expect(entry.items[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/changed since the scan/) as unknown,
    });
    expect(readFileSync(twin.path).equals(bytes)).toBe(true);
  });

  it('still removes a confirmed last copy, and a dry run reports the refusals', async () => {
    const { group, keeper, twin } = await twins();
    const both = await planFor(group.members.map((m) => m.id));
    expect(both.guarded).toHaveLength(1);
    unlinkSync(keeper.path === both.guarded[0]?.path ? twin.path : keeper.path);
    const dry = await call<JournalEntry>('trash:execute', { planId: both.id, dryRun: true });
    expect(dry.items.every((i) => !i.ok)).toBe(true);
    const entry = await call<JournalEntry>('trash:execute', { planId: both.id, confirmGuarded: true });
    expect(entry.items.filter((i) => i.ok)).toHaveLength(1);
    expect(existsSync(keeper.path) || existsSync(twin.path)).toBe(false);
  });
});

describe('symlinked folders (item 6)', () => {
  beforeEach(() => open(path.join(root, 'photos')));

  it('refuses to trash a file reached through a symlinked folder that points outside the library', async () => {
    const outside = path.join(root, 'outside');
    mkdirSync(outside);
    const jpeg = await makeJpeg(640, 480, 21, 90);
    writeFileSync(path.join(outside, 'real.jpg'), jpeg);
    writeFileSync(path.join(photos, 'copy.jpg'), jpeg);
    symlinkSync(outside, path.join(photos, 'linked'));
    await call('library:addFolder', { path: photos });
    await engine.scanAndWait({ ml: false });
    const { photos: list } = await call<{ photos: Array<{ id: number; path: string }> }>('library:photos', {
      offset: 0,
      limit: 10,
    });
    const linked = list.find((p) => p.path.endsWith(path.join('linked', 'real.jpg')));
    expect(linked).toBeDefined();
    const entry = await run(await planFor([linked?.id as number]));
    expect(entry.items[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/outside the library/) as unknown,
    });
    expect(existsSync(path.join(outside, 'real.jpg'))).toBe(true);
    expect(existsSync(path.join(trashDir, 'files', 'real.jpg'))).toBe(false);
  });
});

async function expectUnsafe(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('UNSAFE_DELETE');
    return (error as EngineError).message;
  }
  throw new Error('expected UNSAFE_DELETE');
}

describe('trash folders on other file systems (item 7)', () => {
  const uid = process.getuid?.() ?? 0;
  let top: string;
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir());
    top = path.join(root, 'top');
    mkdirSync(top);
    engine = { dispose: () => Promise.resolve() } as unknown as Engine;
  });

  it('creates a private $topdir/.Trash-$uid and uses it', async () => {
    const dir = await topdirTrashDir(top, uid);
    expect(dir).toBe(path.join(top, `.Trash-${uid}`));
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(lstatSync(path.join(dir, 'files')).isDirectory()).toBe(true);
  });

  it('refuses a pre-made symlink, a folder open to others, or one owned by another user', async () => {
    const elsewhere = path.join(root, 'attacker');
    mkdirSync(elsewhere, { mode: 0o777 });
    symlinkSync(elsewhere, path.join(top, `.Trash-${uid}`));
    expect(await expectUnsafe(topdirTrashDir(top, uid))).toMatch(/symbolic link/);
    unlinkSync(path.join(top, `.Trash-${uid}`));

    mkdirSync(path.join(top, `.Trash-${uid}`));
    chmodSync(path.join(top, `.Trash-${uid}`), 0o777);
    expect(await expectUnsafe(topdirTrashDir(top, uid))).toMatch(/open to other users/);
    chmodSync(path.join(top, `.Trash-${uid}`), 0o700);
    expect(await topdirTrashDir(top, uid)).toBe(path.join(top, `.Trash-${uid}`));

    // Another user's folder under our name (only root can stage that here).
    if (uid === 0) {
      rmSync(path.join(top, `.Trash-${uid}`), { recursive: true });
      mkdirSync(path.join(top, `.Trash-${uid}`), { mode: 0o700 });
      chownSync(path.join(top, `.Trash-${uid}`), 65534, 65534);
      expect(await expectUnsafe(topdirTrashDir(top, uid))).toMatch(/another user/);
    }
  });

  it('uses $topdir/.Trash/$uid only when .Trash is a real folder with the sticky bit', async () => {
    mkdirSync(path.join(top, '.Trash'));
    chmodSync(path.join(top, '.Trash'), 0o777);
    expect(await topdirTrashDir(top, uid)).toBe(path.join(top, `.Trash-${uid}`));
    chmodSync(path.join(top, '.Trash'), 0o1777);
    expect(await topdirTrashDir(top, uid)).toBe(path.join(top, '.Trash', String(uid)));
  });

  // /dev/shm is another file system than the temp folder on most Linux machines: a real EXDEV.
  const shm = '/dev/shm';
  const otherFs = existsSync(shm) && statSync(shm).dev !== statSync(tempDir().dir).dev;
  it.skipIf(!otherFs)(
    'the backend refuses an unsafe trash on another file system and leaves the file in place (needs /dev/shm on another file system)',
    async () => {
      const photosDir = mkdtempSync(path.join(shm, 'sift-test-'));
      const shmTrash = path.join(shm, `.Trash-${uid}`);
      const existed = existsSync(shmTrash);
      try {
        const file = path.join(photosDir, 'p.jpg');
        writeFileSync(file, 'photo bytes');
        if (!existed) {
          const attacker = path.join(photosDir, 'attacker');
          mkdirSync(attacker, { mode: 0o777 });
          symlinkSync(attacker, shmTrash);
          const backend = createFreedesktopTrash({ homeTrash: path.join(root, 'home-trash') });
          await expectUnsafe(backend.trash(Buffer.from(file)));
          expect(readFileSync(file, 'utf8')).toBe('photo bytes');
          unlinkSync(shmTrash);
        }
      } finally {
        if (!existed && lstatSync(shmTrash, { throwIfNoEntry: false })?.isSymbolicLink())
          unlinkSync(shmTrash);
        rmSync(photosDir, { recursive: true, force: true });
      }
    },
  );
});
