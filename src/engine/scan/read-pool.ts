/**
 * Whole-file reads into a reused buffer. A scan reads gigabytes of photos; a fresh Buffer per file
 * is external memory that keeps V8 starting full garbage collections (measured: ~80 mark-compacts
 * per 300 12-MP photos). One growing buffer per scan worker removes that churn.
 *
 * Files are opened once: the first bytes tell the type, and only files that are images (by those
 * bytes) are then read whole, from the same handle, so a folder of videos costs a few KB each.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** Files above this size get their own buffer, so one huge RAW does not pin memory for the whole scan. */
export const POOLED_READ_LIMIT = 64 * 1024 * 1024;

/** Enough for every magic number `detectImageFormat` looks at. */
export const HEAD_BYTES = 64;

/** An open file with its size and modification time as of opening, and its first bytes. */
export interface OpenedFile {
  handle: FileHandle;
  size: number;
  mtimeMs: number;
  head: Buffer;
}

export async function openForSniffing(file: Buffer | string): Promise<OpenedFile> {
  const handle = await fs.open(file, 'r');
  try {
    const st = await handle.stat();
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return { handle, size: st.size, mtimeMs: Math.trunc(st.mtimeMs), head: head.subarray(0, bytesRead) };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

export class ReadBuffer {
  private buffer: Buffer = Buffer.allocUnsafeSlow(1 << 20);

  /**
   * The file's bytes. The result is a view of the shared buffer: valid until the next `read` on
   * this instance, so the caller must be done with it (and everything it handed it to) by then.
   */
  async read(file: Buffer | string, signal?: AbortSignal): Promise<Buffer> {
    const handle = await fs.open(file, 'r');
    try {
      return await this.readOpen(handle, (await handle.stat()).size, signal);
    } finally {
      await handle.close();
    }
  }

  /** Reads an open file whole (from its start); `size` is what stat said, the loop follows the real length. */
  async readOpen(handle: FileHandle, size: number, signal?: AbortSignal): Promise<Buffer> {
    if (size > POOLED_READ_LIMIT) return await handle.readFile({ signal });
    // One spare byte: a read that fills it proves the file grew since stat, and the loop goes on.
    if (this.buffer.length < size + 1)
      this.buffer = Buffer.allocUnsafeSlow(Math.max(size + 1, Math.ceil(this.buffer.length * 1.5)));
    let length = 0;
    for (;;) {
      signal?.throwIfAborted();
      if (length === this.buffer.length) {
        const bigger = Buffer.allocUnsafeSlow(this.buffer.length * 2);
        this.buffer.copy(bigger, 0, 0, length);
        this.buffer = bigger;
      }
      const { bytesRead } = await handle.read(this.buffer, length, this.buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return this.buffer.subarray(0, length);
  }
}

/**
 * Bytes of file content held in memory at once across the scan's workers. A worker waits before
 * reading a file that would exceed it (one file alone may, so that no file waits for ever).
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async acquire(bytes: number): Promise<() => void> {
    while (this.used > 0 && this.used + bytes > this.limit)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.used += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
      for (const wake of this.waiting.splice(0)) wake();
    };
  }
}
