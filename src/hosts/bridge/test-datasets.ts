/** Where the shared datasets live: $SIFT_DATASETS, else ../shared/datasets next to the repository. */
import path from 'node:path';
import { PACKAGE_ROOT } from '../../engine/paths';

export function datasetsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SIFT_DATASETS ? path.resolve(env.SIFT_DATASETS) : path.resolve(PACKAGE_ROOT, '..', 'shared', 'datasets');
}
