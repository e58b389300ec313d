/**
 * EXIF parsing off the engine thread under a time budget. exifr is synchronous JavaScript that
 * trusts the file's structure; on a malformed file it can loop for good, which on the engine's
 * thread would stop the scan, status, cancel and the bridge alike.
 */
import { BudgetedPool } from './codecs/budgeted-pool';
import type { PhotoMetadata } from './exif';

export interface MetadataRequest {
  id: number;
  bytes: Uint8Array;
}

export interface MetadataReply {
  id: number;
  metadata: PhotoMetadata;
}

/** EXIF of a real photo parses in milliseconds; seconds mean a parser caught in a loop. */
export const METADATA_BUDGET_MS = 10_000;

const pool = new BudgetedPool<Omit<MetadataRequest, 'id'>, MetadataReply>(
  new URL('./metadata-worker.ts', import.meta.url),
  'sift-metadata',
  // One worker: a header parses in about a millisecond, and each worker costs a V8 isolate to start.
  1,
  20_000,
);

/** Workers started since the process began (a stopped parser shows as one more). */
export function metadataWorkersStarted(): number {
  return pool.started;
}

/** Parses the metadata in a worker; throws a DecodeError (CORRUPT) when the budget runs out. */
export async function readMetadataOffThread(
  bytes: Uint8Array,
  budgetMs = METADATA_BUDGET_MS,
): Promise<PhotoMetadata> {
  // A copy: the caller's bytes may be a view of a reused read buffer, and this one is transferred.
  const own = new Uint8Array(bytes);
  return (await pool.run({ bytes: own }, [own.buffer], budgetMs, 'Reading the metadata')).metadata;
}
