/**
 * Entry of the utility process (bundled to dist/electron/engine-process.cjs). The engine is built
 * as ES modules in dist/ (dist/engine-process.js with its chunks and worker threads: see
 * scripts/build.mjs), which a CommonJS file loads with a dynamic import.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = pathToFileURL(path.resolve(__dirname, '..', 'engine-process.js')).href;
import(entry).catch((error: unknown) => {
  process.stderr.write(
    `Sift engine failed to load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
