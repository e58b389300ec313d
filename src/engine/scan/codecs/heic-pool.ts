/**
 * HEIC decoding off the engine thread: a small pool of worker threads (one per core, at most 2),
 * each decode under a time budget (a malformed file can make libheif spin). A worker idle for
 * 20 s is ended: libheif's WebAssembly heap only grows (process RSS 290–350 MB while decoding a
 * 12-MP photo). A crashed or stopped worker fails its job with a recorded error and is replaced.
 */
import os from 'node:os';
import type { ScanErrorCode } from '../../../common/contract/types';
import type { Raster } from '../../../common/raster';
import { BudgetedPool } from './budgeted-pool';
import { DecodeError } from './decode-error';
import type { HeicPixels } from './heic';

export interface HeicRequest {
  id: number;
  bytes: Uint8Array;
  maxPixels: number;
  /** > 0: an embedded thumbnail at least this large will do (see decodeHeicPixels). */
  previewLongSide: number;
}

export type HeicReply =
  | {
      id: number;
      ok: true;
      data: Uint8Array;
      width: number;
      height: number;
      channels: Raster['channels'];
      fullWidth: number;
      fullHeight: number;
    }
  | { id: number; ok: false; code: ScanErrorCode | null; message: string };

/** A 12-MP HEIC takes 1.3–1.5 s on a 2-core box; this leaves room for slow machines and big photos. */
export const HEIC_BUDGET_MS = 60_000;

const pool = new BudgetedPool<Omit<HeicRequest, 'id'>, HeicReply>(
  new URL('./heic-worker.ts', import.meta.url),
  'sift-heic',
  Math.max(1, Math.min(2, os.availableParallelism())),
  20_000,
);

/** How long an idle worker lives (tests shorten it); applies to workers idle now as well. */
export function setHeicIdleMs(ms: number): void {
  pool.setIdleMs(ms);
}

/** Workers alive now. */
export function heicWorkersLive(): number {
  return pool.live;
}

/** Workers started since the process began (for tests and diagnostics). */
export function heicWorkersStarted(): number {
  return pool.started;
}

export async function decodeHeicOffThread(
  bytes: Uint8Array,
  maxPixels: number,
  budgetMs = HEIC_BUDGET_MS,
  previewLongSide = 0,
): Promise<HeicPixels> {
  // A copy: the caller's bytes may be a view of a reused read buffer, and this one is transferred.
  const own = new Uint8Array(bytes);
  const reply = await pool.run(
    { bytes: own, maxPixels, previewLongSide },
    [own.buffer],
    budgetMs,
    'HEIC decoding',
  );
  if (!reply.ok) throw new DecodeError(reply.code ?? 'CORRUPT', reply.message);
  return {
    raster: { data: reply.data, width: reply.width, height: reply.height, channels: reply.channels },
    width: reply.fullWidth,
    height: reply.fullHeight,
  };
}
