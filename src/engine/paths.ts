import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Per-user data directory: $SIFT_DATA, else XDG_DATA_HOME/sift on Linux, the OS convention elsewhere. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SIFT_DATA) return path.resolve(env.SIFT_DATA);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Sift');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Sift');
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'sift');
  }
}

/**
 * The folder of Sift's package.json (the repository, or the installed package), where `models/`,
 * `migrations/` and `renderer/dist/` live. Found by walking up rather than by a fixed `../..`:
 * this module runs from src/engine/ (sources) and from a chunk in dist/ (the build).
 */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

export const DEFAULT_MODELS_DIR = path.join(PACKAGE_ROOT, 'models');
