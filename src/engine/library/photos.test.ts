/** Photo listings by folder and by day (the Photos view's folder filter and date headers), through validated RPC. */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine';
import { createEngine } from '../engine';
import { makeJpeg, tempDir } from '../testing';

let root: string;
let cleanup: () => void;
let engine: Engine;
const call = <T>(wire: string, arg: unknown): Promise<T> => engine.dispatch(wire, arg) as Promise<T>;

// File dates (the photos have no EXIF time): two on one day, one late on the next day (UTC).
const JUNE_12 = Date.UTC(2021, 5, 12, 10, 0);
const JUNE_13_LATE = Date.UTC(2021, 5, 13, 23, 30);

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir());
  const photos = path.join(root, 'photos');
  const files: Array<[string, number]> = [
    ['a/1.jpg', JUNE_12],
    ['a/2.jpg', JUNE_12 + 60_000],
    ['a/b/3.jpg', JUNE_13_LATE],
    ['a2/4.jpg', JUNE_12 + 120_000],
    ['c/5.jpg', JUNE_12 + 180_000],
  ];
  for (const [i, [rel, mtime]] of files.entries()) {
    const file = path.join(photos, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, await makeJpeg(64, 48, 100 + i));
    utimesSync(file, mtime / 1000, mtime / 1000);
  }
  engine = await createEngine({ dataDir: path.join(root, 'data') });
  await call('library:addFolder', { path: photos });
  await engine.scanAndWait({ ml: false });
});

afterAll(async () => {
  await engine?.dispose();
  cleanup();
});

describe('photos by folder', () => {
  it('lists the folders holding photos with their parents, counting subfolders', async () => {
    const photos = path.join(root, 'photos');
    const folders = await call<Array<{ path: string; photos: number }>>('library:photoFolders', {});
    expect(folders).toEqual([
      { path: photos, photos: 5 },
      { path: path.join(photos, 'a'), photos: 3 },
      { path: path.join(photos, 'a', 'b'), photos: 1 },
      { path: path.join(photos, 'a2'), photos: 1 },
      { path: path.join(photos, 'c'), photos: 1 },
    ]);
  });

  it("filters photos to a folder and its subfolders, not a sibling sharing its name's start", async () => {
    const a = path.join(root, 'photos', 'a');
    for (const folder of [a, a + path.sep]) {
      const { total, photos } = await call<{ total: number; photos: Array<{ path: string }> }>(
        'library:photos',
        { folder, sort: 'path' },
      );
      expect(total).toBe(3);
      expect(photos.map((p) => path.relative(a, p.path))).toEqual([
        '1.jpg',
        '2.jpg',
        path.join('b', '3.jpg'),
      ]);
    }
    const all = await call<{ total: number }>('library:photos', {});
    expect(all.total).toBe(5);
  });

  it('refuses a folder outside the library and malformed arguments', async () => {
    await expect(call('library:photos', { folder: path.join(root, 'elsewhere') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(call('library:photos', { folder: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('library:photos', { folder: 7 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('library:photos', { folder: `${root}\0x` })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(call('library:photos', { folder: root, personId: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(call('library:photoDays', { utcOffsetMinutes: 100_000 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('photos by day', () => {
  it("counts photos per day in the order of the capture-time listing, at the caller's UTC offset", async () => {
    expect(await call('library:photoDays', { utcOffsetMinutes: 0 })).toEqual([
      { day: '2021-06-12', photos: 4 },
      { day: '2021-06-13', photos: 1 },
    ]);
    // An hour east of UTC, 23:30 UTC is already the next day.
    expect(await call('library:photoDays', { utcOffsetMinutes: 60 })).toEqual([
      { day: '2021-06-12', photos: 4 },
      { day: '2021-06-14', photos: 1 },
    ]);
    expect(await call('library:photoDays', { folder: path.join(root, 'photos', 'a') })).toEqual([
      { day: '2021-06-12', photos: 2 },
      { day: '2021-06-13', photos: 1 },
    ]);
    // The days are runs of the listing sorted by capture time.
    const { photos } = await call<{ photos: Array<{ mtime: number }> }>('library:photos', {
      sort: 'captured',
    });
    expect(photos.map((p) => new Date(p.mtime).toISOString().slice(0, 10))).toEqual([
      '2021-06-12',
      '2021-06-12',
      '2021-06-12',
      '2021-06-12',
      '2021-06-13',
    ]);
  });
});
