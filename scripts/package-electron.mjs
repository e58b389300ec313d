#!/usr/bin/env node
// Prepares the desktop app: builds the renderer and dist/ (engine, workers, Electron shell), then
// rebuilds the native modules (better-sqlite3, hnswlib-node, onnxruntime-node ships prebuilt N-API) for
// Electron's ABI. Not run in postinstall: a module rebuilt for Electron no longer loads in
// plain Node, so the CLI, the bridge and the tests would break until `--restore`.
//
//   node scripts/package-electron.mjs             build + rebuild natives for Electron
//   node scripts/package-electron.mjs --restore   rebuild natives for this Node again
//   node scripts/package-electron.mjs --method=npm  use `npm rebuild --runtime=electron` instead of @electron/rebuild
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const electronVersion = (pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? '').replace(
  /^[^0-9]*/,
  '',
);
const natives = ['better-sqlite3', 'hnswlib-node'];
const args = new Set(process.argv.slice(2));

function run(cmd, cmdArgs) {
  console.log(`$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`failed: ${cmd} ${cmdArgs.join(' ')}`);
    process.exit(r.status ?? 1);
  }
}

if (args.has('--restore')) {
  run('npm', ['rebuild', ...natives]);
  console.log('Native modules rebuilt for Node', process.version);
  process.exit(0);
}

if (!electronVersion) {
  console.error('No electron version in package.json');
  process.exit(1);
}
if (!existsSync(path.join(root, 'node_modules', 'electron', 'package.json'))) {
  console.warn(
    'warning: node_modules/electron is missing (optional dependency); the build continues but the app cannot run here.',
  );
}

run('npm', ['run', 'build:renderer']);
run('npm', ['run', 'build']);
if ([...args].some((a) => a === '--method=npm')) {
  run('npm', [
    'rebuild',
    ...natives,
    '--runtime=electron',
    `--target=${electronVersion}`,
    '--dist-url=https://electronjs.org/headers',
    '--build-from-source',
  ]);
} else {
  run('npx', [
    '--yes',
    '@electron/rebuild',
    '--version',
    electronVersion,
    '--only',
    natives.join(','),
    '--force',
  ]);
}
console.log(`
Ready for Electron ${electronVersion}: start it with \`npx electron .\` (package.json "main" is dist/electron/main.cjs).
To make installers, point electron-builder or Electron Forge at this folder; include package.json,
renderer/dist, dist (the engine, its workers and the shell, built by \`npm run build\`), migrations,
models and the production node_modules (no TypeScript and no tsx are needed at run time).
Run \`node scripts/package-electron.mjs --restore\` before using the CLI, the bridge or the tests again.`);
