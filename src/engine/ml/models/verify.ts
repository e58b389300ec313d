/**
 * Run-time check of the built model files: each file the manifest lists must exist with its pinned
 * sha256. Nothing is built here: the model compiler is build-time tooling (tools/models, run by
 * `npm install` and `npm run build:models`), and the engine never imports it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../../../common/errors';
import { readManifest, type ModelManifest } from './manifest';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of a file, or undefined when it cannot be read. */
export async function fileSha256(file: string): Promise<string | undefined> {
  try {
    return sha256Hex(await readFile(file));
  } catch {
    return undefined;
  }
}

const REBUILD =
  'run `npm run build:models` (it builds them from the pinned npm packages; `npm install` runs it too)';

/** Verifies every built model of the manifest in `modelsDir`; throws a MODEL error naming the first bad one. */
export async function verifyModelFiles(modelsDir: string): Promise<ModelManifest> {
  const manifest = await readManifest(modelsDir);
  for (const spec of manifest.models) {
    const file = path.join(modelsDir, spec.output.file);
    const actual = await fileSha256(file);
    if (actual === undefined)
      throw new EngineError('MODEL', `Model file ${file} (${spec.task}) is missing; ${REBUILD}`);
    if (actual !== spec.output.sha256)
      throw new EngineError(
        'MODEL',
        `Model file ${file} (${spec.task}) has sha256 ${actual} but the manifest pins ${spec.output.sha256 || '(none)'}; ${REBUILD}`,
      );
  }
  return manifest;
}
