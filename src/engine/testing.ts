/** Helpers for tests and benchmarks: temp folders, the shared dataset, generated photos. */
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { PACKAGE_ROOT } from './paths';

/**
 * Where the dev datasets may live, in order: `$SIFT_DATASETS` (a dev folder) alone when it is set;
 * else `../shared/datasets/dev` beside the repository, then the permissive subset shipped in
 * `test/fixtures/dev` (imagededup's and face-api's images: see its README).
 */
function datasetRoots(): string[] {
  if (process.env.SIFT_DATASETS) return [path.resolve(process.env.SIFT_DATASETS)];
  return [path.join(PACKAGE_ROOT, '../shared/datasets/dev'), path.join(PACKAGE_ROOT, 'test/fixtures/dev')];
}

export interface DatasetNeed {
  /** The first root that holds every part asked for, as a real path (the library stores real paths). */
  root: string;
  skip: boolean;
  /** Appended to a suite's name when it is skipped, so the report says why. */
  why: string;
}

/** Finds a dataset root holding all `parts` (paths relative to a dev folder, e.g. 'dedup/synthetic'). */
export function needDataset(...parts: string[]): DatasetNeed {
  const roots = datasetRoots();
  for (const root of roots)
    if (parts.every((p) => existsSync(path.join(root, p))))
      return { root: realpathSync(root), skip: false, why: '' };
  const why = ` [skipped: needs ${parts.join(', ')} of the dev datasets, not found in ${roots.join(' or ')}]`;
  // The default reporter names skipped files only; say why where a person reads the run (test tooling, not engine code).
  // eslint-disable-next-line no-console
  console.warn(why.trim());
  return { root: roots[0] as string, skip: true, why };
}

/** The first dataset root that exists (for code that checks its own parts). */
export function datasetsRoot(): string {
  return needDataset('.').root;
}

export function tempDir(prefix = 'sift-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Node arguments that run the `sift` command from the TypeScript sources (tests check the sources;
 * bin/sift.mjs runs the build): `spawn(process.execPath, cliFromSource('scan', dir))`.
 */
export function cliFromSource(...args: string[]): string[] {
  return ['--import', 'tsx', path.join(PACKAGE_ROOT, 'src/hosts/cli/bin.ts'), ...args];
}

/** A photo-like JPEG: smooth gradients plus a few shapes, varied by `seed`. */
export async function makeJpeg(width: number, height: number, seed: number, quality = 85): Promise<Buffer> {
  const hue = (seed * 67) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},60%,${30 + (seed % 5) * 8}%)"/>
      <stop offset="1" stop-color="hsl(${(hue + 120) % 360},50%,60%)"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${((seed * 37) % 80) + 10}%" cy="${((seed * 53) % 70) + 15}%" r="${10 + (seed % 7) * 3}%" fill="hsl(${(hue + 200) % 360},70%,45%)"/>
    <rect x="${(seed * 13) % 60}%" y="${(seed * 29) % 60}%" width="${20 + (seed % 4) * 5}%" height="${15 + (seed % 3) * 10}%" fill="hsl(${(hue + 60) % 360},80%,${20 + (seed % 3) * 25}%)"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality }).toBuffer();
}
