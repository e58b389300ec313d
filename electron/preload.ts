/**
 * Preload (sandboxed, context-isolated): exposes a message transport and the folder picker,
 * never ipcRenderer nor the API. Messages go over a MessagePort that the main process hands
 * to this frame only after checking its URL.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { WireMessage } from '../src/common/contract/rpc';
import type { SiftHostBridge } from '../renderer/src/host-bridge';

let port: MessagePort | null = null;
let queue: WireMessage[] = [];
const listeners = new Set<(message: unknown) => void>();

ipcRenderer.on('sift:port', (event) => {
  const [received] = event.ports;
  if (!received || port) return;
  port = received;
  port.onmessage = (e: MessageEvent<unknown>) => {
    for (const listener of listeners) listener(e.data);
  };
  const pending = queue;
  queue = [];
  for (const message of pending) port.postMessage(message);
});
ipcRenderer.send('sift:connect');

const bridge: SiftHostBridge = {
  kind: 'electron',
  send: (message) => {
    // Structured clone strips anything that is not plain data before it leaves this world.
    if (port) port.postMessage(message);
    else queue.push(message);
  },
  onMessage: (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  pickFolder: async () => {
    const result = await ipcRenderer.invoke('sift:pick-folder');
    return typeof result === 'string' ? result : null;
  },
};

contextBridge.exposeInMainWorld('siftTransport', bridge);
