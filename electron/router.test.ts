/**
 * The main-process routing with real Node MessagePorts standing for window ports, and the real
 * engine behind `serveMessages` standing for the utility process.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createMessageTransport, serveMessages } from '../src/common/contract/rpc';
import type { ApiClient, WireMessage } from '../src/common/contract/rpc';
import type { Engine } from '../src/engine/engine';
import { createEngine } from '../src/engine/engine';
import { createRendererRouter } from './router';
import type { RendererRouter } from './router';

let dir: string;
let engine: Engine;
let router: RendererRouter;
const toEngineLog: WireMessage[] = [];
const opened: MessagePort[] = [];

/** A window: the app side of a channel whose other end the router owns. */
function openWindow(): { api: ApiClient; raw: MessagePort; detach: () => void } {
  const { port1: mainSide, port2: windowSide } = new MessageChannel();
  opened.push(mainSide, windowSide);
  const detach = router.attach(mainSide);
  mainSide.on('message', (data: unknown) => router.fromRenderer(mainSide, data));
  const { transport, receive } = createMessageTransport((m) => windowSide.postMessage(m));
  windowSide.on('message', receive);
  return { api: createClient(transport), raw: windowSide, detach };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sift-router-'));
  engine = await createEngine({ dataDir: dir });
  // The utility process side: serveMessages over the engine; its replies come back to the router.
  const server = serveMessages(engine.dispatch, (m) => queueMicrotask(() => router.fromEngine(m)));
  engine.subscribe((event, payload) => server.emit(event, payload));
  router = createRendererRouter((message) => {
    toEngineLog.push(message);
    server.receive(message);
  });
});

afterAll(async () => {
  for (const p of opened) p.close();
  await engine.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('renderer router', () => {
  it('routes each reply to the window that asked, with its own ids', async () => {
    const a = openWindow();
    const b = openWindow();
    const [sa, sb] = await Promise.all([a.api.library.status({}), b.api.library.listFolders({})]);
    expect(sa.images).toBe(0);
    expect(sb).toEqual([]);
    // Both windows used id 1; the engine saw two distinct ids.
    const ids = toEngineLog.slice(-2).map((m) => (m.t === 'req' ? m.id : -1));
    expect(new Set(ids).size).toBe(2);
    expect(router.pending).toBe(0);
  });

  it('refuses methods outside the contract before the engine sees them', async () => {
    const w = openWindow();
    const before = toEngineLog.length;
    const reply = new Promise<unknown>((resolve) => w.raw.once('message', resolve));
    w.raw.postMessage({ t: 'req', id: 99, method: 'fs:readFile', arg: { path: '/etc/passwd' } });
    expect(await reply).toMatchObject({ t: 'res', id: 99, ok: false, error: { code: 'UNAUTHORIZED' } });
    w.raw.postMessage({ t: 'res', id: 1, ok: true, result: 'forged' });
    w.raw.postMessage('not a message');
    await w.api.library.status({});
    expect(toEngineLog.length).toBe(before + 1);
  });

  it('passes argument validation errors back from the engine', async () => {
    const w = openWindow();
    await expect(w.api.people.rename({ id: -1, name: '' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('broadcasts engine events to every attached window and stops after detach', async () => {
    const a = openWindow();
    const b = openWindow();
    const seen: string[] = [];
    a.api.on('library:changed', (p) => seen.push(`a:${p.reason}`));
    b.api.on('library:changed', (p) => seen.push(`b:${p.reason}`));
    b.detach();
    const folder = path.join(dir, 'photos');
    await fs.mkdir(folder);
    await a.api.library.addFolder({ path: folder });
    await expect.poll(() => seen).toContain('a:folders');
    expect(seen.some((s) => s.startsWith('b:'))).toBe(false);
  });

  it('fails requests in flight when the engine goes away', async () => {
    const local = createRendererRouter(() => undefined);
    const { port1, port2 } = new MessageChannel();
    opened.push(port1, port2);
    local.attach(port1);
    const reply = new Promise<unknown>((resolve) => port2.once('message', resolve));
    local.fromRenderer(port1, { t: 'req', id: 5, method: 'library:status', arg: {} });
    expect(local.pending).toBe(1);
    local.failAll('The engine stopped (exit code 1)');
    expect(await reply).toMatchObject({
      id: 5,
      ok: false,
      error: { code: 'IO', message: 'The engine stopped (exit code 1)' },
    });
  });
});
