import type { JobInfo } from './types';

/** Typed event map pushed from the engine to every connected client. */
export interface EngineEvents {
  'job:progress': JobInfo;
  'job:finished': JobInfo;
  'library:changed': { reason: 'scan' | 'trash' | 'undo' | 'people' | 'dedup' | 'folders' };
}

export type EventName = keyof EngineEvents;
export const EVENT_NAMES: readonly EventName[] = ['job:progress', 'job:finished', 'library:changed'];
export type EventListener = <E extends EventName>(event: E, payload: EngineEvents[E]) => void;
