#!/usr/bin/env node
// `npm run build`: compiles the engine, its hosts, the worker threads and the Electron shell to
// JavaScript once, into dist/, so that nothing transpiles TypeScript at run time.
//
//   dist/{cli,bridge,engine-process}.js        ESM entries of the hosts (bin/sift.mjs, npm start, Electron)
//   dist/{inference,heic,metadata}-worker.js   worker threads, beside the chunks that start them
//   dist/stall-child.js                        the crash test's stalling engine (npm run test:crash)
//   dist/chunk-*.js                            code shared by the entries
//   dist/electron/{main,preload,engine-process}.cjs   Electron main, sandboxed preload, utility-process shim
//   dist/build.json                            the inputs of this build, for the freshness check
//
// The folder is flat on purpose: a worker is started from its source URL
// (`new URL('./heic-worker.ts', import.meta.url)`), and src/engine/workers/start-worker.ts runs
// the `.js` twin in the same folder. The build checks that every such reference has its file.
// npm packages stay external: native modules (better-sqlite3, sharp, onnxruntime-node) load from
// node_modules.
//   node scripts/build.mjs [--if-stale] [--outdir DIR]   --if-stale: only when a source changed;
//                                                        DIR: another folder under the package (tests)
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
const STAMP = 'build.json';

/** ESM entries: output name -> source. Worker entries must keep their source's basename. */
const ENTRIES = {
  cli: 'src/hosts/cli/bin.ts',
  bridge: 'src/hosts/bridge/main.ts',
  'engine-process': 'electron/engine-process.ts',
  'inference-worker': 'src/engine/ml/runtime/inference-worker.ts',
  'heic-worker': 'src/engine/scan/codecs/heic-worker.ts',
  'metadata-worker': 'src/engine/scan/metadata-worker.ts',
  'stall-child': 'src/engine/trash/stall-child.ts',
};

const ELECTRON_ENTRIES = {
  main: 'electron/main.ts',
  'engine-process': 'electron/engine-bootstrap.ts',
  preload: 'electron/preload.ts',
};

/** Every source file the build starts from: what runs (scripts/check-imports.mjs keeps tools/ out of it). */
export const RUNTIME_SOURCES = [...Object.values(ENTRIES), ...Object.values(ELECTRON_ENTRIES)];

/** Files whose change makes any build stale, besides the bundled sources. */
const BUILD_INPUTS = ['package.json', 'scripts/build.mjs'];

const WORKER_REFERENCE = /new URL\(\s*["']\.\/([\w.-]+)\.ts["']\s*,\s*import\.meta\.url\s*\)/g;

/** Builds into `outdir` (default dist/) through a temporary folder, so a reader never sees half a build. */
export async function build({ outdir = DIST, logLevel = 'warning' } = {}) {
  const { build: esbuild } = await import('esbuild');
  // Sources saved while the build runs must make it stale, so the stamp is the start time.
  const started = Date.now();
  const tmp = `${outdir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    logLevel,
    absWorkingDir: ROOT,
  };
  const esm = await esbuild({
    ...common,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, source]) => [name, path.join(ROOT, source)]),
    ),
    format: 'esm',
    splitting: true,
    packages: 'external',
    outdir: tmp,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
  });
  const cjs = {
    ...common,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    outdir: path.join(tmp, 'electron'),
    // Engine modules locate their package from import.meta.url; CommonJS has none.
    define: { 'import.meta.url': '__siftImportMetaUrl' },
    banner: { js: "const __siftImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
  const main = await esbuild({
    ...cjs,
    entryPoints: { main: path.join(ROOT, ELECTRON_ENTRIES.main) },
    packages: 'external',
  });
  // The utility process entry is a shim that imports dist/engine-process.js (ESM, with its workers).
  const shim = await esbuild({
    ...cjs,
    entryPoints: { 'engine-process': path.join(ROOT, ELECTRON_ENTRIES['engine-process']) },
    packages: 'external',
  });
  // A sandboxed preload can require nothing but 'electron': it is fully self-contained.
  const preload = await esbuild({
    ...cjs,
    entryPoints: { preload: path.join(ROOT, ELECTRON_ENTRIES.preload) },
    external: ['electron'],
  });

  checkWorkerReferences(tmp);
  const inputs = new Set(BUILD_INPUTS);
  for (const result of [esm, main, shim, preload])
    for (const input of Object.keys(result.metafile.inputs))
      if (!input.includes('node_modules/')) inputs.add(input);
  writeFileSync(
    path.join(tmp, STAMP),
    `${JSON.stringify({ builtAt: new Date(started).toISOString(), inputs: [...inputs].sort() }, null, 1)}\n`,
  );
  replaceFolder(tmp, outdir);
  return { ms: Date.now() - started, inputs: inputs.size };
}

/** Fails the build when a chunk starts a worker whose built file is missing. */
function checkWorkerReferences(dir) {
  const missing = [];
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.js')) continue;
    for (const [, name] of readFileSync(path.join(dir, file), 'utf8').matchAll(WORKER_REFERENCE)) {
      if (!existsSync(path.join(dir, `${name}.js`))) missing.push(`${name}.js (started from ${file})`);
    }
  }
  if (missing.length)
    throw new Error(
      `Worker modules are not built: ${missing.join(', ')}; add them to ENTRIES in scripts/build.mjs`,
    );
}

function replaceFolder(next, target) {
  const old = `${target}.${process.pid}.old`;
  if (existsSync(target)) renameSync(target, old);
  try {
    renameSync(next, target);
  } catch (error) {
    // Another process finished the same build first: keep its folder.
    if (!existsSync(target)) throw error;
    rmSync(next, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}

/** Why the build in `outdir` cannot be used as it is (missing, or a source newer than it), or null. */
export function staleReason(outdir = DIST) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(outdir, STAMP), 'utf8'));
  } catch {
    return 'not built yet';
  }
  const builtMs = Date.parse(stamp.builtAt);
  for (const input of stamp.inputs) {
    let mtimeMs;
    try {
      mtimeMs = statSync(path.join(ROOT, input)).mtimeMs;
    } catch {
      return `${input} is gone`;
    }
    if (mtimeMs > builtMs) return `${input} changed`;
  }
  return null;
}

/**
 * Rebuilds dist/ when it is missing or older than a source it was built from. Without esbuild
 * (an `npm install --omit=dev`), an existing build is used as it is.
 */
export async function ensureBuilt({ outdir = DIST, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const reason = staleReason(outdir);
  if (reason === null) return;
  let hasEsbuild = true;
  try {
    await import('esbuild');
  } catch {
    hasEsbuild = false;
  }
  if (!hasEsbuild) {
    if (existsSync(path.join(outdir, STAMP))) return;
    throw new Error(
      'Sift is not built, and its build tools (devDependencies) are not installed: run `npm install` without --omit=dev, or `npm run build` where they are.',
    );
  }
  log(`Building Sift (${reason})…`);
  const { ms } = await build({ outdir });
  log(`Built in ${ms} ms.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { 'if-stale': { type: 'boolean', default: false }, outdir: { type: 'string' } },
  });
  const outdir = values.outdir ? path.resolve(values.outdir) : DIST;
  if (values['if-stale']) await ensureBuilt({ outdir, log: (line) => console.log(line) });
  else {
    const { ms, inputs } = await build({ outdir });
    console.log(`Sift built in ${path.relative(ROOT, outdir)}/ from ${inputs} files in ${ms} ms`);
  }
}
