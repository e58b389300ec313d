/** Thumbnail cache on disk: one small JPEG per content, written atomically. */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export class ThumbnailStore {
  /** Shard folders known to exist: a scan writes thousands of thumbnails into 256 folders. */
  private readonly madeDirs = new Set<string>();
  private tempCounter = 0;
  private readonly nonce = randomBytes(4).toString('hex');

  constructor(readonly dir: string) {}

  pathFor(contentId: number, size: 'small' | 'large' = 'small'): string {
    const shard = (contentId % 256).toString(16).padStart(2, '0');
    return path.join(this.dir, size, shard, `${contentId}.jpg`);
  }

  async write(contentId: number, jpeg: Buffer, size: 'small' | 'large' = 'small'): Promise<void> {
    const target = this.pathFor(contentId, size);
    const dir = path.dirname(target);
    if (!this.madeDirs.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    const temp = `${target}.${process.pid}.${this.nonce}.${++this.tempCounter}.tmp`;
    try {
      await fs.writeFile(temp, jpeg);
    } catch (error) {
      // The folder may have been removed behind our back (cache cleared): recreate it once.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(temp, jpeg);
    }
    await fs.rename(temp, target);
  }

  /**
   * Removes temporary files a killed process left behind (written, never renamed into place).
   * Called at start, under the library lock, when no other writer can be mid-write.
   */
  async removeLeftovers(): Promise<number> {
    let removed = 0;
    for (const size of ['small', 'large']) {
      let shards: string[];
      try {
        shards = await fs.readdir(path.join(this.dir, size));
      } catch {
        continue;
      }
      for (const shard of shards) {
        let names: string[];
        try {
          names = await fs.readdir(path.join(this.dir, size, shard));
        } catch {
          continue;
        }
        for (const name of names) {
          if (!name.endsWith('.tmp')) continue;
          await fs.rm(path.join(this.dir, size, shard, name), { force: true });
          removed++;
        }
      }
    }
    return removed;
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
