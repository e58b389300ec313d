import type { EngineEvents, EventName } from '../common/contract/events';
import type { EventHandler } from '../common/contract/rpc';

/** A tiny typed event bus; listeners that throw never break the emitter. */
export class EventBus {
  private readonly handlers = new Set<EventHandler>();

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
    };
  }

  emit<E extends EventName>(event: E, payload: EngineEvents[E]): void {
    for (const handler of [...this.handlers]) {
      try {
        handler(event, payload);
      } catch {
        // A broken listener (closed socket) must not stop the engine.
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
