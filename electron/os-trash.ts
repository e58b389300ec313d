/**
 * The TrashBackend of the desktop app: `shell.trashItem` moves the file (the main process does
 * it on request of the utility process). Undo needs to know where the file went: on Linux the
 * OS follows the freedesktop.org trash spec, so the `.trashinfo` whose `Path=` names the
 * original file tells us. Elsewhere the OS does not say, and undo must happen in the OS trash.
 *
 * Trash paths are latin1 strings standing for raw bytes, like the engine's own freedesktop
 * backend, so names that are not UTF-8 survive the round trip.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../src/common/errors';
import type { TrashBackend } from '../src/engine/trash/backend';

export interface OsTrashOptions {
  /** `shell.trashItem` in the app; any function that moves a file to the OS trash. */
  trashItem: (file: string) => Promise<void>;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

const bytes = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');

/** Percent-decoding to raw bytes (decodeURIComponent would reject non-UTF-8 names). */
export function decodeTrashInfoPath(value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (ch === 0x25 && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      out.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(value[i] ?? '', 'utf8'));
  }
  return Buffer.from(out);
}

export function parseTrashInfo(text: string): { path: Buffer; deletedAt: string } | null {
  if (!/^\[Trash Info\]$/m.test(text)) return null;
  const p = /^Path=(.+)$/m.exec(text)?.[1];
  if (!p) return null;
  return {
    path: decodeTrashInfoPath(p.trim()),
    deletedAt: /^DeletionDate=(.+)$/m.exec(text)?.[1]?.trim() ?? '',
  };
}

/** Trash directories that may hold `file`: the home trash, then the top directory's trashes. */
async function candidateTrashDirs(
  file: Buffer,
  env: NodeJS.ProcessEnv,
): Promise<Array<{ dir: string; topdir: string | null }>> {
  const home = path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'Trash');
  const dirs: Array<{ dir: string; topdir: string | null }> = [
    { dir: Buffer.from(home).toString('latin1'), topdir: null },
  ];
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  let dir = path.dirname(file.toString('latin1'));
  try {
    const dev = (await fs.stat(bytes(dir))).dev;
    for (;;) {
      const parent = path.dirname(dir);
      if (parent === dir || (await fs.stat(bytes(parent))).dev !== dev) break;
      dir = parent;
    }
    dirs.push(
      { dir: path.join(dir, '.Trash', String(uid)), topdir: dir },
      { dir: path.join(dir, `.Trash-${uid}`), topdir: dir },
    );
  } catch {
    // The parent vanished: only the home trash is left to look in.
  }
  return dirs;
}

/** Finds where the OS put `original`: `<trash>/files/<name>` of the newest matching `.trashinfo`. */
export async function locateTrashedFile(
  original: Buffer,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | null> {
  // Trash implementations name the entry after the file, adding a counter on clashes.
  const stem = path.basename(original.toString('latin1')).split('.')[0] ?? '';
  // DeletionDate has one-second resolution; the .trashinfo's mtime orders same-second deletions.
  let best: { trashPath: string; deletedAt: string; mtimeMs: number } | null = null;
  for (const { dir, topdir } of await candidateTrashDirs(original, env)) {
    let names: Buffer[];
    try {
      names = await fs.readdir(bytes(path.join(dir, 'info')), { encoding: 'buffer' });
    } catch {
      continue;
    }
    for (const nameBytes of names) {
      const name = nameBytes.toString('latin1');
      if (!name.endsWith('.trashinfo') || !name.startsWith(stem)) continue;
      let info: ReturnType<typeof parseTrashInfo>;
      let mtimeMs: number;
      try {
        const infoFile = bytes(path.join(dir, 'info', name));
        info = parseTrashInfo(await fs.readFile(infoFile, 'utf8'));
        mtimeMs = (await fs.stat(infoFile)).mtimeMs;
      } catch {
        continue;
      }
      if (!info) continue;
      const full =
        topdir && !info.path.toString('latin1').startsWith('/')
          ? bytes(path.join(topdir, info.path.toString('latin1')))
          : info.path;
      if (!full.equals(original)) continue;
      const trashPath = path.join(dir, 'files', name.slice(0, -'.trashinfo'.length));
      if (
        !best ||
        info.deletedAt > best.deletedAt ||
        (info.deletedAt === best.deletedAt && mtimeMs >= best.mtimeMs)
      ) {
        best = { trashPath, deletedAt: info.deletedAt, mtimeMs };
      }
    }
  }
  return best?.trashPath ?? null;
}

/**
 * Moves a trashed file back. Only a file in a trash `files/` folder whose `.trashinfo` names
 * `original` is moved, and never over an existing file.
 */
export async function restoreFromTrash(trashPath: string, original: Buffer): Promise<void> {
  const filesDir = path.dirname(trashPath);
  const name = path.basename(trashPath);
  if (path.basename(filesDir) !== 'files')
    throw new EngineError('INVALID_ARGUMENT', 'Not a path inside a trash folder');
  const infoPath = path.join(path.dirname(filesDir), 'info', `${name}.trashinfo`);
  let info: ReturnType<typeof parseTrashInfo>;
  try {
    info = parseTrashInfo(await fs.readFile(bytes(infoPath), 'utf8'));
  } catch {
    throw new EngineError(
      'NOT_FOUND',
      `The trash no longer holds ${original.toString('utf8')} (emptied or restored already)`,
    );
  }
  const trashDir = path.dirname(filesDir);
  const topdir = path.basename(trashDir).startsWith('.Trash')
    ? path.dirname(trashDir)
    : path.basename(path.dirname(trashDir)) === '.Trash'
      ? path.dirname(path.dirname(trashDir))
      : null;
  const named =
    info && topdir && !info.path.toString('latin1').startsWith('/')
      ? bytes(path.join(topdir, info.path.toString('latin1')))
      : info?.path;
  if (!named?.equals(original)) throw new EngineError('CONFLICT', 'The trash entry belongs to another file');
  try {
    await fs.lstat(original);
    throw new EngineError('CONFLICT', `${original.toString('utf8')} exists again; not overwriting it`);
  } catch (error) {
    if (error instanceof EngineError) throw error;
  }
  await fs.mkdir(bytes(path.dirname(original.toString('latin1'))), { recursive: true });
  await fs.rename(bytes(trashPath), original);
  await fs.rm(bytes(infoPath), { force: true });
}

export function createOsTrash(options: OsTrashOptions): TrashBackend {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  return {
    name: `os-trash(${platform})`,
    async trash(file) {
      await options.trashItem(file.toString('utf8'));
      return { trashPath: platform === 'linux' ? await locateTrashedFile(file, env) : null };
    },
    async restore(trashPath, original) {
      if (platform !== 'linux') {
        throw new EngineError(
          'UNSUPPORTED',
          'This system does not say where trashed files went: restore them from the Recycle Bin / Trash.',
        );
      }
      await restoreFromTrash(trashPath, original);
    },
  };
}
