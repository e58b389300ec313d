import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ReadBuffer } from './read-pool';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sift-read-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ReadBuffer', () => {
  it('reads files of any size exactly, reusing and growing its buffer', async () => {
    const reader = new ReadBuffer();
    for (const size of [0, 1, 1000, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 17, 10]) {
      const content = randomBytes(size);
      const file = path.join(dir, `f${size}`);
      writeFileSync(file, content);
      const bytes = await reader.read(file);
      expect(bytes.length).toBe(size);
      expect(Buffer.compare(bytes, content)).toBe(0);
    }
  });

  it('reports a missing file as the fs error', async () => {
    await expect(new ReadBuffer().read(path.join(dir, 'absent'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops when the scan is cancelled', async () => {
    const file = path.join(dir, 'cancel');
    writeFileSync(file, randomBytes(100));
    const controller = new AbortController();
    controller.abort();
    await expect(new ReadBuffer().read(file, controller.signal)).rejects.toThrow();
  });
});
