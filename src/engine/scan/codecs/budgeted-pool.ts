/**
 * Worker threads for parsers that read untrusted bytes (libheif, EXIF). Each job has a time budget:
 * a parser that loops on a malformed file is stopped by ending its worker, the job fails with a
 * recorded reason, and a fresh worker takes the next job. The engine's thread never runs such a loop.
 * Workers start on demand, are unref'd (they never keep a process alive) and end after `idleMs`
 * without work (libheif's WebAssembly heap only grows: a desktop app should not keep it).
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../workers/start-worker';
import { DecodeError } from './decode-error';

interface Job<Reply> {
  request: { id: number };
  transfer: ArrayBuffer[];
  budgetMs: number;
  label: string;
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

interface Slot<Reply> {
  worker: Worker;
  job: Job<Reply> | null;
  idle: NodeJS.Timeout | null;
  deadline: NodeJS.Timeout | null;
}

export class BudgetedPool<Request extends object, Reply extends { id: number }> {
  private readonly slots: Array<Slot<Reply>> = [];
  private readonly queue: Array<Job<Reply>> = [];
  private nextId = 1;
  private startedCount = 0;

  constructor(
    private readonly workerUrl: URL,
    private readonly name: string,
    private readonly size: number,
    private idleMs: number,
  ) {}

  /** Workers alive now. */
  get live(): number {
    return this.slots.length;
  }

  /** Workers started since the pool was made (a stopped parser shows as one more). */
  get started(): number {
    return this.startedCount;
  }

  /** How long an idle worker lives; applies to workers idle now as well. */
  setIdleMs(ms: number): void {
    this.idleMs = ms;
    for (const slot of this.slots) if (slot.idle) this.scheduleIdleEnd(slot);
  }

  /** Runs one job; `label` names the work in the error when the budget runs out. */
  run(request: Request, transfer: ArrayBuffer[], budgetMs: number, label: string): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.queue.push({
        request: { ...request, id: this.nextId++ },
        transfer,
        budgetMs,
        label,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift() as Job<Reply>;
      const taken = slot;
      taken.job = job;
      if (taken.idle) clearTimeout(taken.idle);
      taken.idle = null;
      taken.worker.ref();
      // The budget starts when the worker gets the job, not while it waits in the queue.
      taken.deadline = setTimeout(() => {
        this.retire(
          taken,
          new DecodeError(
            'CORRUPT',
            `${job.label} did not finish within ${(job.budgetMs / 1000).toFixed(1)} s and was stopped (the file is probably malformed)`,
          ),
        );
      }, job.budgetMs);
      taken.worker.postMessage(job.request, job.transfer);
    }
  }

  private scheduleIdleEnd(slot: Slot<Reply>): void {
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = setTimeout(() => {
      const at = this.slots.indexOf(slot);
      if (at >= 0 && slot.job === null) {
        this.slots.splice(at, 1);
        void slot.worker.terminate();
      }
    }, this.idleMs);
    slot.idle.unref();
  }

  /** Takes a slot out of service (crash or budget spent) and fails its job with `error`. */
  private retire(slot: Slot<Reply>, error: Error): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    if (slot.idle) clearTimeout(slot.idle);
    if (slot.deadline) clearTimeout(slot.deadline);
    const job = slot.job;
    slot.job = null;
    void slot.worker.terminate();
    job?.reject(error);
    this.pump();
  }

  private spawn(): Slot<Reply> {
    const worker = startWorker(this.workerUrl, `${this.name}-${++this.startedCount}`);
    const slot: Slot<Reply> = { worker, job: null, idle: null, deadline: null };
    this.slots.push(slot);
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = slot.job;
      if (!job || job.request.id !== reply.id) return;
      if (slot.deadline) clearTimeout(slot.deadline);
      slot.deadline = null;
      slot.job = null;
      worker.unref();
      job.resolve(reply);
      this.pump();
      if (slot.job === null && this.slots.includes(slot)) this.scheduleIdleEnd(slot);
    });
    worker.on('error', (error) =>
      this.retire(
        slot,
        new DecodeError('CORRUPT', `${slot.job?.label ?? 'Parser'} failed: ${error.message}`),
      ),
    );
    worker.on('exit', (code) =>
      this.retire(
        slot,
        new DecodeError('CORRUPT', `${slot.job?.label ?? 'Parser'} failed: worker exited with code ${code}`),
      ),
    );
    return slot;
  }
}
