/**
 * Entry point of browser mode, run from the build by `npm start`: `node dist/bridge.js [--data DIR] [--port N]`.
 * Starts the engine and the bridge, prints one JSON line `{"url": ...}` on stdout for the launcher,
 * and shuts the engine down cleanly on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../../engine/engine';
import { defaultDataDir, PACKAGE_ROOT } from '../../engine/paths';
import { createLogger } from '../../common/logger';
import type { LogLevel } from '../../common/logger';
import { startBridge } from './bridge';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    port: { type: 'string', default: '0' },
    static: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

// Logs go to stderr as JSON lines; stdout carries only the URL line the launcher reads.
const logger = createLogger(
  (level: LogLevel, message, context) => {
    process.stderr.write(`${JSON.stringify({ level, message, ...context })}\n`);
  },
  values.verbose ? 'debug' : 'info',
);

const dataDir = values.data ? resolve(values.data) : defaultDataDir();
const engine = await createEngine({ dataDir, logger });
const bridge = await startBridge({
  engine,
  port: Number(values.port),
  staticDir: values.static ? resolve(values.static) : resolve(PACKAGE_ROOT, 'renderer', 'dist'),
  logger,
});
process.stdout.write(`${JSON.stringify({ url: bridge.url, dataDir })}\n`);

let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  void (async () => {
    await bridge.close();
    await engine.dispose();
    process.exit(0);
  })();
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
