/**
 * Recursive folder walk on raw byte paths (so non-UTF-8 names survive), following symlinks
 * with loop detection. Problems are reported, never thrown: one bad folder never stops a scan.
 */
import { promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import type { ScanErrorCode } from '../../common/contract/types';

export interface WalkEntry {
  path: Buffer;
  size: number;
  mtimeMs: number;
}

export interface WalkProblem {
  path: Buffer;
  code: ScanErrorCode;
  message: string;
}

const SLASH = Buffer.from('/');

export function joinPath(dir: Buffer, name: Buffer): Buffer {
  return dir.length > 0 && dir[dir.length - 1] === 0x2f
    ? Buffer.concat([dir, name])
    : Buffer.concat([dir, SLASH, name]);
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : '';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function problemFromFsError(path: Buffer, error: unknown): WalkProblem {
  const code = errorCode(error);
  switch (code) {
    case 'ELOOP':
      return { path, code: 'SYMLINK_LOOP', message: 'Symbolic link loop' };
    case 'ENOENT':
      return { path, code: 'VANISHED', message: 'File disappeared during the scan' };
    case 'EACCES':
    case 'EPERM':
      return { path, code: 'UNREADABLE', message: 'Permission denied' };
    default:
      return { path, code: 'UNREADABLE', message: `Cannot read: ${describe(error)}` };
  }
}

/** Yields regular files under `root`. Hidden folders (".name") are skipped. */
export async function* walkFiles(
  root: Buffer,
  onProblem: (p: WalkProblem) => void,
  signal?: AbortSignal,
): AsyncGenerator<WalkEntry> {
  let rootStat: Stats;
  try {
    rootStat = await fs.stat(root);
  } catch (error) {
    onProblem(problemFromFsError(root, error));
    return;
  }
  if (!rootStat.isDirectory()) {
    onProblem({ path: root, code: 'UNREADABLE', message: 'Library folder is not a directory' });
    return;
  }
  // Directories are identified by device and inode so a symlink back to an ancestor is caught.
  const visited = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
  const stack: Buffer[] = [root];
  while (stack.length > 0) {
    signal?.throwIfAborted();
    const dir = stack.pop() as Buffer;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      onProblem(problemFromFsError(dir, error));
      continue;
    }
    // Sorted for a deterministic order (resume, tests).
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    const subdirs: Buffer[] = [];
    for (const entry of entries) {
      const full = joinPath(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name[0] === 0x2e) continue;
        try {
          const st = await fs.stat(full);
          const key = `${st.dev}:${st.ino}`;
          if (!visited.has(key)) {
            visited.add(key);
            subdirs.push(full);
          }
        } catch (error) {
          onProblem(problemFromFsError(full, error));
        }
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      let st: Stats;
      try {
        st = await fs.stat(full);
      } catch (error) {
        onProblem(problemFromFsError(full, error));
        continue;
      }
      if (st.isDirectory()) {
        if (entry.name[0] === 0x2e) continue;
        const key = `${st.dev}:${st.ino}`;
        if (visited.has(key)) {
          onProblem({
            path: full,
            code: 'SYMLINK_LOOP',
            message: 'Symbolic link points back to a folder already scanned',
          });
        } else {
          visited.add(key);
          subdirs.push(full);
        }
        continue;
      }
      if (!st.isFile()) continue;
      yield { path: full, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as Buffer);
  }
}
