/**
 * Electron main process: windows, custom protocols, the native folder picker and the OS trash.
 * The engine runs in a utility process; this process only routes checked messages between
 * windows and the engine. Windows are sandboxed, context-isolated, without Node, under a strict CSP.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { IpcMainEvent, UtilityProcess, WebContents } from 'electron';
import {
  BrowserWindow,
  MessageChannelMain,
  app,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  utilityProcess,
} from 'electron';
import type { WireMessage } from '../src/common/contract/rpc';
import { EngineError } from '../src/common/errors';
import { defaultDataDir } from '../src/engine/paths';
import { contentTypeFor, resolveAppAsset } from './app-assets';
import type { HostReply, HostRequest } from './host-messages';
import { isHostMessage } from './host-messages';
import { createOsTrash } from './os-trash';
import { createRendererRouter } from './router';
import {
  APP_SCHEME,
  APP_URL,
  RENDERER_CSP,
  THUMB_SCHEME,
  appUrlPath,
  isTrustedRendererUrl,
  parseThumbUrl,
} from './security';

// Bundled to dist/electron/main.cjs; the renderer build sits at <root>/renderer/dist.
const ROOT = path.resolve(__dirname, '..', '..');
const RENDERER_DIR = path.join(ROOT, 'renderer', 'dist');

const { values } = parseArgs({
  args: process.argv.slice(app.isPackaged ? 1 : 2),
  options: { data: { type: 'string' } },
  strict: false,
  allowPositionals: true,
});
const dataDir = typeof values.data === 'string' ? path.resolve(values.data) : defaultDataDir();

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: THUMB_SCHEME, privileges: { standard: true, secure: true } },
]);

let engine: UtilityProcess | null = null;
let quitting = false;

/** Checks, renumbers and routes window messages (see router.ts). */
const router = createRendererRouter((message) => toEngine(message));
let nextHostId = 1;
const thumbRequests = new Map<number, (result: { path: string; mime: string } | null) => void>();
const osTrash = createOsTrash({ trashItem: (file) => shell.trashItem(file) });

function toEngine(message: WireMessage | HostRequest): void {
  if (!engine) throw new EngineError('IO', 'The engine is not running');
  engine.postMessage(message);
}

function startEngine(): UtilityProcess {
  const child = utilityProcess.fork(path.join(__dirname, 'engine-process.cjs'), ['--data', dataDir], {
    serviceName: 'Sift engine',
    stdio: 'inherit',
  });
  child.on('message', (message) => void onEngineMessage(message));
  child.on('exit', (code) => {
    engine = null;
    router.failAll(`The engine stopped (exit code ${code})`);
    if (!quitting) engine = startEngine();
  });
  return child;
}

async function onEngineMessage(message: unknown): Promise<void> {
  if (isHostMessage(message)) return onHostReply(message as HostReply);
  router.fromEngine(message);
}

async function onHostReply(message: HostReply): Promise<void> {
  switch (message.kind) {
    case 'thumb-result':
      thumbRequests.get(message.id)?.(message.result);
      thumbRequests.delete(message.id);
      return;
    case 'trash':
    case 'restore': {
      const { id } = message;
      try {
        const trashPath =
          message.kind === 'trash'
            ? (await osTrash.trash(Buffer.from(message.file, 'base64'))).trashPath
            : (await osTrash.restore(message.trashPath, Buffer.from(message.original, 'base64')), null);
        toEngine({ t: 'host', kind: 'trash-result', id, ok: true, trashPath });
      } catch (error) {
        const e = EngineError.from(error);
        toEngine({
          t: 'host',
          kind: 'trash-result',
          id,
          ok: false,
          code: e.code === 'INTERNAL' ? 'IO' : e.code,
          message: e.message,
        });
      }
      return;
    }
    case 'fatal':
      dialog.showErrorBox('Sift could not start its engine', message.message);
      return;
    case 'ready':
    case 'stopped':
      return;
  }
}

/** A window asks for its engine port: only the app's own top frame gets one. */
function onConnect(event: IpcMainEvent): void {
  if (!isTrustedSender(event)) return;
  const { port1, port2 } = new MessageChannelMain();
  const detach = router.attach(port1);
  port1.on('message', ({ data }) => router.fromRenderer(port1, data));
  port1.on('close', detach);
  port1.start();
  const contents = event.sender;
  contents.once('destroyed', () => {
    detach();
    port1.close();
  });
  contents.postMessage('sift:port', null, [port2]);
}

function isTrustedSender(event: IpcMainEvent): boolean {
  const frame = event.senderFrame;
  // Top frame only (no parent): an embedded frame never gets a port, whatever its URL.
  return frame !== null && frame.parent === null && isTrustedRendererUrl(frame.url);
}

async function serveApp(request: Request): Promise<Response> {
  const rawPath = appUrlPath(request.url);
  const file = rawPath === null ? null : await resolveAppAsset(RENDERER_DIR, rawPath);
  if (!file) return new Response('Not found', { status: 404 });
  return new Response(await fs.readFile(file), {
    headers: {
      'content-type': contentTypeFor(file),
      'content-security-policy': RENDERER_CSP,
      'x-content-type-options': 'nosniff',
    },
  });
}

async function serveThumb(request: Request): Promise<Response> {
  const parsed = parseThumbUrl(request.url);
  if (!parsed) return new Response('Bad thumbnail URL', { status: 400 });
  const id = nextHostId++;
  const result = await new Promise<{ path: string; mime: string } | null>((resolve) => {
    thumbRequests.set(id, resolve);
    try {
      toEngine({ t: 'host', kind: 'thumb', id, photoId: parsed.photoId, size: parsed.size });
    } catch {
      thumbRequests.delete(id);
      resolve(null);
    }
  });
  if (!result) return new Response('Unknown photo', { status: 404 });
  return new Response(await fs.readFile(result.path), {
    headers: { 'content-type': result.mime, 'cache-control': 'max-age=3600' },
  });
}

function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const blockForeign = (event: { preventDefault(): void }, url: string): void => {
    if (!isTrustedRendererUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', blockForeign);
  contents.on('will-redirect', blockForeign);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Sift',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_URL);
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (!win) createWindow();
  });
  app.on('window-all-closed', () => app.quit());
  // Quit waits for the engine to finish its work and close the database (bounded: 10 s).
  app.on('before-quit', (event) => {
    if (quitting || !engine) return;
    quitting = true;
    event.preventDefault();
    const child = engine;
    const done = (): void => app.quit();
    const timer = setTimeout(() => {
      child.kill();
      done();
    }, 10_000);
    child.on('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.postMessage({ t: 'host', kind: 'shutdown' } satisfies HostRequest);
  });

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, serveApp);
    protocol.handle(THUMB_SCHEME, serveThumb);
    ipcMain.on('sift:connect', onConnect);
    ipcMain.handle('sift:pick-folder', async (event) => {
      if (!isTrustedSender(event)) throw new EngineError('UNAUTHORIZED', 'Untrusted sender');
      const win = BrowserWindow.fromWebContents(event.sender);
      if (!win) return null;
      const result = await dialog.showOpenDialog(win, { properties: ['openDirectory'] });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    });
    engine = startEngine();
    createWindow();
  });
}
