/**
 * Starts a worker thread from its module's source URL (`new URL('./x-worker.ts', import.meta.url)`),
 * so that the same call works from the sources (vitest, tsx scripts) and from the build.
 *
 * - Built (this module is JavaScript in dist/): scripts/build.mjs emits every worker as `<name>.js`
 *   in the same flat folder as the chunk that refers to it, so the built worker is the source URL
 *   with a `.js` extension. Nothing is transpiled at run time.
 * - From the sources: on Node 20, `execArgv: ['--import', 'tsx']` does not reach worker threads
 *   ("Unknown file extension .ts"), so a one-line ESM bootstrap registers tsx's loader inside the
 *   worker (resolved from this file, not the cwd) and then imports the module. tsx is a
 *   devDependency: only tests, benchmarks and dev scripts run the sources.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The module a worker thread runs: its built `.js` twin when this process runs the build. */
function workerEntry(source: URL): URL {
  if (RUNNING_FROM_SOURCE || !source.pathname.endsWith('.ts')) return source;
  return new URL(source.href.replace(/\.ts$/, '.js'));
}

export function startWorker(source: URL, name: string): Worker {
  const entry = workerEntry(source);
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { name });
  // require.resolve yields the CJS entry (index.cjs); its ESM twin index.mjs sits beside it.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, name });
}
