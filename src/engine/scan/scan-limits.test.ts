/**
 * A scan is bounded in time and memory whatever the folder holds (issue 11, items 1, 2 and 9):
 * malformed HEIF/AVIF never hang it, parsers run under a time budget in workers, big non-images
 * are never read, and a file replaced during the scan is stored as it was read.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger';
import type { Raster } from '../../common/raster';
import { computeImageHashes } from '../dedup/hashes';
import { openDatabase, type Db } from '../db/open';
import { createLibraryRepository, type LibraryRepository } from '../library/repository';
import { makeJpeg, tempDir } from '../testing';
import { DecodeError } from './codecs/decode-error';
import { assertHeifStructure } from './codecs/isobmff';
import { metadataWorkersStarted, readMetadataOffThread } from './metadata-pool';
import { runScan, type ScanDeps, type ScanReport } from './scan-job';
import { ThumbnailStore } from './thumbs';

let root: string;
let cleanup: () => void;
let db: Db;
let repo: LibraryRepository;
let photos: string;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  photos = path.join(root, 'photos');
  mkdirSync(photos);
  db = openDatabase(path.join(root, 'data', 'library.db'), silentLogger);
  repo = createLibraryRepository(db);
  repo.addFolder(photos, Date.now());
});
afterEach(() => {
  db.close();
  cleanup();
});

function scan(over: Partial<ScanDeps> = {}): Promise<ScanReport> {
  const deps: ScanDeps = {
    repo,
    thumbs: new ThumbnailStore(path.join(root, 'data', 'thumbs')),
    computeHashes: computeImageHashes,
    vision: null,
    logger: silentLogger,
    ...over,
  };
  return runScan(deps, { folderIds: null, ml: false }, new AbortController().signal, () => undefined);
}
const codeOf = (report: ScanReport, name: string): string | undefined =>
  report.errors.find((e) => e.path.endsWith(name))?.code;

/** The 32-byte file from the issue: an ftyp box, then a box of size 0. exifr looped on it for ever. */
const zeroBoxHeif = (brand: string): Buffer =>
  Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from(`ftyp${brand}`),
    Buffer.alloc(4),
    Buffer.from(`mif1${brand}`),
    Buffer.alloc(8),
  ]);

describe('malformed HEIF never stalls a scan (item 1)', () => {
  it(
    'records 32-byte HEIC and AVIF files with a zero-size box as CORRUPT and scans the rest',
    { timeout: 60_000 },
    async () => {
      writeFileSync(path.join(photos, 'IMG.HEIC'), zeroBoxHeif('heic'));
      writeFileSync(path.join(photos, 'IMG.AVIF'), zeroBoxHeif('avif'));
      writeFileSync(path.join(photos, 'good.jpg'), await makeJpeg(320, 240, 1));
      const report = await scan();
      expect(report.images).toBe(1);
      expect(codeOf(report, 'IMG.HEIC')).toBe('CORRUPT');
      expect(codeOf(report, 'IMG.AVIF')).toBe('CORRUPT');
      expect(report.errors.find((e) => e.path.endsWith('IMG.HEIC'))?.message).toMatch(
        /HEIF structure is invalid/,
      );
    },
  );

  it('accepts the structure of a real HEIC and rejects zero, tiny and overrunning boxes', () => {
    const heic = readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url));
    expect(() => assertHeifStructure(heic)).not.toThrow();
    expect(() => assertHeifStructure(zeroBoxHeif('heic'))).toThrow(DecodeError);
    const tiny = Buffer.from(heic);
    tiny.writeUInt32BE(4, tiny.readUInt32BE(0)); // the box after ftyp claims 4 bytes
    expect(() => assertHeifStructure(tiny)).toThrow(/less than its own header/);
    expect(() => assertHeifStructure(heic.subarray(0, heic.length - 10))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }) as Error,
    );
  });

  it(
    'stops a metadata parser that loops (exifr on the zero-size box), while the engine thread keeps running',
    { timeout: 60_000 },
    async () => {
      const startedBefore = metadataWorkersStarted();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 50);
      const started = performance.now();
      try {
        // Straight to the parser, past the structure check: exifr spins on this file until stopped.
        await expect(readMetadataOffThread(zeroBoxHeif('heic'), 1500)).rejects.toThrow(
          /did not finish within 1.5 s/,
        );
      } finally {
        clearInterval(timer);
      }
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(1400);
      expect(elapsed).toBeLessThan(15_000);
      // The event loop was free the whole time: ~30 ticks of 50 ms in 1.5 s.
      expect(ticks).toBeGreaterThan(10);
      // The next file gets a fresh worker and a normal answer.
      const jpeg = await makeJpeg(64, 48, 3);
      await expect(readMetadataOffThread(jpeg)).resolves.toMatchObject({
        fieldCount: expect.any(Number) as unknown,
      });
      expect(metadataWorkersStarted()).toBeGreaterThan(startedBefore);
    },
  );
});

