#!/usr/bin/env node
// `npm install` runs this: builds the ONNX models (tools/models, from the pinned npm packages in
// models/manifest.json) and compiles Sift to JavaScript (scripts/build.mjs). Both tools are
// devDependencies. After `npm install --omit=dev` they are absent: an existing build and existing
// models are then used as they are; without them `sift` and `npm start` say what to run, and a scan
// with recognition names the missing model files.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DIST, ROOT, build } from './build.mjs';

const require = createRequire(import.meta.url);
const installed = (name) => {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
};

if (!installed('tsx') || !installed('esbuild')) {
  const have = existsSync(path.join(DIST, 'build.json'))
    ? 'the existing build in dist/ is used'
    : 'Sift is not built';
  console.warn(
    `[postinstall] devDependencies are not installed (npm install --omit=dev?): models and JavaScript are not built; ${have}.`,
  );
  console.warn('[postinstall] Run `npm install` (with devDependencies) to build them.');
  process.exit(0);
}

const models = spawnSync(
  process.execPath,
  ['--import', 'tsx', path.join(ROOT, 'tools', 'models', 'build-models.ts')],
  { cwd: ROOT, stdio: 'inherit' },
);
if (models.status !== 0) process.exit(models.status ?? 1);
const { ms } = await build();
console.log(`[postinstall] Sift built in dist/ (${ms} ms)`);
