/** Thumbnail cache on disk: one small JPEG per content, written atomically. */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export class ThumbnailStore {
  constructor(readonly dir: string) {}

  pathFor(contentId: number, size: 'small' | 'large' = 'small'): string {
    const shard = (contentId % 256).toString(16).padStart(2, '0');
    return path.join(this.dir, size, shard, `${contentId}.jpg`);
  }

  async write(contentId: number, jpeg: Buffer, size: 'small' | 'large' = 'small'): Promise<void> {
    const target = this.pathFor(contentId, size);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temp, jpeg);
    await fs.rename(temp, target);
  }

  async exists(contentId: number, size: 'small' | 'large' = 'small'): Promise<boolean> {
    try {
      await fs.access(this.pathFor(contentId, size));
      return true;
    } catch {
      return false;
    }
  }
}
