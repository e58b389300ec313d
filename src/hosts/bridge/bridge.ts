/**
 * HTTP + WebSocket bridge: lets the renderer run in an ordinary browser against a local engine.
 * Listens on 127.0.0.1 only. Every request must carry the per-run token (query on first visit,
 * then an HttpOnly SameSite=Strict cookie), a local Host header (DNS rebinding) and, when present,
 * a local Origin (cross-site requests); WebSocket handshakes must carry a local Origin.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Dispatch, EventHandler } from '../../common/contract/rpc';
import { serveMessages } from '../../common/contract/rpc';
import type { Logger } from '../../common/logger';
import { silentLogger } from '../../common/logger';
import {
  contentSecurityPolicy,
  cookieName,
  isAllowedHost,
  isAllowedOrigin,
  mimeFor,
  parseThumbRequest,
  readCookie,
  staticRelativePath,
  tokenMatches,
} from './guards';

/** The part of the engine a bridge needs (the real `Engine` satisfies it). */
export interface BridgeEngine {
  dispatch: Dispatch;
  subscribe(handler: EventHandler): () => void;
  /** `full` is the original file where a browser can show it (100 % zoom), else the large preview. */
  thumbnail(
    photoId: number,
    size: 'small' | 'large' | 'full',
  ): Promise<{ path: string; mime: string } | null>;
}

export interface BridgeOptions {
  engine: BridgeEngine;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
  /** The built renderer (`renderer/dist`). */
  staticDir: string;
  logger?: Logger;
}

export interface Bridge {
  /** What the browser opens: carries the token once; the bridge then moves it to a cookie. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { engine } = options;
  const logger = (options.logger ?? silentLogger).child({ host: 'bridge' });
  const token = options.token ?? randomBytes(32).toString('hex');
  if (token.length < 16) throw new Error('Bridge token must be at least 16 characters');
  const staticRoot = await realpath(resolve(options.staticDir));
  let port = 0;

  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  const authorised = (req: IncomingMessage, url: URL): boolean =>
    tokenMatches(url.searchParams.get('token'), token) ||
    tokenMatches(readCookie(req.headers.cookie, cookieName(port)), token);

  const refuse = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(message);
  };

  const baseHeaders = (): Record<string, string> => ({
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
  });

  async function serveThumb(res: ServerResponse, rawPath: string, url: URL): Promise<void> {
    const parsed = parseThumbRequest(rawPath, url.searchParams);
    if (!parsed.ok)
      return refuse(
        res,
        400,
        'Bad thumbnail request: expected /thumb/<positive integer>?size=small|large|full',
      );
    const thumb = await engine.thumbnail(parsed.photoId, parsed.size);
    if (!thumb) return refuse(res, 404, 'Unknown photo');
    const info = await stat(thumb.path);
    res.writeHead(200, {
      ...baseHeaders(),
      'content-type': thumb.mime,
      'content-length': String(info.size),
      'cache-control': 'private, max-age=3600',
    });
    createReadStream(thumb.path).pipe(res);
  }

  async function serveStatic(res: ServerResponse, rawPath: string): Promise<void> {
    const relative = staticRelativePath(rawPath);
    if (relative === null) return refuse(res, 400, 'Bad path');
    const file = join(staticRoot, relative);
    if (!file.startsWith(staticRoot + sep)) return refuse(res, 400, 'Bad path');
    let size: number;
    try {
      const real = await realpath(file);
      if (!real.startsWith(staticRoot + sep)) return refuse(res, 404, 'Not found');
      const info = await stat(real);
      if (!info.isFile()) return refuse(res, 404, 'Not found');
      size = info.size;
    } catch {
      return refuse(res, 404, 'Not found');
    }
    res.writeHead(200, {
      ...baseHeaders(),
      'content-type': mimeFor(file),
      'content-length': String(size),
      'content-security-policy': contentSecurityPolicy(port),
      'cache-control': relative === 'index.html' ? 'no-store' : 'private, max-age=31536000, immutable',
    });
    createReadStream(file).pipe(res);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    if (!isAllowedHost(req.headers.host, port)) return refuse(res, 403, 'Forbidden host');
    if (!isAllowedOrigin(req.headers.origin, port, false)) return refuse(res, 403, 'Forbidden origin');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const url = new URL(rawUrl, `http://127.0.0.1:${port}`);
    if (!authorised(req, url))
      return refuse(
        res,
        401,
        'Sift needs its access token. Each start of Sift makes a new one, so an old tab or bookmark stops working.\n' +
          'Open the address that `npm start` printed in the terminal (it ends with ?token=…).',
      );

    // First visit: move the token from the URL into a cookie the page's scripts cannot read.
    if (url.searchParams.has('token') && !rawPath.startsWith('/thumb/')) {
      res.writeHead(303, {
        ...baseHeaders(),
        'set-cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: rawPath,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    if (rawPath.startsWith('/thumb/') || rawPath === '/thumb') return serveThumb(res, rawPath, url);
    return serveStatic(res, rawPath);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const deny = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, `http://127.0.0.1:${port}`);
    if (!isAllowedHost(req.headers.host, port)) return deny(403, 'Forbidden');
    if (!isAllowedOrigin(req.headers.origin, port, true)) return deny(403, 'Forbidden');
    if (url.pathname !== '/rpc') return deny(404, 'Not Found');
    if (!authorised(req, url)) return deny(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  }

  function onConnection(ws: WebSocket): void {
    sockets.add(ws);
    const send = (message: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const server = serveMessages(engine.dispatch, send);
    const unsubscribe = engine.subscribe((event, payload) => server.emit(event, payload));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(
          Buffer.isBuffer(data)
            ? data.toString('utf8')
            : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'),
        );
      } catch {
        return;
      }
      server.receive(message);
    });
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('error', (error) => logger.warn('websocket error', { error: error.message }));
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      logger.error('request failed', {
        url: req.url,
        error: error instanceof Error ? error.stack : String(error),
      });
      if (!res.headersSent) refuse(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', handleUpgrade);

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  logger.info('bridge listening', { origin });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
