/**
 * Entry of the utility process (bundled to dist/electron/engine-process.cjs). The engine is
 * not bundled: it finds its migrations and models relative to its own files and starts
 * inference workers from TypeScript sources, so it runs from source through tsx (a runtime
 * dependency), exactly as in the CLI and the bridge.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const entry = pathToFileURL(path.resolve(__dirname, '..', '..', 'electron', 'engine-process.ts')).href;
import(entry).catch((error: unknown) => {
  process.stderr.write(`Sift engine failed to load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
