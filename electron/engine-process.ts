/**
 * The engine inside an Electron utility process: SQLite, scanning and inference never run on
 * the main thread. Contract messages (`WireMessage`) are served as they come from the main
 * process, which has already checked the sender and the method name; host messages carry
 * thumbnails and OS-trash requests.
 */
import { parseArgs } from 'node:util';
import { serveMessages } from '../src/common/contract/rpc';
import { EngineError, isSerializedError } from '../src/common/errors';
import { createLogger } from '../src/common/logger';
import { createEngine } from '../src/engine/engine';
import type { TrashBackend } from '../src/engine/engine';
import { defaultDataDir } from '../src/engine/paths';
import type { HostReply } from './host-messages';
import { isHostMessage } from './host-messages';

const parentPort = process.parentPort;
if (!parentPort) throw new Error('engine-process must run as an Electron utility process');
const port = parentPort;

const { values } = parseArgs({
  options: { data: { type: 'string' }, models: { type: 'string' } },
  allowPositionals: true,
});
const logger = createLogger((level, message, context) => {
  process.stderr.write(`${JSON.stringify({ level, message, ...context })}\n`);
});
const post = (message: HostReply | object): void => port.postMessage(message);

// The OS trash is reached through the main process (shell.trashItem is a main-process API).
let nextHostCall = 1;
const hostCalls = new Map<
  number,
  { resolve: (trashPath: string | null) => void; reject: (error: EngineError) => void }
>();
function callHost(message: (id: number) => HostReply): Promise<string | null> {
  const id = nextHostCall++;
  return new Promise((resolve, reject) => {
    hostCalls.set(id, { resolve, reject });
    post(message(id));
  });
}
const trash: TrashBackend = {
  name: 'electron-shell',
  trash: async (file) => ({
    trashPath: await callHost((id) => ({ t: 'host', kind: 'trash', id, file: file.toString('base64') })),
  }),
  restore: async (trashPath, original) => {
    await callHost((id) => ({
      t: 'host',
      kind: 'restore',
      id,
      trashPath,
      original: original.toString('base64'),
    }));
  },
};

// A function rather than top-level await, so that a failed start reaches the main process (below).
async function main(): Promise<void> {
  const engine = await createEngine({
    dataDir: values.data ?? defaultDataDir(),
    ...(values.models ? { modelsDir: values.models } : {}),
    logger,
    trash,
  });
  const server = serveMessages(engine.dispatch, post);
  engine.subscribe((event, payload) => server.emit(event, payload));

  port.on('message', ({ data }) => {
    if (!isHostMessage(data)) {
      server.receive(data);
      return;
    }
    const message = data as {
      kind: string;
      id?: number;
      photoId?: number;
      size?: 'small' | 'large' | 'full';
      ok?: boolean;
      trashPath?: string | null;
      code?: string;
      message?: string;
    };
    switch (message.kind) {
      case 'thumb':
        if (
          typeof message.id === 'number' &&
          typeof message.photoId === 'number' &&
          (message.size === 'small' || message.size === 'large' || message.size === 'full')
        ) {
          const id = message.id;
          engine.thumbnail(message.photoId, message.size).then(
            (result) => post({ t: 'host', kind: 'thumb-result', id, result }),
            () => post({ t: 'host', kind: 'thumb-result', id, result: null }),
          );
        }
        break;
      case 'trash-result': {
        const call = typeof message.id === 'number' ? hostCalls.get(message.id) : undefined;
        if (!call || message.id === undefined) break;
        hostCalls.delete(message.id);
        if (message.ok) call.resolve(message.trashPath ?? null);
        else {
          const serialized = { code: message.code, message: message.message };
          call.reject(
            isSerializedError(serialized)
              ? EngineError.from(serialized)
              : new EngineError('IO', message.message ?? 'Trash failed'),
          );
        }
        break;
      }
      case 'shutdown':
        void engine.dispose().then(() => {
          post({ t: 'host', kind: 'stopped' });
          process.exit(0);
        });
        break;
      default:
        logger.warn('unknown host message', { kind: message.kind });
    }
  });
  post({ t: 'host', kind: 'ready' });
}

main().catch((error: unknown) => {
  logger.error('engine failed to start', { error: error instanceof Error ? error.stack : String(error) });
  post({ t: 'host', kind: 'fatal', message: EngineError.from(error).message });
  process.exit(1);
});
