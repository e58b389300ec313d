/** Scanning to completion through the contract, as the CLI (and tests) do: start, follow, report. */
import { EngineError } from '../errors';
import type { ApiClient } from './rpc';
import type { ScanReport } from './types';

export interface ScanAndWaitOptions {
  folderIds?: number[];
  ml: boolean;
  onProgress?: (stage: string, done: number, total: number, rate: number, eta: number | null) => void;
}

/** Starts a scan job, reports its progress, waits for it and returns its report (every error included). */
export async function scanAndWait(
  api: ApiClient,
  { folderIds, ml, onProgress }: ScanAndWaitOptions,
): Promise<ScanReport> {
  const { jobId } = await api.library.scan({ folderIds, ml });
  const off = api.on('job:progress', (info) => {
    if (info.id === jobId) onProgress?.(info.stage, info.done, info.total, info.rate, info.etaSeconds);
  });
  try {
    const info = await api.jobs.wait({ id: jobId });
    if (info.state === 'failed')
      throw new EngineError('INTERNAL', `Scan failed: ${info.error ?? 'unknown error'}`);
    const report = await api.library.scanReport({ jobId });
    if (!report)
      throw new EngineError(
        info.state === 'cancelled' ? 'CANCELLED' : 'INTERNAL',
        info.state === 'cancelled' ? 'The scan was cancelled' : 'The scan finished without a report',
      );
    return report;
  } finally {
    off();
  }
}
