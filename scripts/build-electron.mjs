#!/usr/bin/env node
// Bundles the Electron shell with esbuild: dist/electron/{main,preload,engine-process}.cjs.
// The engine itself is loaded from source by engine-process.cjs (see electron/engine-bootstrap.ts).
// npm packages stay external (native modules such as better-sqlite3 and sharp must be loaded
// from node_modules); the preload is fully self-contained because a sandboxed preload can
// require nothing but 'electron'.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'electron');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  outExtension: { '.js': '.cjs' },
  outdir,
  logLevel: 'info',
  // Engine modules locate migrations and models from import.meta.url; CommonJS has none.
  define: { 'import.meta.url': '__siftImportMetaUrl' },
  banner: { js: "const __siftImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await build({ ...common, entryPoints: [path.join(root, 'electron', 'main.ts')], packages: 'external' });
// The utility process entry only loads the engine from source through tsx (see engine-bootstrap.ts).
await build({ ...common, entryPoints: { 'engine-process': path.join(root, 'electron', 'engine-bootstrap.ts') }, packages: 'external' });
await build({ ...common, entryPoints: [path.join(root, 'electron', 'preload.ts')], external: ['electron'] });
console.log(`Electron shell built in ${path.relative(root, outdir)}`);
