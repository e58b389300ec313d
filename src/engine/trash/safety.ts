/**
 * Checks made at the moment of deletion, on the disk as it is then (a plan can be hours old):
 * where the file really is, what it really holds, and that another copy really survives.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

/** SHA-256 of a file's bytes, streamed (a RAW or video-sized file never sits in memory). */
export function hashFile(file: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest()));
  });
}

const SLASH = 0x2f;

/** Real paths of the library folders (symlinks resolved); folders that are gone are left out. */
export async function realRoots(folders: string[]): Promise<Buffer[]> {
  const roots: Buffer[] = [];
  for (const folder of folders) {
    try {
      roots.push(await fs.realpath(Buffer.from(folder), { encoding: 'buffer' }));
    } catch {
      // A folder that no longer exists holds nothing to delete.
    }
  }
  return roots;
}

function isInside(real: Buffer, root: Buffer): boolean {
  if (root.length === 1 && root[0] === SLASH) return true;
  return (
    real.length > root.length && real[root.length] === SLASH && real.subarray(0, root.length).equals(root)
  );
}

export type Located = { ok: true; entry: Buffer } | { ok: false; why: string };

/**
 * The directory entry a move would act on: the real path of the file's folder plus its name. A path
 * that runs through a symlinked folder moves the file where the link points, which may be outside
 * the library: refused. The entry must be a regular file (moving a symlink deletes nothing, and its
 * target's content is not what the plan means).
 */
export async function locateInLibrary(file: Buffer, roots: Buffer[]): Promise<Located> {
  const name = Buffer.from(path.basename(file.toString('latin1')), 'latin1');
  let dir: Buffer;
  try {
    dir = await fs.realpath(Buffer.from(path.dirname(file.toString('latin1')), 'latin1'), {
      encoding: 'buffer',
    });
  } catch (error) {
    return {
      ok: false,
      why: `its folder cannot be reached (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    };
  }
  const entry = Buffer.concat([
    dir,
    dir[dir.length - 1] === SLASH ? Buffer.alloc(0) : Buffer.from('/'),
    name,
  ]);
  if (!roots.some((root) => isInside(entry, root))) {
    return {
      ok: false,
      why: `it is really at ${entry.toString('utf8')}, outside the library folders (through a symbolic link); not deleted`,
    };
  }
  let st;
  try {
    st = await fs.lstat(entry);
  } catch (error) {
    return {
      ok: false,
      why:
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'the file is gone'
          : `cannot be read (${String(error)})`,
    };
  }
  if (st.isSymbolicLink())
    return { ok: false, why: 'it is a symbolic link, not the photo itself; not deleted' };
  if (!st.isFile()) return { ok: false, why: 'it is not a regular file' };
  return { ok: true, entry };
}

/** Whether `file` is inside the library, a regular file, and holds exactly `sha`. */
export async function holdsContent(file: Buffer, roots: Buffer[], sha: Buffer): Promise<Located> {
  const at = await locateInLibrary(file, roots);
  if (!at.ok) return at;
  try {
    if (!(await hashFile(at.entry)).equals(sha))
      return { ok: false, why: 'its content is not the one the library knows' };
  } catch (error) {
    return { ok: false, why: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  return at;
}
