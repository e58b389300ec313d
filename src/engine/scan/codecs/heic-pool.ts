/**
 * HEIC decoding off the engine thread: a small pool of worker threads (one per core, at most 2),
 * started on the first HEIC and unref'd, so they never keep a process alive. A worker idle for
 * 20 s is ended: libheif's WebAssembly heap only grows (process RSS 290–350 MB while decoding a
 * 12-MP photo), and a desktop app should not keep that after a scan. A crashed worker fails its
 * job with a recorded error and is replaced on the next one.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ScanErrorCode } from '../../../common/contract/types';
import type { Raster } from '../../../common/raster';
import { startWorker } from '../../ml/runtime/pool';
import { DecodeError } from './decode-error';

export interface HeicRequest {
  id: number;
  bytes: Uint8Array;
  maxPixels: number;
}

export type HeicReply =
  | { id: number; ok: true; data: Uint8Array; width: number; height: number; channels: Raster['channels'] }
  | { id: number; ok: false; code: ScanErrorCode | null; message: string };

interface Job {
  request: HeicRequest;
  resolve: (raster: Raster) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  idle: NodeJS.Timeout | null;
}

let idleMs = 20_000;

/** How long an idle worker lives (tests shorten it); applies to workers idle now as well. */
export function setHeicIdleMs(ms: number): void {
  idleMs = ms;
  for (const slot of slots) if (slot.idle) scheduleIdleEnd(slot);
}

function scheduleIdleEnd(slot: Slot): void {
  if (slot.idle) clearTimeout(slot.idle);
  slot.idle = setTimeout(() => {
    const at = slots.indexOf(slot);
    if (at >= 0 && slot.job === null) {
      slots.splice(at, 1);
      void slot.worker.terminate();
    }
  }, idleMs);
  slot.idle.unref();
}

/** Workers alive now. */
export function heicWorkersLive(): number {
  return slots.length;
}

const size = Math.max(1, Math.min(2, os.availableParallelism()));
const slots: Slot[] = [];
const queue: Job[] = [];
let nextId = 1;
let started = 0;

/** Workers started since the process began (for tests and diagnostics). */
export function heicWorkersStarted(): number {
  return started;
}

export function decodeHeicOffThread(bytes: Uint8Array, maxPixels: number): Promise<Raster> {
  // A copy: the caller's bytes may be a view of a reused read buffer, and this one is transferred.
  const own = new Uint8Array(bytes);
  return new Promise<Raster>((resolve, reject) => {
    queue.push({ request: { id: nextId++, bytes: own, maxPixels }, resolve, reject });
    pump();
  });
}

function pump(): void {
  while (queue.length > 0) {
    let slot = slots.find((s) => s.job === null);
    if (!slot && slots.length < size) slot = spawn();
    if (!slot) return;
    const job = queue.shift() as Job;
    slot.job = job;
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
    slot.worker.ref();
    slot.worker.postMessage(job.request, [job.request.bytes.buffer as ArrayBuffer]);
  }
}

function spawn(): Slot {
  const worker = startWorker(new URL('./heic-worker.ts', import.meta.url), `sift-heic-${++started}`);
  const slot: Slot = { worker, job: null, idle: null };
  slots.push(slot);
  worker.unref();
  const settle = (fn: (job: Job) => void): void => {
    const job = slot.job;
    slot.job = null;
    worker.unref();
    if (job) fn(job);
    pump();
    if (slot.job === null && slots.includes(slot)) scheduleIdleEnd(slot);
  };
  worker.on('message', (reply: HeicReply) =>
    settle((job) => {
      if (reply.ok) job.resolve({ data: reply.data, width: reply.width, height: reply.height, channels: reply.channels });
      else job.reject(new DecodeError(reply.code ?? 'CORRUPT', reply.message));
    }),
  );
  const retire = (why: string): void => {
    const at = slots.indexOf(slot);
    if (at >= 0) slots.splice(at, 1);
    if (slot.idle) clearTimeout(slot.idle);
    settle((job) => job.reject(new DecodeError('CORRUPT', `HEIC decoder failed: ${why}`)));
  };
  worker.on('error', (error) => retire(error.message));
  worker.on('exit', (code) => retire(`worker exited with code ${code}`));
  return slot;
}
