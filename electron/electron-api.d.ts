/**
 * The slice of Electron's API that Sift uses, typed after the official docs. The `electron`
 * package is an optionalDependency whose binary cannot be installed everywhere (CI, this
 * sandbox), and its bundled `electron.d.ts` comes with it; this file keeps `tsc` and ESLint
 * strict without it. If `node_modules/electron` is installed, delete this file to use the
 * package's own declarations.
 */
declare module 'electron' {
  interface MessageEventMain {
    data: unknown;
    ports: MessagePortMain[];
  }
  interface MessagePortMain {
    postMessage(message: unknown): void;
    start(): void;
    close(): void;
    on(event: 'message', listener: (event: MessageEventMain) => void): this;
    on(event: 'close', listener: () => void): this;
  }
  class MessageChannelMain {
    port1: MessagePortMain;
    port2: MessagePortMain;
  }
  interface UtilityProcess {
    pid: number | undefined;
    stderr: NodeJS.ReadableStream | null;
    postMessage(message: unknown, transfer?: MessagePortMain[]): void;
    kill(): boolean;
    on(event: 'message', listener: (message: unknown) => void): this;
    on(event: 'exit', listener: (code: number) => void): this;
    on(event: 'spawn', listener: () => void): this;
  }
  const utilityProcess: {
    fork(
      modulePath: string,
      args?: string[],
      options?: {
        env?: NodeJS.ProcessEnv;
        execArgv?: string[];
        cwd?: string;
        stdio?: 'pipe' | 'ignore' | 'inherit';
        serviceName?: string;
      },
    ): UtilityProcess;
  };
  interface WebFrameMain {
    url: string;
    parent: WebFrameMain | null;
  }
  interface WebContents {
    id: number;
    mainFrame: WebFrameMain;
    postMessage(channel: string, message: unknown, transfer?: MessagePortMain[]): void;
    setWindowOpenHandler(
      handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' },
    ): void;
    on(
      event: 'will-navigate' | 'will-redirect',
      listener: (event: { preventDefault(): void; url: string }, url: string) => void,
    ): this;
    on(event: 'destroyed', listener: () => void): this;
    once(event: 'destroyed', listener: () => void): this;
    session: Session;
  }
  interface IpcMainEvent {
    sender: WebContents;
    senderFrame: WebFrameMain | null;
  }
  type IpcMainInvokeEvent = IpcMainEvent;
  const ipcMain: {
    on(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): void;
    handle(
      channel: string,
      listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>,
    ): void;
  };
  interface IpcRendererEvent {
    ports: MessagePort[];
  }
  const ipcRenderer: {
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
    send(channel: string, ...args: unknown[]): void;
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  };
  const contextBridge: {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  };
  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    spellcheck?: boolean;
  }
  class BrowserWindow {
    constructor(options: {
      width?: number;
      height?: number;
      minWidth?: number;
      minHeight?: number;
      title?: string;
      show?: boolean;
      backgroundColor?: string;
      webPreferences?: WebPreferences;
    });
    webContents: WebContents;
    loadURL(url: string): Promise<void>;
    once(event: 'ready-to-show', listener: () => void): this;
    show(): void;
    static getAllWindows(): BrowserWindow[];
    static fromWebContents(contents: WebContents): BrowserWindow | null;
  }
  interface Session {
    setPermissionRequestHandler(
      handler:
        | ((webContents: WebContents, permission: string, callback: (granted: boolean) => void) => void)
        | null,
    ): void;
    setPermissionCheckHandler(
      handler: ((webContents: WebContents | null, permission: string) => boolean) | null,
    ): void;
  }
  const session: { defaultSession: Session };
  interface CustomScheme {
    scheme: string;
    privileges?: {
      standard?: boolean;
      secure?: boolean;
      supportFetchAPI?: boolean;
      corsEnabled?: boolean;
      stream?: boolean;
      bypassCSP?: boolean;
    };
  }
  const protocol: {
    registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  const dialog: {
    showErrorBox(title: string, content: string): void;
    showOpenDialog(
      window: BrowserWindow,
      options: {
        title?: string;
        properties: Array<'openDirectory' | 'openFile' | 'multiSelections' | 'createDirectory'>;
      },
    ): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  const shell: {
    trashItem(path: string): Promise<void>;
  };
  const app: {
    whenReady(): Promise<void>;
    getPath(name: 'userData' | 'home' | 'temp'): string;
    getVersion(): string;
    isPackaged: boolean;
    quit(): void;
    exit(code?: number): void;
    requestSingleInstanceLock(): boolean;
    on(event: 'window-all-closed' | 'second-instance' | 'activate', listener: () => void): void;
    on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): void;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): void;
  };
}

declare namespace Electron {
  interface ParentPort {
    on(event: 'message', listener: (event: { data: unknown; ports: unknown[] }) => void): this;
    postMessage(message: unknown): void;
  }
}

declare namespace NodeJS {
  interface Process {
    /** Present only inside an Electron utility process. */
    parentPort?: Electron.ParentPort;
  }
}
