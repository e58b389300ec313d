/**
 * The only thing Electron's preload puts on `window`: a message transport plus the native folder
 * picker. It carries contract messages (`WireMessage`); it is not the API and not ipcRenderer.
 * The preload imports this type so both sides agree on one shape.
 */
import type { WireMessage } from '../../src/common/contract/rpc';

export interface SiftHostBridge {
  readonly kind: 'electron';
  send: (message: WireMessage) => void;
  onMessage: (listener: (message: unknown) => void) => () => void;
  pickFolder: () => Promise<string | null>;
}

declare global {
  interface Window {
    siftTransport?: SiftHostBridge;
  }
}
