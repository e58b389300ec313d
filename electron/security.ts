/**
 * Pure checks of the Electron main process, kept free of `electron` imports so they are unit
 * tested without the binary: which frames may talk to the engine, which messages pass, which
 * thumbnail URLs are served, and the renderer's CSP.
 */
import type { WireMessage } from '../src/common/contract/rpc';
import { isWireMessage } from '../src/common/contract/rpc';
import { findMethod } from '../src/common/contract/api';
import { EngineError } from '../src/common/errors';

export const APP_SCHEME = 'sift-app';
export const APP_HOST = 'app';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;
export const THUMB_SCHEME = 'sift-thumb';

/** Only the app's own document (served by the `sift-app:` handler) may open an engine port. */
export function isTrustedRendererUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

export type RendererMessageCheck =
  | { ok: true; request: Extract<WireMessage, { t: 'req' }> }
  | { ok: false; reply: WireMessage | null };

/**
 * Every message from a window is checked before it reaches the utility process: it must be a
 * request for a method the contract knows. Anything else gets an error reply (or is dropped
 * when it has no id to answer).
 */
export function checkRendererMessage(message: unknown): RendererMessageCheck {
  if (!isWireMessage(message) || message.t !== 'req') return { ok: false, reply: null };
  if (!Number.isSafeInteger(message.id)) return { ok: false, reply: null };
  if (!findMethod(message.method)) {
    const error = new EngineError(
      'UNAUTHORIZED',
      `Method "${message.method}" is not part of the Sift contract`,
    );
    return { ok: false, reply: { t: 'res', id: message.id, ok: false, error: error.toJSON() } };
  }
  return { ok: true, request: message };
}

/** `sift-thumb://small/123` → { size, photoId }; anything else → null (served as 400). */
export function parseThumbUrl(url: string): { size: 'small' | 'large' | 'full'; photoId: number } | null {
  const match = /^sift-thumb:\/\/(small|large|full)\/([1-9][0-9]{0,14})\/?$/.exec(url);
  if (!match?.[1] || !match[2]) return null;
  const photoId = Number(match[2]);
  if (!Number.isSafeInteger(photoId)) return null;
  return { size: match[1] as 'small' | 'large' | 'full', photoId };
}

/** `sift-app://app/<path>` → the raw path part, or null for a foreign host. */
export function appUrlPath(url: string): string | null {
  const match = /^sift-app:\/\/app(\/[^?#]*)?(?:[?#].*)?$/.exec(url);
  if (!match) return null;
  return match[1] ?? '/';
}

export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' ${THUMB_SCHEME}: data:`,
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
