import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  isAllowedHost,
  isAllowedOrigin,
  parseThumbRequest,
  readCookie,
  staticRelativePath,
  tokenMatches,
} from './guards';

describe('bridge guards', () => {
  it('accepts only loopback Host values with the right port', () => {
    expect(isAllowedHost('127.0.0.1:4000', 4000)).toBe(true);
    expect(isAllowedHost('LOCALHOST:4000', 4000)).toBe(true);
    for (const h of [
      undefined,
      '',
      '127.0.0.1',
      '127.0.0.1:4001',
      '[::1]:4000',
      'evil.com:4000',
      '127.0.0.1:4000.evil.com',
    ]) {
      expect(isAllowedHost(h, 4000), String(h)).toBe(false);
    }
  });

  it('requires Origin on WebSocket handshakes only', () => {
    expect(isAllowedOrigin(undefined, 4000, false)).toBe(true);
    expect(isAllowedOrigin(undefined, 4000, true)).toBe(false);
    expect(isAllowedOrigin('http://localhost:4000', 4000, true)).toBe(true);
    expect(isAllowedOrigin('https://127.0.0.1:4000', 4000, true)).toBe(false);
    expect(isAllowedOrigin('null', 4000, false)).toBe(false);
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abcdef0123456789', 'abcdef0123456789')).toBe(true);
    expect(tokenMatches('abcdef012345678', 'abcdef0123456789')).toBe(false);
    expect(tokenMatches('', 'abcdef0123456789')).toBe(false);
    expect(tokenMatches(null, 'abcdef0123456789')).toBe(false);
  });

  it('reads one cookie by exact name', () => {
    expect(readCookie('a=1; sift_token_5=xyz; b=2', 'sift_token_5')).toBe('xyz');
    expect(readCookie('sift_token_55=xyz', 'sift_token_5')).toBeUndefined();
    expect(readCookie(undefined, 'x')).toBeUndefined();
  });

  it('parses thumbnail paths from the raw path only', () => {
    const q = new URLSearchParams('size=large');
    expect(parseThumbRequest('/thumb/42', q)).toEqual({ ok: true, photoId: 42, size: 'large' });
    expect(parseThumbRequest('/thumb/42', new URLSearchParams())).toEqual({
      ok: true,
      photoId: 42,
      size: 'small',
    });
    expect(parseThumbRequest('/thumb/42', new URLSearchParams('size=full'))).toEqual({
      ok: true,
      photoId: 42,
      size: 'full',
    });
    expect(parseThumbRequest('/thumb/42', new URLSearchParams('size=../x')).ok).toBe(false);
    for (const p of [
      '/thumb/042',
      '/thumb/%34%32',
      '/thumb/42/',
      '/thumb/42/x',
      '/thumb/+42',
      '/thumb/4 2',
    ]) {
      expect(parseThumbRequest(p, q).ok, p).toBe(false);
    }
  });

  it('maps static paths to flat names under the root', () => {
    expect(staticRelativePath('/')).toBe('index.html');
    expect(staticRelativePath('/assets/index-AbC_1.js')).toBe('assets/index-AbC_1.js');
    for (const p of [
      '/..',
      '/../x',
      '/assets/../x',
      '/%2e%2e/x',
      '/.env',
      '/a//b',
      '/a\\b',
      '/a\0b',
      '/assets/..hidden',
    ]) {
      expect(staticRelativePath(p), p).toBeNull();
    }
  });

  it('builds a CSP without inline or remote sources', () => {
    const csp = contentSecurityPolicy(4000);
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4000 ws://localhost:4000");
    expect(csp).not.toMatch(/unsafe-|\*|https?:/);
  });
});
