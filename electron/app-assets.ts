/** Resolves `sift-app://app/<path>` to a file of the renderer build, confined to that folder. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { mimeFor, staticRelativePath } from '../src/hosts/bridge/guards';

export async function resolveAppAsset(root: string, rawPath: string): Promise<string | null> {
  const relative = staticRelativePath(rawPath);
  if (relative === null) return null;
  const realRoot = await fs.realpath(root);
  try {
    const real = await fs.realpath(path.join(realRoot, relative));
    if (!real.startsWith(realRoot + path.sep)) return null;
    return (await fs.stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

export const contentTypeFor = mimeFor;
