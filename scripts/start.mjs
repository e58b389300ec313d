#!/usr/bin/env node
// `npm start`: builds the renderer when renderer/dist is missing or older than its sources, and
// the engine, hosts and Electron shell (dist/, scripts/build.mjs) likewise, then starts the
// Electron app when the electron package and its binary are installed, or else the browser
// bridge, printing its URL and opening the default browser when it can.
//   npm start -- --data DIR      data directory (default: $SIFT_DATA or the per-user default)
//   npm start -- --port N        bridge port (default: a free one)
//   npm start -- --no-open       do not open a browser
//   npm start -- --bridge        browser mode even when Electron is installed
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    port: { type: 'string', default: '0' },
    'no-open': { type: 'boolean', default: false },
    bridge: { type: 'boolean', default: false },
  },
});

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function rendererIsStale() {
  const built = path.join(root, 'renderer', 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(path.join(root, 'renderer', 'src')),
    newestMtime(path.join(root, 'src', 'common')),
    statSync(path.join(root, 'renderer', 'index.html')).mtimeMs,
    statSync(path.join(root, 'renderer', 'vite.config.ts')).mtimeMs,
  );
  return sources > statSync(built).mtimeMs;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron binary, when the optional dependency and its download are both present. */
function electronBinary() {
  const pathFile = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function openBrowser(url) {
  if (values['no-open']) return;
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser to open (headless machine): the printed URL is enough.
  }
}

if (rendererIsStale()) {
  console.log('Building the renderer…');
  run('npm', ['run', 'build:renderer', '--silent']);
}

try {
  await ensureBuilt({ log: (line) => console.log(line) });
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const dataArgs = values.data ? ['--data', path.resolve(values.data)] : [];
const electron = values.bridge ? null : electronBinary();

if (electron) {
  const child = spawn(electron, [root, ...dataArgs], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!values.bridge) console.log('Electron is not installed here; starting Sift in browser mode.');
  const child = spawn(
    process.execPath,
    [path.join(root, 'dist', 'bridge.js'), '--port', values.port, ...dataArgs],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  lines.once('line', (line) => {
    let info;
    try {
      info = JSON.parse(line);
    } catch {
      console.log(line);
      return;
    }
    console.log(
      `\nSift is running (data: ${info.dataDir}).\nOpen: ${info.url}\n(This link carries a one-time secret; do not share it. Ctrl+C stops Sift.)\n`,
    );
    openBrowser(info.url);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
