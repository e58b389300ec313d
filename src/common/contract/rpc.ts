/**
 * Transport-agnostic RPC: a typed client derived from the contract, and a dispatcher that
 * validates every argument against the method's schema before the engine sees it.
 */
import type { Api, ApiHandlers, Domain } from './api';
import { contract, findMethod } from './api';
import type { EngineEvents, EventName } from './events';
import { EVENT_NAMES } from './events';
import type { SerializedError } from '../errors';
import { EngineError } from '../errors';

export type EventHandler = (event: string, payload: unknown) => void;

/** What a host gives the renderer or CLI: one call, one event stream. */
export interface Transport {
  request(method: string, arg: unknown): Promise<unknown>;
  subscribe(handler: EventHandler): () => void;
}

/** Messages of message-based transports (WebSocket, Electron ports). */
export type WireMessage =
  | { t: 'req'; id: number; method: string; arg: unknown }
  | { t: 'res'; id: number; ok: true; result: unknown }
  | { t: 'res'; id: number; ok: false; error: SerializedError }
  | { t: 'evt'; event: string; payload: unknown };

export function isWireMessage(value: unknown): value is WireMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v.t) {
    case 'req':
      return typeof v.id === 'number' && typeof v.method === 'string';
    case 'res':
      return typeof v.id === 'number' && typeof v.ok === 'boolean';
    case 'evt':
      return typeof v.event === 'string';
    default:
      return false;
  }
}

export type ApiClient = Api & {
  on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void;
};

export function createClient(transport: Transport): ApiClient {
  const client: Record<string, unknown> = {};
  for (const [domain, methods] of Object.entries(contract)) {
    const bound: Record<string, (arg: unknown) => Promise<unknown>> = {};
    for (const name of Object.keys(methods)) {
      const wire = `${domain}:${name}`;
      bound[name] = (arg: unknown) => transport.request(wire, arg ?? {});
    }
    client[domain] = Object.freeze(bound);
  }
  client.on = <E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void) =>
    transport.subscribe((name, payload) => {
      if (name === event) listener(payload as EngineEvents[E]);
    });
  return Object.freeze(client) as ApiClient;
}

export type Dispatch = (method: string, arg: unknown) => Promise<unknown>;

/** Validates, calls, and turns every failure into an EngineError with a known code. */
export function createDispatcher(
  handlers: ApiHandlers,
  onInternalError?: (error: unknown, method: string) => void,
): Dispatch {
  return async (method, arg) => {
    const spec = findMethod(method);
    if (!spec) throw new EngineError('INVALID_ARGUMENT', `Unknown method "${method}"`);
    const parsed = spec.input.safeParse(arg ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(argument)'}: ${i.message}`);
      throw new EngineError('INVALID_ARGUMENT', `Invalid argument for ${method}: ${issues.join('; ')}`, {
        issues,
      });
    }
    const [domain, name] = method.split(':') as [Domain, string];
    const fn = (handlers[domain] as Record<string, (a: unknown) => Promise<unknown>>)[name];
    if (!fn) throw new EngineError('UNSUPPORTED', `Method "${method}" is not implemented by this engine`);
    try {
      return await fn(parsed.data);
    } catch (error) {
      const engineError = EngineError.from(error);
      if (engineError.code === 'INTERNAL') onInternalError?.(error, method);
      throw engineError;
    }
  };
}

/** In-memory transport pair: the same contract without a process boundary (tests, CLI). */
export function createInMemoryTransport(
  dispatch: Dispatch,
  subscribeEngine: (handler: EventHandler) => () => void,
): Transport {
  return {
    request: async (method, arg) => {
      // Round-trip through JSON so in-memory callers see exactly what a remote one would.
      const wireArg: unknown = arg === undefined ? {} : JSON.parse(JSON.stringify(arg));
      try {
        const result = await dispatch(method, wireArg);
        return result === undefined ? undefined : (JSON.parse(JSON.stringify(result)) as unknown);
      } catch (error) {
        throw EngineError.from(error);
      }
    },
    subscribe: subscribeEngine,
  };
}

/**
 * Client side of a message-based transport: correlates responses with requests and fans
 * out events. `send` delivers a message to the server.
 */
export function createMessageTransport(send: (message: WireMessage) => void): {
  transport: Transport;
  receive: (message: unknown) => void;
  failAll: (reason: string) => void;
} {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: EngineError) => void }>();
  const handlers = new Set<EventHandler>();
  return {
    transport: {
      request: (method, arg) =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          try {
            send({ t: 'req', id, method, arg: arg ?? {} });
          } catch (error) {
            pending.delete(id);
            reject(EngineError.from(error));
          }
        }),
      subscribe: (handler) => {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
    },
    receive: (message) => {
      if (!isWireMessage(message)) return;
      if (message.t === 'evt') {
        for (const h of handlers) h(message.event, message.payload);
      } else if (message.t === 'res') {
        const p = pending.get(message.id);
        if (!p) return;
        pending.delete(message.id);
        if (message.ok) p.resolve(message.result);
        else p.reject(EngineError.from(message.error));
      }
    },
    failAll: (reason) => {
      for (const p of pending.values()) p.reject(new EngineError('IO', reason));
      pending.clear();
    },
  };
}

/** Server side of a message-based transport: answers requests, forwards events. */
export function serveMessages(
  dispatch: Dispatch,
  send: (message: WireMessage) => void,
): { receive: (message: unknown) => void; emit: (event: string, payload: unknown) => void } {
  return {
    receive: (message) => {
      if (!isWireMessage(message) || message.t !== 'req') return;
      dispatch(message.method, message.arg).then(
        (result) => send({ t: 'res', id: message.id, ok: true, result }),
        (error: unknown) =>
          send({ t: 'res', id: message.id, ok: false, error: EngineError.from(error).toJSON() }),
      );
    },
    emit: (event, payload) => {
      if ((EVENT_NAMES as readonly string[]).includes(event)) send({ t: 'evt', event, payload });
    },
  };
}
