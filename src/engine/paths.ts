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

/** The repository (or installed package) root, where `models/` and `migrations/` live. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_MODELS_DIR = path.join(PACKAGE_ROOT, 'models');
