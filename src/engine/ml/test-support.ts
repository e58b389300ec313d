/** Paths shared by the ml tests, benchmark and build script (no test framework imports here). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_MODELS_DIR = path.join(REPO_ROOT, 'models');
/** Dev datasets: `<repo>/../shared/datasets/dev`, or $SIFT_DATASETS. */
export const DATASETS_DIR = process.env.SIFT_DATASETS ? path.resolve(process.env.SIFT_DATASETS) : path.resolve(REPO_ROOT, '../shared/datasets/dev');
