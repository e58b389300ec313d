/**
 * A library folder marked as preferred decides the keeper among copies that are otherwise equal
 * (byte-identical ones), says so in the reasons, and never outranks quality: a smaller copy in the
 * preferred folder still loses to the full-size one elsewhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicateGroup, Folder } from '../../common/contract/types';
import { createEngine, type Engine } from '../engine';
import { makeJpeg, tempDir } from '../testing';

let engine: Engine;
let cleanups: Array<() => void> = [];
let downloads: Folder;
let pictures: Folder;

const groups = async (kind: 'exact' | 'near'): Promise<DuplicateGroup[]> =>
  ((await engine.dispatch('dedup:groups', { kind, limit: 100 })) as { groups: DuplicateGroup[] }).groups;
const keeperOf = (g: DuplicateGroup | undefined): string =>
  path.basename(path.dirname(g?.members.find((m) => m.keep)?.path ?? ''));

beforeAll(async () => {
  const root = tempDir();
  const data = tempDir();
  cleanups = [root.cleanup, data.cleanup];
  const photo = await makeJpeg(900, 600, 7, 92);
  const other = await makeJpeg(900, 600, 21, 92);
  for (const folder of ['downloads', 'pictures']) {
    mkdirSync(path.join(root.dir, folder));
    writeFileSync(path.join(root.dir, folder, 'beach.jpg'), photo);
  }
  // Full size in downloads, a half-size copy in pictures.
  writeFileSync(path.join(root.dir, 'downloads', 'hill.jpg'), other);
  writeFileSync(
    path.join(root.dir, 'pictures', 'hill-small.jpg'),
    await sharp(other).resize({ width: 450 }).jpeg({ quality: 92 }).toBuffer(),
  );
  engine = await createEngine({ dataDir: data.dir });
  downloads = (await engine.dispatch('library:addFolder', {
    path: path.join(root.dir, 'downloads'),
  })) as Folder;
  pictures = (await engine.dispatch('library:addFolder', {
    path: path.join(root.dir, 'pictures'),
  })) as Folder;
  await engine.scanAndWait({ ml: false });
}, 60_000);
afterAll(async () => {
  await engine.dispose();
  for (const c of cleanups) c();
});

describe('preferred folders', () => {
  it('keep the copy in the preferred folder among equal copies, with the reason, and can be unmarked', async () => {
    expect(downloads.preferred).toBe(false);
    expect(keeperOf((await groups('exact'))[0])).toBe('downloads'); // a tie, broken by path

    const marked = (await engine.dispatch('library:setPreferred', {
      id: pictures.id,
      preferred: true,
    })) as Folder;
    expect(marked).toMatchObject({ id: pictures.id, preferred: true });
    const exact = (await groups('exact'))[0];
    expect(keeperOf(exact)).toBe('pictures');
    const keeper = exact?.members.find((m) => m.keep);
    const loser = exact?.members.find((m) => !m.keep);
    expect(keeper?.why).toContainEqual({ key: 'keep.folder', params: { folder: pictures.path } });
    expect(loser?.why.map((w) => w.key)).toEqual(['lose.folder']);
    expect((await engine.dispatch('library:listFolders', {})) as Folder[]).toContainEqual(
      expect.objectContaining({ id: pictures.id, preferred: true }),
    );

    await engine.dispatch('library:setPreferred', { id: pictures.id, preferred: false });
    expect(keeperOf((await groups('exact'))[0])).toBe('downloads');
  });

  it('never outranks quality: the full-size copy is kept over a smaller one in the preferred folder', async () => {
    await engine.dispatch('library:setPreferred', { id: pictures.id, preferred: true });
    const hill = (await groups('near')).find((g) => g.members.some((m) => m.path.endsWith('hill.jpg')));
    expect(hill?.members.find((m) => m.keep)?.path).toMatch(/downloads\/hill\.jpg$/);
    await engine.dispatch('library:setPreferred', { id: pictures.id, preferred: false });
  });

  it('refuses an unknown folder and a preference that is not a boolean', async () => {
    await expect(engine.dispatch('library:setPreferred', { id: 999, preferred: true })).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
    await expect(
      engine.dispatch('library:setPreferred', { id: pictures.id, preferred: 'yes' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
