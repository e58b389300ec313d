/** Engine-level behaviour across restarts: a scan that dies before grouping is finished by the next one. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger';
import { computeImageHashes } from './dedup/hashes';
import { openDatabase } from './db/open';
import { createEngine } from './engine';
import { createLibraryRepository, GROUPS_STALE } from './library/repository';
import { runScan } from './scan/scan-job';
import { ThumbnailStore } from './scan/thumbs';
import { makeJpeg, tempDir } from './testing';

let root: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
});
afterEach(() => cleanup());

describe('engine', () => {
  it('rebuilds duplicate groups after a scan that stopped before grouping, even when no file changed since', async () => {
    const photos = path.join(root, 'photos');
    const data = path.join(root, 'data');
    mkdirSync(photos);
    const bytes = await makeJpeg(400, 300, 3);
    writeFileSync(path.join(photos, 'a.jpg'), bytes);
    writeFileSync(path.join(photos, 'b.jpg'), bytes);
    // A scan that analysed every file and then died (no grouping stage ran).
    const db = openDatabase(path.join(data, 'library.db'), silentLogger);
    const repo = createLibraryRepository(db);
    repo.addFolder(photos, Date.now());
    const report = await runScan(
      { db, repo, thumbs: new ThumbnailStore(path.join(data, 'thumbs')), computeHashes: computeImageHashes, vision: null, logger: silentLogger },
      { folderIds: null, ml: false },
      new AbortController().signal,
      () => undefined,
    );
    expect(report.images).toBe(2);
    expect(repo.flag(GROUPS_STALE)).toBe(true);
    db.close();

    const engine = await createEngine({ dataDir: data });
    try {
      const again = await engine.scanAndWait({ ml: false });
      expect(again.unchanged).toBe(2);
      const { groups } = (await engine.dispatch('dedup:groups', {})) as { groups: Array<{ kind: string; members: unknown[] }> };
      expect(groups).toHaveLength(1);
      expect(groups[0]?.kind).toBe('exact');
      // And an unchanged library after that does not rebuild again (the flag is cleared).
      const check = openDatabase(path.join(data, 'library.db'), silentLogger);
      expect(createLibraryRepository(check).flag(GROUPS_STALE)).toBe(false);
      check.close();
    } finally {
      await engine.dispose();
    }
  });
});