/** A sparse file: `size` bytes on the file system without using the disk; `head` at its start. */
function sparse(file: string, size: number, head: Buffer): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, head, 0, head.length, 0);
    writeSync(fd, Buffer.alloc(1), 0, 1, Math.floor(size) - 1);
  } finally {
    closeSync(fd);
  }
}

describe('memory is bounded by what is an image (item 2)', () => {
  it(
    'never reads big non-image files and refuses images above the size cap without reading them',
    { timeout: 120_000 },
    async () => {
      const gib = 2 ** 30;
      // QuickTime movies start with an ftyp box of brand "qt  ": sniffed as not an image.
      const mov = Buffer.concat([Buffer.from([0, 0, 0, 0x14]), Buffer.from('ftypqt  '), Buffer.alloc(8)]);
      sparse(path.join(photos, 'clip1.mov'), 1.9 * gib, mov);
      sparse(path.join(photos, 'clip2.mov'), 1.9 * gib, mov);
      sparse(
        path.join(photos, 'huge.jpg'),
        0.9 * gib,
        Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1]),
      );
      writeFileSync(path.join(photos, 'good.jpg'), await makeJpeg(320, 240, 2));
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      let report: ScanReport;
      try {
        report = await scan({ maxImageBytes: 256 * 2 ** 20 });
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(report.images).toBe(1);
      expect(report.skipped).toBe(2);
      expect(codeOf(report, 'huge.jpg'), JSON.stringify(report.errors)).toBe('TOO_MANY_PIXELS');
      expect(report.errors.find((e) => e.path.endsWith('huge.jpg'))?.message).toMatch(
        /above the 256 MB limit/,
      );
      // Reading either movie whole would add 1.9 GB.
      expect(peak - before).toBeLessThan(300 * 2 ** 20);
    },
  );
});

describe('small scan defects (item 9)', () => {
  it(
    'stores a file replaced during the scan with the size of the bytes it read',
    { timeout: 60_000 },
    async () => {
      writeFileSync(path.join(photos, 'a.jpg'), await makeJpeg(320, 240, 4));
      writeFileSync(path.join(photos, 'b.jpg'), await makeJpeg(320, 240, 5));
      const replacement = await makeJpeg(640, 480, 6, 95);
      let replaced = false;
      await scan({
        concurrency: 1,
        // The walk has listed both files; b.jpg is replaced before it is read.
        computeHashes: (raster: Raster) => {
          if (!replaced) {
            replaced = true;
            writeFileSync(path.join(photos, 'b.jpg'), replacement);
          }
          return computeImageHashes(raster);
        },
      });
      const row = db
        .prepare(
          "SELECT f.size, c.bytes FROM files f JOIN contents c ON c.id = f.content_id WHERE f.path LIKE '%b.jpg'",
        )
        .get() as { size: number; bytes: number };
      expect(row.bytes).toBe(replacement.length);
      expect(row.size).toBe(replacement.length);
    },
  );

  it('says "empty" for an image-named file emptied after the walk', async () => {
    writeFileSync(path.join(photos, 'a.jpg'), await makeJpeg(320, 240, 7));
    writeFileSync(path.join(photos, 'b.jpg'), await makeJpeg(320, 240, 8));
    let emptied = false;
    const report = await scan({
      concurrency: 1,
      computeHashes: (raster: Raster) => {
        if (!emptied) {
          emptied = true;
          writeFileSync(path.join(photos, 'b.jpg'), Buffer.alloc(0));
        }
        return computeImageHashes(raster);
      },
    });
    const error = report.errors.find((e) => e.path.endsWith('b.jpg'));
    expect(error).toMatchObject({ code: 'EMPTY_FILE' });
    expect(error?.message).not.toMatch(/not a known image format/);
  });
});
