/** Repository paths: the default models dir (manifest + build/). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_MODELS_DIR = path.join(REPO_ROOT, 'models');
