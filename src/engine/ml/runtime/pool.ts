/**
 * A pool of inference worker threads (default: one per core, each with one intra-op thread).
 * Jobs queue FIFO; an idle worker takes the next one. Cancellation drops queued jobs at once and
 * discards the result of a running one (ORT cannot interrupt a run in progress).
 */
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { EngineError } from '../../../common/errors';
import type { Logger } from '../../../common/logger';
import { startWorker } from '../../workers/start-worker';
import { transferablesOf, type TensorMap, type WorkerReply, type WorkerRequest } from './protocol';

export interface InferencePoolOptions {
  workers?: number;
  logger: Logger;
  /** Inferences slower than this are logged at info level. */
  slowMs?: number;
}

export interface RunOptions {
  signal?: AbortSignal;
}

export interface InferencePool {
  readonly size: number;
  /** Number of live worker threads (0 before the first run and after dispose). */
  readonly liveWorkers: number;
  run(modelPath: string, inputs: TensorMap, options?: RunOptions): Promise<TensorMap>;
  /**
   * Time per model file since the pool started (worker-side `session.run`, model loading excluded):
   * wall ms, and CPU ms of the worker thread (null where the platform cannot tell).
   */
  inferenceTime(): Record<string, { runs: number; ms: number; cpuMs: number | null }>;
  dispose(): Promise<void>;
}

interface Job {
  id: number;
  modelPath: string;
  inputs: TensorMap;
  signal?: AbortSignal;
  resolve: (out: TensorMap) => void;
  reject: (error: EngineError) => void;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  exited: Promise<void>;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}

const cancelled = (): EngineError => new EngineError('CANCELLED', 'Inference cancelled');

export function createInferencePool(options: InferencePoolOptions): InferencePool {
  const size = Math.max(1, options.workers ?? defaultWorkerCount());
  const logger = options.logger.child({ component: 'inference-pool' });
  const slowMs = options.slowMs ?? 500;
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  const timeByModel = new Map<string, { runs: number; ms: number; cpuMs: number | null }>();
  let disposed = false;

  const finish = (job: Job): void => {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (slot.job) continue;
      const job = queue.shift();
      if (!job) return;
      slot.job = job;
      const msg: WorkerRequest = {
        type: 'run',
        id: job.id,
        modelPath: job.modelPath,
        inputs: job.inputs,
        intraOpThreads: 1,
      };
      slot.worker.postMessage(msg, transferablesOf(job.inputs));
    }
  };

  const spawn = (index: number): Slot => {
    const worker = startWorker(new URL('./inference-worker.ts', import.meta.url), `sift-inference-${index}`);
    const slot: Slot = {
      worker,
      job: undefined,
      exited: new Promise((resolve) => worker.once('exit', () => resolve())),
    };
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      slot.job = undefined;
      if (job && job.id === reply.id) {
        finish(job);
        if (job.signal?.aborted) job.reject(cancelled());
        else if (reply.type === 'result') {
          if (reply.runMs > slowMs)
            logger.info('slow inference', { model: job.modelPath, runMs: Math.round(reply.runMs) });
          const spent = timeByModel.get(job.modelPath) ?? { runs: 0, ms: 0, cpuMs: 0 };
          spent.runs += 1;
          spent.ms += reply.runMs;
          spent.cpuMs = spent.cpuMs === null || reply.cpuMs === null ? null : spent.cpuMs + reply.cpuMs;
          timeByModel.set(job.modelPath, spent);
          if (reply.loadMs > 1)
            logger.debug('model loaded', {
              model: job.modelPath,
              worker: index,
              loadMs: Math.round(reply.loadMs),
            });
          job.resolve(reply.outputs);
        } else job.reject(new EngineError(reply.code, reply.message));
      }
      pump();
    });
    worker.on('error', (error) => {
      logger.error('inference worker failed', { worker: index, error: error.message });
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        finish(job);
        job.reject(new EngineError('INTERNAL', `Inference worker failed: ${error.message}`));
      }
    });
    worker.once('exit', (code) => {
      if (disposed) return;
      // A worker died outside dispose (crash, OOM): fail its job and put a fresh worker in its place.
      logger.error('inference worker exited unexpectedly', { worker: index, code });
      const job = slot.job;
      if (job) {
        finish(job);
        job.reject(new EngineError('INTERNAL', `Inference worker exited with code ${code}`));
      }
      const at = slots.indexOf(slot);
      if (at >= 0) slots[at] = spawn(index);
      pump();
    });
    return slot;
  };

  const ensureWorkers = (): void => {
    if (slots.length === 0) for (let i = 0; i < size; i++) slots.push(spawn(i));
  };

  return {
    size,
    get liveWorkers() {
      return slots.length;
    },
    inferenceTime() {
      return Object.fromEntries([...timeByModel].map(([model, t]) => [path.basename(model), { ...t }]));
    },
    run(modelPath, inputs, runOptions = {}) {
      if (disposed) return Promise.reject(new EngineError('CANCELLED', 'Inference pool is disposed'));
      const { signal } = runOptions;
      if (signal?.aborted) return Promise.reject(cancelled());
      ensureWorkers();
      return new Promise<TensorMap>((resolve, reject) => {
        const job: Job = { id: nextId++, modelPath, inputs, signal, resolve, reject };
        if (signal) {
          job.onAbort = () => {
            const at = queue.indexOf(job);
            if (at >= 0) {
              queue.splice(at, 1);
              finish(job);
              reject(cancelled());
            }
          };
          signal.addEventListener('abort', job.onAbort, { once: true });
        }
        queue.push(job);
        pump();
      });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const job of queue.splice(0)) {
        finish(job);
        job.reject(new EngineError('CANCELLED', 'Inference pool disposed'));
      }
      // Let running jobs finish, then ask each worker to release its sessions and exit.
      await Promise.all(
        slots.map(async (slot) => {
          while (slot.job) await new Promise((r) => setTimeout(r, 5));
          slot.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
          const timer = setTimeout(() => void slot.worker.terminate(), 2000);
          await slot.exited;
          clearTimeout(timer);
        }),
      );
      slots.length = 0;
    },
  };
}
