/**
 * One RPC contract suite, run over every transport: the in-memory pair, a message-channel pair
 * (what Electron's MessagePort carries) and the bridge's WebSocket. Same calls, same answers,
 * same structured errors, same events.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { listWireNames } from '../common/contract/api';
import type { ApiClient, WireMessage } from '../common/contract/rpc';
import {
  createClient,
  createInMemoryTransport,
  createMessageTransport,
  serveMessages,
} from '../common/contract/rpc';
import { EngineError } from '../common/errors';
import { createEngine, type Engine } from '../engine/engine';
import { makeJpeg } from '../engine/testing';
import { startBridge, type Bridge } from './bridge/bridge';

let dir: string;
let engine: Engine;
let bridge: Bridge;
let socket: WebSocket;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sift-contract-'));
  mkdirSync(path.join(dir, 'photos'));
  mkdirSync(path.join(dir, 'static'));
  writeFileSync(path.join(dir, 'static', 'index.html'), '<!doctype html><title>Sift</title>');
  writeFileSync(path.join(dir, 'photos', 'a.jpg'), await makeJpeg(400, 300, 1));
  engine = await createEngine({ dataDir: path.join(dir, 'data') });
  bridge = await startBridge({ engine, staticDir: path.join(dir, 'static') });
  socket = await new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/rpc`, {
      headers: { cookie: `sift_token_${bridge.port}=${bridge.token}`, origin: bridge.origin },
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
});
afterAll(async () => {
  socket.close();
  await bridge.close();
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function inMemory(): ApiClient {
  return createClient(createInMemoryTransport(engine.dispatch, (h) => engine.subscribe(h)));
}

function messagePair(): ApiClient {
  // Two ends of a structured-clone channel, as Electron's MessagePort gives.
  let toServer: (m: WireMessage) => void = () => undefined;
  const client = createMessageTransport((m) => queueMicrotask(() => toServer(structuredClone(m))));
  const server = serveMessages(engine.dispatch, (m) =>
    queueMicrotask(() => client.receive(structuredClone(m))),
  );
  toServer = server.receive;
  engine.subscribe((event, payload) => server.emit(event, payload));
  return createClient(client.transport);
}

function webSocket(): ApiClient {
  const { transport, receive } = createMessageTransport((m) => socket.send(JSON.stringify(m)));
  socket.on('message', (data: Buffer) => receive(JSON.parse(data.toString('utf8'))));
  return createClient(transport);
}

async function errorOf(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('expected an error');
}

describe.each([
  ['in-memory', inMemory],
  ['message channel', messagePair],
  ['WebSocket', webSocket],
])('Api contract over %s', (_name, make) => {
  let api: ApiClient;
  beforeAll(() => {
    api = make();
  });

  it('exposes every wire name of the contract as a client method', () => {
    for (const wire of listWireNames()) {
      const [domain, method] = wire.split(':') as [keyof ApiClient, string];
      expect(typeof (api[domain] as unknown as Record<string, unknown>)[method], wire).toBe('function');
    }
  });

  it('answers calls with JSON data', async () => {
    const folder = await api.library.addFolder({ path: path.join(dir, 'photos') });
    expect(folder.path).toBe(path.join(dir, 'photos'));
    const folders = await api.library.listFolders({});
    expect(folders.map((f) => f.id)).toContain(folder.id);
    const status = await api.library.status({});
    expect(status.folders).toBe(1);
  });

  it('carries structured errors: code and message survive the transport', async () => {
    const bad = await errorOf(api.library.addFolder({ path: '' }));
    expect(bad).toBeInstanceOf(EngineError);
    expect(bad.code).toBe('INVALID_ARGUMENT');
    expect(bad.message).toMatch(/library:addFolder.*path/);
    const wrongType = await errorOf(
      (api.people.rename as (a: unknown) => Promise<unknown>)({ id: 'one', name: 'x' }),
    );
    expect(wrongType.code).toBe('INVALID_ARGUMENT');
    const extra = await errorOf((api.jobs.list as (a: unknown) => Promise<unknown>)({ sneaky: true }));
    expect(extra.code).toBe('INVALID_ARGUMENT');
    const missing = await errorOf(api.library.photo({ id: 987654 }));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('delivers engine events', async () => {
    const seen = new Promise<string>((resolve) => {
      const off = api.on('library:changed', (p) => {
        off();
        resolve(p.reason);
      });
    });
    const folder = await api.library.addFolder({ path: path.join(dir, 'photos') });
    expect(folder.id).toBeGreaterThan(0);
    expect(await seen).toBe('folders');
  });
});
