import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFreedesktopTrash } from '../src/engine/trash/freedesktop';
import { createOsTrash, decodeTrashInfoPath, locateTrashedFile, restoreFromTrash } from './os-trash';

// The engine's freedesktop trash stands in for the OS here: on Linux, shell.trashItem writes
// the same files/ + info/*.trashinfo layout, which is what undo has to find.
let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sift-ostrash-'));
  env = { ...process.env, XDG_DATA_HOME: path.join(dir, 'xdg') };
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function osTrash(platform: NodeJS.Platform) {
  const system = createFreedesktopTrash({ homeTrash: path.join(dir, 'xdg', 'Trash') });
  return createOsTrash({
    platform,
    env,
    trashItem: async (file) => void (await system.trash(Buffer.from(file))),
  });
}

describe('OS trash backend', () => {
  it('finds the trashed file on Linux and undo puts it back', async () => {
    const file = path.join(dir, 'photos', 'beach 1.jpg');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, 'jpeg bytes');
    const backend = osTrash('linux');
    const { trashPath } = await backend.trash(Buffer.from(file));
    expect(trashPath).not.toBeNull();
    await expect(fs.access(file)).rejects.toThrow();
    await backend.restore(trashPath ?? '', Buffer.from(file));
    expect(await fs.readFile(file, 'utf8')).toBe('jpeg bytes');
    expect(await locateTrashedFile(Buffer.from(file), env)).toBeNull();
  });

  it('picks the newest of two trashed files with the same name, and never overwrites', async () => {
    const file = path.join(dir, 'a.jpg');
    const backend = osTrash('linux');
    await fs.writeFile(file, 'first');
    const first = await backend.trash(Buffer.from(file));
    await fs.writeFile(file, 'second');
    const second = await backend.trash(Buffer.from(file));
    expect(second.trashPath).not.toBe(first.trashPath);
    await fs.writeFile(file, 'third');
    await expect(backend.restore(second.trashPath ?? '', Buffer.from(file))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await fs.readFile(file, 'utf8')).toBe('third');
  });

  it('refuses to move a file whose trashinfo names another path', async () => {
    const file = path.join(dir, 'b.jpg');
    await fs.writeFile(file, 'x');
    const backend = osTrash('linux');
    const { trashPath } = await backend.trash(Buffer.from(file));
    await expect(
      restoreFromTrash(trashPath ?? '', Buffer.from(path.join(dir, 'elsewhere.jpg'))),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(restoreFromTrash(path.join(dir, 'b.jpg'), Buffer.from(file))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('says undo must happen in the OS trash elsewhere', async () => {
    const file = path.join(dir, 'c.jpg');
    await fs.writeFile(file, 'x');
    const backend = osTrash('darwin');
    expect(await backend.trash(Buffer.from(file))).toEqual({ trashPath: null });
    await expect(backend.restore('/x/files/c.jpg', Buffer.from(file))).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
  });

  it('decodes percent-escaped raw bytes', () => {
    expect(decodeTrashInfoPath('/a%20b/%E4%B8%AD.jpg').toString('utf8')).toBe('/a b/中.jpg');
    expect([...decodeTrashInfoPath('/x%FF')]).toEqual([0x2f, 0x78, 0xff]);
  });
});
