/** Repository paths: the default models dir (manifest + build/) and the dev datasets used by tests and benchmarks. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_MODELS_DIR = path.join(REPO_ROOT, 'models');
/** Dev datasets: `<repo>/../shared/datasets/dev`, or $SIFT_DATASETS. */
export const DATASETS_DIR = process.env.SIFT_DATASETS ? path.resolve(process.env.SIFT_DATASETS) : path.resolve(REPO_ROOT, '../shared/datasets/dev');
