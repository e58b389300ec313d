/**
 * Picks the transport at start-up: Electron's preload transport when present, otherwise a
 * WebSocket to the bridge that served this page. The rest of the app only sees `Host`.
 */
import type { Transport, WireMessage } from '../../src/common/contract/rpc';
import { createMessageTransport } from '../../src/common/contract/rpc';
import type { SiftHostBridge } from './host-bridge';

/**
 * 'expired': the bridge answers but refuses this page's token (Sift was started again, with a new
 * token): retrying cannot help, the user must open the new address.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'expired';
export type ThumbSize = 'small' | 'large' | 'full';

export interface Host {
  transport: Transport;
  thumbUrl: (photoId: number, size: ThumbSize) => string;
  /** Native folder picker where the host has one (Electron); otherwise the app browses via `library:browse`. */
  pickFolder: (() => Promise<string | null>) | null;
  onConnection: (listener: (state: ConnectionState) => void) => () => void;
}

export function createHost(): Host {
  const bridge = window.siftTransport;
  return bridge ? electronHost(bridge) : webSocketHost();
}

function electronHost(bridge: SiftHostBridge): Host {
  const { transport, receive } = createMessageTransport((message) => bridge.send(message));
  bridge.onMessage(receive);
  return {
    transport,
    thumbUrl: (id, size) => `sift-thumb://${size}/${id}`,
    pickFolder: () => bridge.pickFolder(),
    onConnection: (listener) => {
      listener('open');
      return () => undefined;
    },
  };
}

function webSocketHost(): Host {
  const listeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let queue: WireMessage[] = [];
  let retryMs = 250;

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const l of listeners) l(next);
  };

  const { transport, receive, failAll } = createMessageTransport((message) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    else queue.push(message);
  });

  const open = (): void => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The HttpOnly cookie set by the bridge authenticates the handshake; the page never sees the token.
    const ws = new WebSocket(`${scheme}://${location.host}/rpc`);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      setState('open');
      const pending = queue;
      queue = [];
      for (const m of pending) ws.send(JSON.stringify(m));
    };
    ws.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      try {
        receive(JSON.parse(event.data));
      } catch {
        // Not JSON: ignore, the contract only speaks JSON.
      }
    };
    ws.onclose = () => {
      queue = [];
      failAll('The connection to the Sift engine was lost. Reconnecting…');
      if (state !== 'expired') setState('closed');
      retryMs = Math.min(retryMs * 2, 5000);
      // A browser does not say why a WebSocket handshake failed: ask the page's own origin. A 401
      // means a new Sift with a new token is listening here.
      void fetch('/', { cache: 'no-store', credentials: 'same-origin', method: 'HEAD' }).then(
        (res) => {
          if (res.status === 401) setState('expired');
          else window.setTimeout(open, retryMs);
        },
        () => window.setTimeout(open, retryMs),
      );
    };
  };
  open();

  return {
    transport,
    thumbUrl: (id, size) => `/thumb/${id}?size=${size}`,
    pickFolder: null,
    onConnection: (listener) => {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
  };
}
