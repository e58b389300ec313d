/**
 * E2E harness: a fresh temp data dir, a temp COPY of the dev dataset (deletion tests never
 * touch shared data), a temp XDG_DATA_HOME so the freedesktop trash is a temp dir, the real
 * engine behind the real bridge, and Debian's chromium driven by playwright-core.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Engine } from '../src/engine/engine';
import { createEngine } from '../src/engine/engine';
import { PACKAGE_ROOT } from '../src/engine/paths';
import type { Bridge } from '../src/hosts/bridge/bridge';
import { startBridge } from '../src/hosts/bridge/bridge';
import { datasetsRoot } from '../src/engine/testing';

export const ARTIFACTS = path.join(PACKAGE_ROOT, 'e2e', 'artifacts');
export const CHROMIUM = process.env.SIFT_CHROMIUM ?? '/usr/bin/chromium';

export interface Harness {
  dir: string;
  photos: string;
  trashDir: string;
  engine: Engine;
  bridge: Bridge;
  browser: Browser;
  page: Page;
  /** Console messages about Content-Security-Policy violations (there must be none). */
  cspViolations: string[];
  /** Console errors and uncaught page errors, with the view they happened on (there must be none). */
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export async function startHarness(
  options: { dataset?: string; viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<Harness> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sift-e2e-'));
  const photos = path.join(dir, 'photos');
  await fs.cp(options.dataset ? path.join(datasetsRoot(), options.dataset) : datasetsRoot(), photos, {
    recursive: true,
  });
  // The engine's default trash reads XDG_DATA_HOME when it is created.
  process.env.XDG_DATA_HOME = path.join(dir, 'xdg');
  const engine = await createEngine({ dataDir: path.join(dir, 'data') });
  const bridge = await startBridge({ engine, staticDir: path.join(PACKAGE_ROOT, 'renderer', 'dist') });
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: options.locale ?? 'en-US',
  });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const consoleErrors: string[] = [];
  const where = (): string => new URL(page.url()).hash || '/';
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    if (message.type() === 'error')
      consoleErrors.push(`${where()}: ${message.text()} ${message.location().url}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${where()}: ${error.message}`));
  await fs.mkdir(ARTIFACTS, { recursive: true });
  const harness: Harness = {
    dir,
    photos,
    trashDir: path.join(dir, 'xdg', 'Trash'),
    engine,
    bridge,
    browser,
    page,
    cspViolations,
    consoleErrors,
    close: async () => {
      await browser.close();
      // A test may have restarted the bridge: close the one running now.
      await harness.bridge.close();
      await engine.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * Waits until every image the user can see has finished loading (lazy images outside the
 * viewport or clipped by a scrolling container are never requested), then captures.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForFunction(() =>
    [...document.images].every((img) => {
      let r = img.getBoundingClientRect();
      let top = Math.max(r.top, 0);
      let left = Math.max(r.left, 0);
      let bottom = Math.min(r.bottom, innerHeight);
      let right = Math.min(r.right, innerWidth);
      for (let el = img.parentElement; el; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        r = el.getBoundingClientRect();
        top = Math.max(top, r.top);
        left = Math.max(left, r.left);
        bottom = Math.min(bottom, r.bottom);
        right = Math.min(right, r.right);
      }
      return bottom <= top || right <= left || img.complete;
    }),
  );
  // Face crops are empty until their photo's size arrives: the picture is not there yet.
  await page.waitForFunction(() => document.querySelectorAll('.face-crop:empty').length === 0);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}
