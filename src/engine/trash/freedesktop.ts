/**
 * The freedesktop.org trash (Linux desktops, and Sift's Node mode everywhere it applies):
 * $XDG_DATA_HOME/Trash/{files,info}, or $topdir/.Trash-$uid for other file systems.
 * The .trashinfo is written first (O_EXCL reserves the name), then the file is renamed in,
 * so file managers can restore it too and a crash never leaves an orphan without its info.
 * A trash folder on another file system is used only when it passes the spec's checks (and ours:
 * owned by this user, private, not a symlink); otherwise another user could read what lands there.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
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

const currentUid = (): number => (typeof process.getuid === 'function' ? process.getuid() : 0);

async function lstatOrNull(dir: string): Promise<Stats | null> {
  try {
    return await fs.lstat(Buffer.from(dir, 'latin1'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Why `dir` is not a trash folder only `uid` can reach, or null when it is. */
async function privateDirProblem(dir: string, uid: number): Promise<string | null> {
  const st = await lstatOrNull(dir);
  if (!st) return 'missing';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (!st.isDirectory()) return 'not a folder';
  if (st.uid !== uid) return `owned by another user (uid ${st.uid})`;
  if ((st.mode & 0o077) !== 0) return `open to other users (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

/** Creates `dir` (mode 0700) when missing, then checks it is private to `uid`. */
async function ensurePrivateDir(dir: string, uid: number): Promise<string | null> {
  try {
    await fs.mkdir(Buffer.from(dir, 'latin1'), { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
      return `cannot be created (${(error as Error).message})`;
  }
  return privateDirProblem(dir, uid);
}

/**
 * The trash folder for files under `topdir` (another file system than the home trash), by the
 * freedesktop.org spec: `$topdir/.Trash/$uid` when `$topdir/.Trash` is a real folder with the sticky
 * bit, else `$topdir/.Trash-$uid`. Each must be a real folder owned by this user and closed to others
 * (someone else may have made it in advance, as a symlink or open to all, to read what is trashed).
 * Throws UNSAFE_DELETE when neither is safe: nothing is moved then.
 */
export async function topdirTrashDir(topdir: string, uid = currentUid()): Promise<string> {
  const problems: string[] = [];
  const shared = path.join(topdir, '.Trash');
  const sharedStat = await lstatOrNull(shared);
  if (
    sharedStat &&
    sharedStat.isDirectory() &&
    !sharedStat.isSymbolicLink() &&
    (sharedStat.mode & 0o1000) !== 0
  ) {
    const own = path.join(shared, String(uid));
    const problem = await ensurePrivateDir(own, uid);
    if (problem === null && (await trashSubdirsProblem(own, uid)) === null) return own;
    problems.push(`${own} is ${problem ?? 'not usable'}`);
  }
  const own = path.join(topdir, `.Trash-${uid}`);
  const problem = (await ensurePrivateDir(own, uid)) ?? (await trashSubdirsProblem(own, uid));
  if (problem === null) return own;
  problems.push(`${own} is ${problem}`);
  throw new EngineError(
    'UNSAFE_DELETE',
    `No safe trash folder on the drive of this file: ${problems.map((p) => Buffer.from(p, 'latin1').toString('utf8')).join('; ')}. Nothing was moved.`,
  );
}

async function trashSubdirsProblem(dir: string, uid: number): Promise<string | null> {
  for (const sub of ['files', 'info']) {
    const problem = await ensurePrivateDir(path.join(dir, sub), uid);
    if (problem) return `unsafe (${sub}/ is ${problem})`;
  }
  return null;
}

export function createFreedesktopTrash(options: FreedesktopTrashOptions = {}): TrashBackend {
  // Kept as a latin1 string (one char per byte) like every trash path in this module.
  const homeTrash = Buffer.from(options.homeTrash ?? homeTrashDir()).toString('latin1');

  async function moveInto(
    trashDir: string,
    file: Buffer,
    onReserved?: (trashPath: string) => void,
    checked = false,
  ): Promise<string> {
    if (!checked) await ensureTrash(trashDir);
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
        await handle.writeFile(
          `[Trash Info]\nPath=${encodeTrashPath(file)}\nDeletionDate=${deletionDate()}\n`,
        );
      } finally {
        await handle.close();
      }
      const target = Buffer.from(path.join(trashDir, 'files', name), 'latin1');
      try {
        onReserved?.(target.toString('latin1'));
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
    async trash(file, onReserved) {
      try {
        return { trashPath: await moveInto(homeTrash, file, onReserved) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      }
      // Another file system: use its own trash so nothing is copied, if it is safe.
      const trashDir = await topdirTrashDir((await findTopdir(file)).toString('latin1'));
      return { trashPath: await moveInto(trashDir, file, onReserved, true) };
    },
    async restore(trashPath, original) {
      const from = Buffer.from(trashPath, 'latin1');
      try {
        await fs.access(original);
        throw new EngineError(
          'CONFLICT',
          `Cannot restore: a file already exists at ${original.toString('utf8')}`,
        );
      } catch (error) {
        if (error instanceof EngineError) throw error;
      }
      await fs
        .mkdir(Buffer.from(path.dirname(original.toString('latin1')), 'latin1'), { recursive: true })
        .catch(() => undefined);
      try {
        await fs.rename(from, original);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new EngineError('NOT_FOUND', 'The file is no longer in the trash (was the trash emptied?)');
        throw error;
      }
      const name = path.basename(trashPath);
      const info = path.join(path.dirname(path.dirname(trashPath)), 'info', `${name}.trashinfo`);
      await fs.rm(Buffer.from(info, 'latin1'), { force: true });
    },
  };
}
