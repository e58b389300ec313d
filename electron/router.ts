/**
 * The main process's message routing between windows and the engine, free of `electron` so it
 * is tested with real Node MessagePorts. Every window message is checked (`checkRendererMessage`)
 * and renumbered before it reaches the engine; replies go back only to the window that asked;
 * events go to every window.
 */
import type { WireMessage } from '../src/common/contract/rpc';
import { isWireMessage } from '../src/common/contract/rpc';
import { EngineError } from '../src/common/errors';
import { checkRendererMessage } from './security';

export interface PortLike {
  postMessage(message: unknown): void;
}

export interface RendererRouter {
  attach(port: PortLike): () => void;
  fromRenderer(port: PortLike, data: unknown): void;
  fromEngine(message: unknown): void;
  failAll(reason: string): void;
  readonly pending: number;
}

export function createRendererRouter(toEngine: (message: WireMessage) => void): RendererRouter {
  let nextId = 1;
  const inFlight = new Map<number, { port: PortLike; id: number }>();
  const ports = new Set<PortLike>();

  const fail = (port: PortLike, id: number, error: unknown): void => {
    port.postMessage({
      t: 'res',
      id,
      ok: false,
      error: EngineError.from(error).toJSON(),
    } satisfies WireMessage);
  };

  return {
    attach(port) {
      ports.add(port);
      return () => {
        ports.delete(port);
        for (const [id, pending] of inFlight) if (pending.port === port) inFlight.delete(id);
      };
    },
    fromRenderer(port, data) {
      if (!ports.has(port)) return;
      const check = checkRendererMessage(data);
      if (!check.ok) {
        if (check.reply) port.postMessage(check.reply);
        return;
      }
      const id = nextId++;
      inFlight.set(id, { port, id: check.request.id });
      try {
        toEngine({ t: 'req', id, method: check.request.method, arg: check.request.arg });
      } catch (error) {
        inFlight.delete(id);
        fail(port, check.request.id, error);
      }
    },
    fromEngine(message) {
      if (!isWireMessage(message)) return;
      if (message.t === 'evt') {
        for (const port of ports) port.postMessage(message);
      } else if (message.t === 'res') {
        const pending = inFlight.get(message.id);
        if (!pending) return;
        inFlight.delete(message.id);
        pending.port.postMessage({ ...message, id: pending.id });
      }
    },
    failAll(reason) {
      for (const pending of inFlight.values()) fail(pending.port, pending.id, new EngineError('IO', reason));
      inFlight.clear();
    },
    get pending() {
      return inFlight.size;
    },
  };
}
