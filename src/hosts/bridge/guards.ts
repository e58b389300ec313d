/**
 * Pure request checks of the HTTP/WebSocket bridge. Kept apart from the server so every rule
 * can be tested without sockets. Nothing here touches the file system.
 */
import { timingSafeEqual } from 'node:crypto';

export type ThumbSize = 'small' | 'large' | 'full';

/** The only Host values a request may carry: DNS rebinding defence. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/**
 * A browser sends Origin on cross-origin fetches, on every POST and on every WebSocket handshake.
 * `required` is set for WebSocket upgrades: a handshake without Origin is refused.
 */
export function isAllowedOrigin(origin: string | undefined, port: number, required: boolean): boolean {
  if (origin === undefined) return !required;
  return allowedOrigins(port).includes(origin.toLowerCase());
}

/** Constant-time token comparison. */
export function tokenMatches(candidate: string | undefined | null, token: string): boolean {
  if (typeof candidate !== 'string' || candidate.length === 0) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookies are not scoped by port, so the name carries it: two bridges never clobber each other. */
export function cookieName(port: number): string {
  return `sift_token_${port}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export type ThumbRequest = { ok: true; photoId: number; size: ThumbSize } | { ok: false; status: 400 };

const THUMB_PATH = /^\/thumb\/([1-9][0-9]{0,14})$/;

/**
 * Parses `/thumb/<id>` from the RAW (undecoded) path. Only a positive integer id is accepted:
 * `..`, `%2e%2e`, slashes, signs or anything else is a 400. The id is a database key, never a path.
 */
export function parseThumbRequest(rawPath: string, search: URLSearchParams): ThumbRequest {
  const match = THUMB_PATH.exec(rawPath);
  if (!match?.[1]) return { ok: false, status: 400 };
  const photoId = Number(match[1]);
  if (!Number.isSafeInteger(photoId) || photoId <= 0) return { ok: false, status: 400 };
  const size = search.get('size') ?? 'small';
  if (size !== 'small' && size !== 'large' && size !== 'full') return { ok: false, status: 400 };
  return { ok: true, photoId, size };
}

/**
 * Maps a request path to a file name under the static root, or null. Only a flat set of
 * characters is allowed per segment; `..`, encoded separators and NUL never get through.
 */
export function staticRelativePath(rawPath: string): string | null {
  if (rawPath === '/' || rawPath === '') return 'index.html';
  if (rawPath.includes('%') || rawPath.includes('\\') || rawPath.includes('\0')) return null;
  const segments = rawPath.split('/').slice(1);
  for (const segment of segments) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(segment) || segment.includes('..')) return null;
  }
  return segments.join('/');
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function mimeFor(file: string): string {
  const dot = file.lastIndexOf('.');
  return (dot >= 0 ? MIME[file.slice(dot).toLowerCase()] : undefined) ?? 'application/octet-stream';
}

/** The CSP of the served renderer: same-origin scripts only, WebSocket to this bridge only. */
export function contentSecurityPolicy(port: number): string {
  const ws = allowedHosts(port)
    .map((h) => `ws://${h}`)
    .join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
