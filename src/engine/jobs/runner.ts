/**
 * Jobs: a typed union with a handler table (a missing handler fails to compile), one job at a
 * time, dedup keys, AbortSignal cancellation, throttled progress with rate and ETA, and a
 * shutdown that waits for the running job to stop.
 */
import type { JobInfo, JobType } from '../../common/contract/types';
import type { Logger } from '../../common/logger';
import { EngineError } from '../../common/errors';

export type JobSpec =
  | { type: 'scan'; folderIds: number[] | null; ml: boolean }
  | { type: 'people' }
  | { type: 'series' };

export interface JobContext {
  /** The job's id (JobInfo.id). */
  id: number;
  signal: AbortSignal;
  logger: Logger;
  /** Reports progress of the current stage; cheap to call per item (throttled). */
  progress: (stage: string, done: number, total: number) => void;
}

export type JobHandlers = {
  [K in JobType]: (spec: Extract<JobSpec, { type: K }>, ctx: JobContext) => Promise<void>;
};

interface JobRecord {
  info: JobInfo;
  spec: JobSpec;
  key: string;
  controller: AbortController;
  stageStartedAt: number;
}

const PROGRESS_INTERVAL_MS = 150;

export class JobRunner {
  private nextId = 1;
  private readonly jobs: JobRecord[] = [];
  private running: Promise<void> | null = null;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly handlers: JobHandlers,
    private readonly logger: Logger,
    private readonly onProgress: (info: JobInfo) => void,
    private readonly onFinished: (info: JobInfo) => void,
  ) {}

  /** Queues a job; an identical queued or running job is returned instead of a second one. */
  enqueue(spec: JobSpec): number {
    if (this.closed) throw new EngineError('CONFLICT', 'Sift is shutting down');
    const key = JSON.stringify(spec);
    const existing = this.jobs.find(
      (j) => j.key === key && (j.info.state === 'queued' || j.info.state === 'running'),
    );
    if (existing) return existing.info.id;
    const info: JobInfo = {
      id: this.nextId++,
      type: spec.type,
      state: 'queued',
      stage: 'queued',
      done: 0,
      total: 0,
      rate: 0,
      etaSeconds: null,
      startedAt: null,
      finishedAt: null,
      error: null,
      errorCode: null,
    };
    this.jobs.push({ info, spec, key, controller: new AbortController(), stageStartedAt: 0 });
    if (this.jobs.length > 200) this.jobs.splice(0, this.jobs.length - 200);
    this.pump();
    return info.id;
  }

  list(): JobInfo[] {
    return this.jobs.map((j) => ({ ...j.info }));
  }

  get(id: number): JobInfo | null {
    const job = this.jobs.find((j) => j.info.id === id);
    return job ? { ...job.info } : null;
  }

  cancel(id: number): boolean {
    const job = this.jobs.find((j) => j.info.id === id);
    if (!job || (job.info.state !== 'queued' && job.info.state !== 'running')) return false;
    if (job.info.state === 'queued') {
      job.info.state = 'cancelled';
      job.info.finishedAt = Date.now();
      this.onFinished({ ...job.info });
    }
    job.controller.abort();
    return true;
  }

  isIdle(): boolean {
    return this.running === null && !this.jobs.some((j) => j.info.state === 'queued');
  }

  waitIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves when the given job has finished (any final state). */
  async waitFor(id: number): Promise<JobInfo> {
    for (;;) {
      const info = this.get(id);
      if (!info) throw new EngineError('NOT_FOUND', `No job ${id}`);
      if (info.state !== 'queued' && info.state !== 'running') return info;
      await new Promise<void>((resolve) => {
        const check = (): void => resolve();
        this.finishWaiters.push(check);
      });
    }
  }

  private finishWaiters: Array<() => void> = [];

  async shutdown(): Promise<void> {
    this.closed = true;
    for (const j of this.jobs)
      if (j.info.state === 'queued' || j.info.state === 'running') this.cancel(j.info.id);
    await this.running;
  }

  private pump(): void {
    if (this.running) return;
    const next = this.jobs.find((j) => j.info.state === 'queued');
    if (!next) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    this.running = this.execute(next).finally(() => {
      this.running = null;
      const waiters = this.finishWaiters;
      this.finishWaiters = [];
      for (const w of waiters) w();
      this.pump();
    });
  }

  private async execute(job: JobRecord): Promise<void> {
    const { info } = job;
    info.state = 'running';
    info.startedAt = Date.now();
    job.stageStartedAt = info.startedAt;
    let lastEmit = 0;
    const ctx: JobContext = {
      id: info.id,
      signal: job.controller.signal,
      logger: this.logger.child({ job: info.id, type: info.type }),
      progress: (stage, done, total) => {
        const now = Date.now();
        if (stage !== info.stage) {
          info.stage = stage;
          job.stageStartedAt = now;
          lastEmit = 0;
        }
        info.done = done;
        info.total = total;
        const elapsed = (now - job.stageStartedAt) / 1000;
        info.rate = elapsed > 0.2 ? done / elapsed : 0;
        info.etaSeconds = info.rate > 0 && total >= done ? Math.round((total - done) / info.rate) : null;
        if (now - lastEmit >= PROGRESS_INTERVAL_MS || done === total) {
          lastEmit = now;
          this.onProgress({ ...info });
        }
      },
    };
    this.onProgress({ ...info });
    try {
      await this.dispatch(job.spec, ctx);
      info.state = job.controller.signal.aborted ? 'cancelled' : 'done';
    } catch (error) {
      const engineError = EngineError.from(error);
      if (engineError.code === 'CANCELLED' || job.controller.signal.aborted) {
        info.state = 'cancelled';
      } else {
        info.state = 'failed';
        info.error = engineError.message;
        info.errorCode = engineError.code;
        ctx.logger.error('job failed', { error: error instanceof Error ? error.stack : String(error) });
      }
    }
    info.finishedAt = Date.now();
    info.etaSeconds = null;
    this.onFinished({ ...info });
  }

  private dispatch(spec: JobSpec, ctx: JobContext): Promise<void> {
    switch (spec.type) {
      case 'scan':
        return this.handlers.scan(spec, ctx);
      case 'people':
        return this.handlers.people(spec, ctx);
      case 'series':
        return this.handlers.series(spec, ctx);
    }
  }
}
