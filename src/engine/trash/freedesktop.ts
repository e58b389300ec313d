/**
 * The freedesktop.org trash (Linux desktops, and Sift's Node mode everywhere it applies):
 * $XDG_DATA_HOME/Trash/{files,info}, or $topdir/.Trash-$uid for other file systems.
 * The .trashinfo is written first (O_EXCL reserves the name), then the file is renamed in,
 * so file managers can restore it too and a crash never leaves an orphan without its info.
 */
import { constants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../../common/errors';
import type { TrashBackend } from './backend';

export interface FreedesktopTrashOptions {
  /** Home trash directory; default $XDG_DATA_HOME/Trash. */
  homeTrash?: string;
}

export function homeTrashDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'Trash');
}

function encodeTrashPath(p: Buffer): string {
  // RFC 2396 escaping of the raw bytes, keeping '/' (the spec asks for a URL-escaped absolute path).
  let out = '';
  for (const byte of p) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~/]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function deletionDate(d = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

async function findTopdir(file: Buffer): Promise<Buffer> {
  let dir = path.dirname(file.toString('latin1'));
  const dev = (await fs.stat(Buffer.from(dir, 'latin1'))).dev;
  for (;;) {
    const parent = path.dirname(dir);
    if (parent === dir) return Buffer.from(dir, 'latin1');
    if ((await fs.stat(Buffer.from(parent, 'latin1'))).dev !== dev) return Buffer.from(dir, 'latin1');
    dir = parent;
  }
}

async function ensureTrash(dir: string): Promise<void> {
  // Paths here are latin1 strings standing for raw bytes; turn them back into bytes for the fs.
  await fs.mkdir(Buffer.from(path.join(dir, 'files'), 'latin1'), { recursive: true, mode: 0o700 });
  await fs.mkdir(Buffer.from(path.join(dir, 'info'), 'latin1'), { recursive: true, mode: 0o700 });
}

export function createFreedesktopTrash(options: FreedesktopTrashOptions = {}): TrashBackend {
  // Kept as a latin1 string (one char per byte) like every trash path in this module.
  const homeTrash = Buffer.from(options.homeTrash ?? homeTrashDir()).toString('latin1');

  async function moveInto(trashDir: string, file: Buffer): Promise<string> {
    await ensureTrash(trashDir);
    const base = path.basename(file.toString('latin1'));
    const ext = path.extname(base);
    const stem = base.slice(0, base.length - ext.length);
    for (let n = 1; n < 10_000; n++) {
      const name = n === 1 ? base : `${stem}.${n}${ext}`;
      const info = Buffer.from(path.join(trashDir, 'info', `${name}.trashinfo`), 'latin1');
      let handle;
      try {
        handle = await fs.open(info, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      try {
        await handle.writeFile(`[Trash Info]\nPath=${encodeTrashPath(file)}\nDeletionDate=${deletionDate()}\n`);
      } finally {
        await handle.close();
      }
      const target = Buffer.from(path.join(trashDir, 'files', name), 'latin1');
      try {
        await fs.rename(file, target);
      } catch (error) {
        await fs.rm(info, { force: true });
        throw error;
      }
      return target.toString('latin1');
    }
    throw new EngineError('IO', 'Could not find a free name in the trash');
  }

  return {
    name: 'freedesktop',
    async trash(file) {
      try {
        return { trashPath: await moveInto(homeTrash, file) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      }
      // Another file system: use its own trash ($topdir/.Trash-$uid) so nothing is copied.
      const topdir = await findTopdir(file);
      const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
      const trashDir = path.join(topdir.toString('latin1'), `.Trash-${uid}`);
      return { trashPath: await moveInto(trashDir, file) };
    },
    async restore(trashPath, original) {
      const from = Buffer.from(trashPath, 'latin1');
      try {
        await fs.access(original);
        throw new EngineError('CONFLICT', `Cannot restore: a file already exists at ${original.toString('utf8')}`);
      } catch (error) {
        if (error instanceof EngineError) throw error;
      }
      await fs.mkdir(Buffer.from(path.dirname(original.toString('latin1')), 'latin1'), { recursive: true }).catch(() => undefined);
      try {
        await fs.rename(from, original);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('NOT_FOUND', 'The file is no longer in the trash (was the trash emptied?)');
        throw error;
      }
      const name = path.basename(trashPath);
      const info = path.join(path.dirname(path.dirname(trashPath)), 'info', `${name}.trashinfo`);
      await fs.rm(Buffer.from(info, 'latin1'), { force: true });
    },
  };
}
