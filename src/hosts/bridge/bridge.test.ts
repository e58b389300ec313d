/**
 * Security and contract tests of the bridge, against the real engine: token, Host, Origin,
 * path traversal on thumbnails and static files, WebSocket handshake rules, argument validation.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient, createMessageTransport } from '../../common/contract/rpc';
import type { ApiClient } from '../../common/contract/rpc';
import type { Engine } from '../../engine/engine';
import { createEngine } from '../../engine/engine';
import type { Bridge } from './bridge';
import { startBridge } from './bridge';
import { datasetsRoot } from '../../engine/testing';

let dir: string;
let engine: Engine;
let bridge: Bridge;
let host: string;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request: the path is sent exactly as given (no URL normalisation as fetch would do). */
function raw(rawPath: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: bridge.port, path: rawPath, method: 'GET', headers: { host, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('latin1'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const cookie = (): string => `sift_token_${bridge.port}=${bridge.token}`;

function connect(headers: Record<string, string>, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/rpc${query}`, { headers: { host, ...headers } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
  });
}

function clientOver(ws: WebSocket): ApiClient {
  const { transport, receive } = createMessageTransport((m) => ws.send(JSON.stringify(m)));
  ws.on('message', (data: Buffer) => receive(JSON.parse(data.toString('utf8'))));
  return createClient(transport);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sift-bridge-'));
  const staticDir = path.join(dir, 'static');
  await fs.mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await fs.writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Sift</title>');
  await fs.writeFile(path.join(staticDir, 'assets', 'app.js'), 'export {};');
  await fs.writeFile(path.join(dir, 'secret.txt'), 'SECRET-OUTSIDE-STATIC');
  engine = await createEngine({ dataDir: path.join(dir, 'data') });
  bridge = await startBridge({ engine, staticDir });
  host = `127.0.0.1:${bridge.port}`;
});

afterAll(async () => {
  await bridge.close();
  await engine.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('bridge: listening and token', () => {
  it('listens on the loopback address with a long random token', () => {
    expect(new URL(bridge.url).hostname).toBe('127.0.0.1');
    expect(bridge.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses requests without or with a wrong token', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/?token=wrong')).status).toBe(401);
    // A token that differs in its last character (never the real one, whatever that character is).
    const wrong = `${bridge.token.slice(0, -1)}${bridge.token.endsWith('0') ? '1' : '0'}`;
    expect((await raw(`/?token=${wrong}`)).status).toBe(401);
    expect((await raw('/', { cookie: `sift_token_${bridge.port}=nope` })).status).toBe(401);
    // A cookie of another port's bridge is not this bridge's.
    expect((await raw('/', { cookie: `sift_token_1=${bridge.token}` })).status).toBe(401);
    expect((await raw('/assets/app.js')).status).toBe(401);
  });

  it('moves the token from the URL into an HttpOnly SameSite=Strict cookie', async () => {
    const first = await raw(`/?token=${bridge.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toContain(cookie());
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const page = await raw('/', { cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Sift</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('bridge: Host and Origin', () => {
  it('refuses a foreign Host header even with the token (DNS rebinding)', async () => {
    for (const badHost of [
      'evil.example',
      `evil.example:${bridge.port}`,
      '127.0.0.1:1',
      `127.0.0.2:${bridge.port}`,
      `0.0.0.0:${bridge.port}`,
    ]) {
      const res = await raw('/', { host: badHost, cookie: cookie() });
      expect(res.status, badHost).toBe(403);
    }
    expect((await raw('/', { host: `localhost:${bridge.port}`, cookie: cookie() })).status).toBe(200);
  });

  it('refuses a foreign Origin', async () => {
    for (const origin of [
      'https://evil.example',
      `http://evil.example:${bridge.port}`,
      'null',
      `http://127.0.0.1:${bridge.port + 1}`,
    ]) {
      expect((await raw('/', { origin, cookie: cookie() })).status, origin).toBe(403);
    }
    expect((await raw('/', { origin: `http://127.0.0.1:${bridge.port}`, cookie: cookie() })).status).toBe(
      200,
    );
  });
});

describe('bridge: paths never reach the file system', () => {
  const traversals = [
    '/thumb/../../etc/passwd',
    '/thumb/..%2f..%2fetc%2fpasswd',
    '/thumb/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/thumb/%252e%252e%252fetc%252fpasswd',
    '/thumb/1%2f..%2f..%2fsecret.txt',
    '/thumb/1/../../secret.txt',
    '/thumb/..\\..\\etc\\passwd',
    '/thumb/%00',
    '/thumb/',
    '/thumb/0',
    '/thumb/-1',
    '/thumb/1.5',
    '/thumb/1e3',
    '/thumb/0x10',
    '/thumb/abc',
    '/thumb/9999999999999999999999',
  ];
  for (const p of traversals) {
    it(`thumbnail route refuses ${p}`, async () => {
      const res = await raw(`${p}${p.includes('?') ? '&' : '?'}token=${bridge.token}`);
      expect(res.status).toBe(400);
      expect(res.body).not.toContain('root:');
    });
  }

  it('refuses a bad size and answers 404 for an unknown id', async () => {
    expect((await raw(`/thumb/1?size=../../x&token=${bridge.token}`)).status).toBe(400);
    expect((await raw(`/thumb/1?size=huge&token=${bridge.token}`)).status).toBe(400);
    expect((await raw(`/thumb/987654?size=small&token=${bridge.token}`)).status).toBe(404);
  });

  for (const p of [
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/.%2e/secret.txt',
    '//etc/passwd',
    '/assets/..\\..\\secret.txt',
  ]) {
    it(`static route refuses ${p}`, async () => {
      const res = await raw(p, { cookie: cookie() });
      expect([400, 404]).toContain(res.status);
      expect(res.body).not.toContain('SECRET-OUTSIDE-STATIC');
      expect(res.body).not.toContain('root:');
    });
  }

  it('refuses methods other than GET/HEAD', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: bridge.port,
          path: '/',
          method: 'POST',
          headers: { host, cookie: cookie() },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('x');
    });
    expect(status).toBe(405);
  });
});

describe('bridge: WebSocket RPC', () => {
  const origin = (): string => `http://127.0.0.1:${bridge.port}`;

  it('refuses handshakes without token, with a foreign or missing Origin, or a foreign Host', async () => {
    await expect(connect({ origin: origin() })).rejects.toThrow('HTTP 401');
    await expect(connect({ origin: origin(), cookie: `sift_token_${bridge.port}=bad` })).rejects.toThrow(
      'HTTP 401',
    );
    await expect(connect({ origin: 'https://evil.example', cookie: cookie() })).rejects.toThrow('HTTP 403');
    await expect(connect({ cookie: cookie() })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: origin(), cookie: cookie(), host: 'evil.example' })).rejects.toThrow(
      'HTTP 403',
    );
  });

  it('serves the contract, rejects invalid arguments with INVALID_ARGUMENT, and streams events', async () => {
    const ws = await connect({ origin: origin(), cookie: cookie() });
    const api = clientOver(ws);
    try {
      const status = await api.library.status({});
      expect(status.images).toBe(0);
      await expect(api.library.addFolder({ path: 5 } as unknown as { path: string })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      await expect(api.people.merge({ ids: [1] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.trash.plan({ photoIds: [-3] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.library.photos({ limit: 1e9 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      // Unknown methods are refused by the dispatcher too (the bridge passes only the contract's names on).
      const { transport, receive } = createMessageTransport((m) => ws.send(JSON.stringify(m)));
      ws.on('message', (data: Buffer) => receive(JSON.parse(data.toString('utf8'))));
      await expect(transport.request('fs:readFile', { path: '/etc/passwd' })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });

      // A real scan of a few dataset images: events arrive over the socket, thumbnails over HTTP.
      const photos = path.join(dir, 'photos');
      await fs.mkdir(photos);
      const source = path.join(datasetsRoot(), 'dedup', 'imagededup', 'base_images');
      for (const name of (await fs.readdir(source)).slice(0, 3))
        await fs.copyFile(path.join(source, name), path.join(photos, name));
      const events: string[] = [];
      const off = api.on('job:finished', (job) => events.push(`${job.type}:${job.state}`));
      await api.library.addFolder({ path: photos });
      await api.library.scan({ ml: false });
      await engine.waitIdle();
      const listed = await api.library.photos({});
      off();
      expect(listed.total).toBe(3);
      expect(events).toContain('scan:done');
      const first = listed.photos[0];
      if (!first) throw new Error('no photo');
      const thumb = await raw(`/thumb/${first.id}?size=small`, { cookie: cookie() });
      expect(thumb.status).toBe(200);
      expect(thumb.headers['content-type']).toMatch(/^image\//);
      // The viewer's 100 %: the original file itself, byte for byte, for a format browsers show.
      const full = await raw(`/thumb/${first.id}?size=full`, { cookie: cookie() });
      expect(full.status).toBe(200);
      expect(Number(full.headers['content-length'])).toBe((await fs.stat(first.path)).size);
    } finally {
      ws.close();
    }
  });
});
