import { describe, expect, it } from 'vitest';
import { listWireNames } from '../src/common/contract/api';
import {
  APP_URL,
  RENDERER_CSP,
  appUrlPath,
  checkRendererMessage,
  isTrustedRendererUrl,
  parseThumbUrl,
} from './security';

describe('isTrustedRendererUrl', () => {
  it('accepts only the app scheme and host', () => {
    expect(isTrustedRendererUrl(APP_URL)).toBe(true);
    expect(isTrustedRendererUrl('sift-app://app/')).toBe(true);
    for (const url of [
      'https://example.com/',
      'file:///work/main/renderer/dist/index.html',
      'sift-app://evil/index.html',
      'sift-app://app.evil.com/index.html',
      'sift-app://user:pw@app/index.html',
      'sift-thumb://small/1',
      'about:blank',
      '',
      'not a url',
      undefined,
      null,
    ]) {
      expect(isTrustedRendererUrl(url), String(url)).toBe(false);
    }
  });
});

describe('checkRendererMessage', () => {
  it('passes every contract method', () => {
    for (const method of listWireNames()) {
      const check = checkRendererMessage({ t: 'req', id: 1, method, arg: {} });
      expect(check.ok, method).toBe(true);
    }
  });

  it('answers unknown methods with UNAUTHORIZED and drops non-requests', () => {
    for (const method of [
      'fs:readFile',
      'library',
      'library:addFolder:x',
      '__proto__:toString',
      'constructor:name',
      'library:constructor',
    ]) {
      const check = checkRendererMessage({ t: 'req', id: 7, method, arg: {} });
      expect(check.ok, method).toBe(false);
      if (!check.ok)
        expect(check.reply).toMatchObject({ t: 'res', id: 7, ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    for (const message of [
      null,
      'library:status',
      { t: 'res', id: 1, ok: true, result: 1 },
      { t: 'evt', event: 'job:progress', payload: {} },
      { t: 'req', id: 'x', method: 'library:status' },
    ]) {
      expect(checkRendererMessage(message)).toEqual({ ok: false, reply: null });
    }
  });
});

describe('parseThumbUrl', () => {
  it('accepts a size and a positive integer id only', () => {
    expect(parseThumbUrl('sift-thumb://small/12')).toEqual({ size: 'small', photoId: 12 });
    expect(parseThumbUrl('sift-thumb://large/9/')).toEqual({ size: 'large', photoId: 9 });
    expect(parseThumbUrl('sift-thumb://full/9')).toEqual({ size: 'full', photoId: 9 });
    for (const url of [
      'sift-thumb://small/0',
      'sift-thumb://small/-1',
      'sift-thumb://small/1.5',
      'sift-thumb://huge/1',
      'sift-thumb://small/../../etc/passwd',
      'sift-thumb://small/%2e%2e%2fetc%2fpasswd',
      'sift-thumb://small/1/../../x',
      'sift-thumb://small/99999999999999999999',
      'sift-thumb://small/1?path=/etc/passwd',
    ]) {
      expect(parseThumbUrl(url), url).toBeNull();
    }
  });
});

describe('appUrlPath and CSP', () => {
  it('maps only the app host', () => {
    expect(appUrlPath('sift-app://app/index.html')).toBe('/index.html');
    expect(appUrlPath('sift-app://app/assets/x.js?v=1')).toBe('/assets/x.js');
    expect(appUrlPath('sift-app://other/index.html')).toBeNull();
  });

  it('allows no inline script, no remote origin and no network', () => {
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).toContain("connect-src 'none'");
    expect(RENDERER_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});
