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
      {
        repo,
        thumbs: new ThumbnailStore(path.join(data, 'thumbs')),
        computeHashes: computeImageHashes,
        vision: null,
        logger: silentLogger,
      },
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
      const { groups } = (await engine.dispatch('dedup:groups', {})) as {
        groups: Array<{ kind: string; members: unknown[] }>;
      };
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

  it('groups duplicates while a scan is still hashing, and again at its end', async () => {
    const photos = path.join(root, 'photos');
    mkdirSync(photos);
    for (let i = 0; i < 4; i++) {
      const bytes = await makeJpeg(200, 150, 10 + i);
      writeFileSync(path.join(photos, `${i}a.jpg`), bytes);
      writeFileSync(path.join(photos, `${i}b.jpg`), bytes);
    }
    const engine = await createEngine({ dataDir: path.join(root, 'data'), interimGroupingMs: 0 });
    try {
      await engine.dispatch('library:addFolder', { path: photos });
      const seen: string[] = [];
      const unsubscribe = engine.subscribe((event, payload) => {
        if (event === 'library:changed') seen.push(`changed:${(payload as { reason: string }).reason}`);
        if (event === 'job:finished') seen.push('finished');
      });
      await engine.scanAndWait({ ml: false });
      unsubscribe();
      // At least one regrouping announced before the scan finished (the UI reloads on it).
      expect(seen.indexOf('changed:dedup')).toBeGreaterThanOrEqual(0);
      expect(seen.indexOf('changed:dedup')).toBeLessThan(seen.indexOf('finished'));
      const { total } = (await engine.dispatch('dedup:groups', {})) as { total: number };
      expect(total).toBe(4);
    } finally {
      await engine.dispose();
    }
  });

  it('removes a folder with everything derived from it: photos, groups, errors, faces and the people only it showed', async () => {
    const kept = path.join(root, 'kept');
    const gone = path.join(root, 'gone');
    mkdirSync(kept);
    mkdirSync(gone);
    const bytes = await makeJpeg(400, 300, 5);
    writeFileSync(path.join(gone, 'a.jpg'), bytes);
    writeFileSync(path.join(gone, 'b.jpg'), bytes);
    writeFileSync(path.join(gone, 'broken.jpg'), Buffer.from('not a picture'));
    writeFileSync(path.join(kept, 'c.jpg'), await makeJpeg(300, 200, 9));
    const data = path.join(root, 'data');
    const engine = await createEngine({ dataDir: data });
    try {
      const folderGone = (await engine.dispatch('library:addFolder', { path: gone })) as { id: number };
      await engine.dispatch('library:addFolder', { path: kept });
      await engine.scanAndWait({ ml: false });
      // A face in the removed folder's photo, named: its person must go with the folder.
      const db = openDatabase(path.join(data, 'library.db'), silentLogger);
      const content = db
        .prepare<[string], number>('SELECT content_id FROM files WHERE path = ?')
        .pluck()
        .get(path.join(gone, 'a.jpg')) as number;
      const face = db
        .prepare<
          [number],
          number
        >("INSERT INTO faces (content_id, idx, x, y, w, h, score, quality, model_version) VALUES (?, 0, 1, 1, 50, 50, 0.9, 0.9, 't') RETURNING id")
        .pluck()
        .get(content) as number;
      const person = db
        .prepare<[number], number>("INSERT INTO people (name, created_at) VALUES ('Gone', ?) RETURNING id")
        .pluck()
        .get(Date.now()) as number;
      db.prepare<[number, number, number]>(
        "INSERT INTO face_person (face_id, person_id, source, at) VALUES (?, ?, 'user', ?)",
      ).run(face, person, Date.now());
      db.close();
      expect(((await engine.dispatch('people:list', {})) as unknown[]).length).toBe(1);
      expect(((await engine.dispatch('dedup:groups', {})) as { total: number }).total).toBe(1);
      expect(((await engine.dispatch('library:errors', {})) as { total: number }).total).toBe(1);

      await engine.dispatch('library:removeFolder', { id: folderGone.id });
      expect(((await engine.dispatch('people:list', {})) as unknown[]).length).toBe(0);
      expect(((await engine.dispatch('dedup:groups', {})) as { total: number }).total).toBe(0);
      expect(((await engine.dispatch('library:errors', {})) as { total: number }).total).toBe(0);
      const status = (await engine.dispatch('library:status', {})) as { images: number; faces: number };
      expect(status.images).toBe(1);
      expect(status.faces).toBe(0);
    } finally {
      await engine.dispose();
    }
  });
});
