/**
 * The scan against real files on disk and a real database: every kind of bad input becomes a
 * recorded error with a code, the scan goes on, and incremental/move/resume behave.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger';
import type { Raster } from '../../common/raster';
import { computeImageHashes } from '../dedup/hashes';
import { openDatabase, type Db } from '../db/open';
import { HASH_VERSION } from '../library/hash-codec';
import { createLibraryRepository, type LibraryRepository } from '../library/repository';
import { cliFromSource, datasetsRoot, makeJpeg, tempDir } from '../testing';
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

function deps(over: Partial<ScanDeps> = {}): ScanDeps {
  return {
    repo,
    thumbs: new ThumbnailStore(path.join(root, 'data', 'thumbs')),
    computeHashes: computeImageHashes,
    vision: null,
    logger: silentLogger,
    ...over,
  };
}

function scan(over: Partial<ScanDeps> = {}): Promise<ScanReport> {
  return runScan(deps(over), { folderIds: null, ml: false }, new AbortController().signal, () => undefined);
}

const codeOf = (report: ScanReport, name: string): string | undefined =>
  report.errors.find((e) => e.path.endsWith(name))?.code;
const count = (sql: string): number => db.prepare(sql).pluck().get() as number;

/** Rewrites a PNG's IHDR to claim `width`×`height` (with a valid CRC): a decompression bomb header. */
function pngClaiming(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  let crc = 0xffffffff;
  for (const byte of out.subarray(12, 29)) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 29);
  return out;
}

describe('scan: bad input is recorded, never fatal', () => {
  it('reports each broken file with its code and still scans the good ones', async () => {
    const good = await makeJpeg(800, 600, 1);
    writeFileSync(path.join(photos, 'good.jpg'), good);
    writeFileSync(path.join(photos, 'empty.jpg'), Buffer.alloc(0));
    writeFileSync(path.join(photos, 'notes.jpg'), 'this is text, not a photo\n'.repeat(10));
    writeFileSync(path.join(photos, 'truncated.jpg'), good.subarray(0, Math.floor(good.length / 2)));
    const corrupt = Buffer.from(good);
    corrupt.fill(0x55, 20); // a valid SOI/APP0 start, then garbage where the tables and scan data were
    writeFileSync(path.join(photos, 'corrupt.jpg'), corrupt);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    writeFileSync(path.join(photos, 'bomb.png'), pngClaiming(png, 100_000, 100_000));
    writeFileSync(path.join(photos, 'readme.txt'), 'not an image and not named like one');
    const report = await scan();
    expect(report.images).toBe(1);
    expect(report.skipped).toBe(1);
    expect(codeOf(report, 'empty.jpg')).toBe('EMPTY_FILE');
    expect(codeOf(report, 'notes.jpg')).toBe('NOT_AN_IMAGE');
    expect(codeOf(report, 'truncated.jpg')).toBe('TRUNCATED');
    expect(codeOf(report, 'corrupt.jpg')).toMatch(/CORRUPT|TRUNCATED/);
    expect(codeOf(report, 'bomb.png')).toBe('TOO_MANY_PIXELS');
    expect(report.errors).toHaveLength(5);
    // Recorded in the database too, with the scan they belong to.
    expect(count(`SELECT COUNT(*) FROM scan_errors WHERE scan_id = ${report.scanId}`)).toBe(5);
    expect(count("SELECT COUNT(*) FROM files WHERE state = 'error'")).toBe(5);
  });

  it('recognises images by content, not by extension', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#aa3311' } })
      .png()
      .toBuffer();
    writeFileSync(path.join(photos, 'actually-png.jpg'), png);
    writeFileSync(path.join(photos, 'no-extension'), await makeJpeg(320, 240, 7));
    const report = await scan();
    expect(report.errors).toEqual([]);
    expect(report.images).toBe(2);
    const formats = db.prepare('SELECT format FROM contents ORDER BY format').pluck().all();
    expect(formats).toEqual(['jpeg', 'png']);
  });

  it('applies a lower pixel limit (decompression bomb guard) to real pixels', async () => {
    writeFileSync(path.join(photos, 'big.jpg'), await makeJpeg(2000, 1500, 3));
    const report = await scan({ maxPixels: 1_000_000 });
    expect(codeOf(report, 'big.jpg')).toBe('TOO_MANY_PIXELS');
  });

  it('survives symlink loops', async () => {
    mkdirSync(path.join(photos, 'a'));
    writeFileSync(path.join(photos, 'a', 'one.jpg'), await makeJpeg(320, 240, 2));
    symlinkSync('..', path.join(photos, 'a', 'up')); // a/up -> photos: a cycle
    symlinkSync('self.jpg', path.join(photos, 'self.jpg')); // a link to itself: ELOOP
    const report = await scan();
    expect(report.images).toBe(1);
    expect(codeOf(report, 'up')).toBe('SYMLINK_LOOP');
    expect(codeOf(report, 'self.jpg')).toBe('SYMLINK_LOOP');
  });

  it('handles file names that are not valid UTF-8, and finds them again by their exact bytes', async () => {
    const name = Buffer.concat([
      Buffer.from(photos + '/caf'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('.jpg'),
    ]);
    writeFileSync(name, await makeJpeg(320, 240, 4));
    const first = await scan();
    expect(first.errors).toEqual([]);
    expect(first.images).toBe(1);
    const stored = db.prepare('SELECT path_bytes FROM files').pluck().get() as Buffer;
    expect(Buffer.compare(stored, name)).toBe(0);
    const second = await scan();
    expect(second.unchanged).toBe(1);
  });

  it('records files that vanish during the scan', async () => {
    for (let i = 0; i < 3; i++)
      writeFileSync(path.join(photos, `p${i}.jpg`), await makeJpeg(320, 240, 10 + i));
    let deleted = false;
    const report = await scan({
      concurrency: 1,
      // The first photo's hashing deletes a file the walk already listed: a real deletion mid-scan.
      computeHashes: (raster: Raster) => {
        if (!deleted) {
          deleted = true;
          unlinkSync(path.join(photos, 'p2.jpg'));
        }
        return computeImageHashes(raster);
      },
    });
    expect(codeOf(report, 'p2.jpg')).toBe('VANISHED');
    expect(report.images).toBe(2);
  });

  it('records unreadable files', async () => {
    writeFileSync(path.join(photos, 'ok.jpg'), await makeJpeg(320, 240, 5));
    const locked = path.join(photos, 'locked.jpg');
    writeFileSync(locked, await makeJpeg(320, 240, 6));
    chmodSync(locked, 0o000);
    if (process.getuid?.() === 0) {
      // root reads anything: scan as an unprivileged user through the CLI instead.
      for (const dir of [root, photos]) chmodSync(dir, 0o777);
      const out = execFileSync(
        process.execPath,
        cliFromSource('scan', photos, '--data', path.join(root, 'nobody-data'), '--no-ml', '--json'),
        {
          uid: 65534,
          gid: 65534,
          env: { ...process.env, HOME: root, XDG_DATA_HOME: root },
          encoding: 'utf8',
        },
      );
      const json = JSON.parse(out) as { images: number; errors: Array<{ path: string; code: string }> };
      expect(json.errors.find((e) => e.path.endsWith('locked.jpg'))?.code).toBe('UNREADABLE');
      expect(json.images).toBe(1);
    } else {
      const report = await scan();
      expect(codeOf(report, 'locked.jpg')).toBe('UNREADABLE');
      expect(report.images).toBe(1);
    }
  });
});

describe('scan: incremental, moves and resume', () => {
  it('does not re-read unchanged files, and re-reads changed ones', async () => {
    for (let i = 0; i < 4; i++)
      writeFileSync(path.join(photos, `p${i}.jpg`), await makeJpeg(400, 300, 20 + i));
    const first = await scan();
    expect(first.images).toBe(4);
    expect(first.unchanged).toBe(0);
    writeFileSync(path.join(photos, 'p0.jpg'), await makeJpeg(400, 300, 99));
    const second = await scan();
    expect(second.unchanged).toBe(3);
    expect(second.images).toBe(4);
    expect(count('SELECT COUNT(*) FROM files')).toBe(4);
  });

  it('recomputes the hashes of contents hashed by an older algorithm version, and only those', async () => {
    for (let i = 0; i < 3; i++)
      writeFileSync(path.join(photos, `p${i}.jpg`), await makeJpeg(400, 300, 30 + i));
    await scan();
    const current = db.prepare('SELECT hashes FROM contents ORDER BY id').pluck().all() as Buffer[];
    expect(count(`SELECT COUNT(*) FROM contents WHERE hash_version = ${HASH_VERSION}`)).toBe(3);
    // As a database from before the version bump: version 1 and (recognisably) different hashes.
    db.prepare(
      'UPDATE contents SET hash_version = 1, hashes = zeroblob(length(hashes)) WHERE id = (SELECT MIN(id) FROM contents)',
    ).run();
    const again = await scan();
    expect(again.unchanged).toBe(2);
    expect(again.images).toBe(3);
    expect(count(`SELECT COUNT(*) FROM contents WHERE hash_version = ${HASH_VERSION}`)).toBe(3);
    expect(db.prepare('SELECT hashes FROM contents ORDER BY id').pluck().all()).toEqual(current);
    expect(count('SELECT COUNT(*) FROM files')).toBe(3);
  });

  it('recognises a moved/renamed file by content and keeps its row (and so its decisions)', async () => {
    writeFileSync(path.join(photos, 'before.jpg'), await makeJpeg(400, 300, 31));
    await scan();
    const id = db.prepare('SELECT id FROM files').pluck().get() as number;
    db.prepare('INSERT INTO keeper_choice (file_id, at) VALUES (?, ?)').run(id, 1);
    mkdirSync(path.join(photos, 'sub'));
    renameSync(path.join(photos, 'before.jpg'), path.join(photos, 'sub', 'after.jpg'));
    const report = await scan();
    expect(report.moved).toBe(1);
    const rows = db.prepare('SELECT id, path, state FROM files').all() as Array<{
      id: number;
      path: string;
      state: string;
    }>;
    expect(rows).toEqual([{ id, path: path.join(photos, 'sub', 'after.jpg'), state: 'ok' }]);
    expect(count('SELECT COUNT(*) FROM keeper_choice')).toBe(1);
  });

  it('marks deleted files missing and byte-identical copies share one content', async () => {
    const bytes = await makeJpeg(400, 300, 41);
    writeFileSync(path.join(photos, 'a.jpg'), bytes);
    writeFileSync(path.join(photos, 'b.jpg'), bytes);
    writeFileSync(path.join(photos, 'c.jpg'), await makeJpeg(400, 300, 42));
    await scan();
    expect(count('SELECT COUNT(*) FROM contents')).toBe(2);
    rmSync(path.join(photos, 'c.jpg'));
    const report = await scan();
    expect(report.missing).toBe(1);
    expect(count("SELECT COUNT(*) FROM files WHERE state = 'missing'")).toBe(1);
  });

  it('resumes after kill -9 without duplicate rows or lost work', async () => {
    for (let i = 0; i < 40; i++)
      writeFileSync(
        path.join(photos, `k${String(i).padStart(2, '0')}.jpg`),
        await makeJpeg(1600, 1200, 100 + i),
      );
    const dataDir = path.join(root, 'kill-data');
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      cliFromSource('scan', photos, '--data', dataDir, '--no-ml', '--json'),
      { stdio: 'ignore' },
    );
    // Kill as soon as some photos are committed (poll the real database file).
    const Database = (await import('better-sqlite3')).default;
    const dbFile = path.join(dataDir, 'library.db');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      try {
        const probe = new Database(dbFile, { readonly: true, fileMustExist: true });
        const n = probe
          .prepare('SELECT COUNT(*) FROM files WHERE content_id IS NOT NULL')
          .pluck()
          .get() as number;
        probe.close();
        if (n >= 3) break;
      } catch {
        // not created yet
      }
      if (child.exitCode !== null) break;
    }
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    expect(child.signalCode, 'the scan was killed mid-way, not finished').toBe('SIGKILL');
    const out = execFileSync(
      process.execPath,
      cliFromSource('scan', photos, '--data', dataDir, '--no-ml', '--json'),
      { encoding: 'utf8' },
    );
    const report = JSON.parse(out) as { images: number; errors: unknown[] };
    expect(report.errors).toEqual([]);
    expect(report.images).toBe(40);
    const check = new Database(dbFile, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) FROM files').pluck().get()).toBe(40);
    expect(check.prepare('SELECT COUNT(*) FROM contents WHERE decoded_at IS NOT NULL').pluck().get()).toBe(
      40,
    );
    expect(check.prepare("SELECT COUNT(*) FROM scans WHERE state = 'interrupted'").pluck().get()).toBe(1);
    check.close();
  });
});

describe('scan: formats', () => {
  it('decodes BMP and Netpbm with its own decoders, matching the source pixels', async () => {
    const { data, info } = await sharp(await makeJpeg(64, 48, 8))
      .raw()
      .toBuffer({ resolveWithObject: true });
    // 24-bit bottom-up BMP
    const rowBytes = Math.ceil((info.width * 3) / 4) * 4;
    const bmp = Buffer.alloc(54 + rowBytes * info.height);
    bmp.write('BM', 0);
    bmp.writeUInt32LE(bmp.length, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(info.width, 18);
    bmp.writeInt32LE(info.height, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    for (let y = 0; y < info.height; y++)
      for (let x = 0; x < info.width; x++) {
        const s = (y * info.width + x) * 3;
        const d = 54 + (info.height - 1 - y) * rowBytes + x * 3;
        bmp[d] = data[s + 2] as number;
        bmp[d + 1] = data[s + 1] as number;
        bmp[d + 2] = data[s] as number;
      }
    writeFileSync(path.join(photos, 'pic.bmp'), bmp);
    writeFileSync(
      path.join(photos, 'pic.ppm'),
      Buffer.concat([Buffer.from(`P6\n# comment\n${info.width} ${info.height}\n255\n`), data]),
    );
    const report = await scan();
    expect(report.errors).toEqual([]);
    expect(report.images).toBe(2);
    // Same pixels → identical perceptual hashes → the two files form one near-duplicate pair.
    const hashes = db.prepare('SELECT hashes FROM contents').pluck().all() as Buffer[];
    expect(hashes).toHaveLength(2);
    expect(Buffer.compare(hashes[0] as Buffer, hashes[1] as Buffer)).toBe(0);
  });

  it('decodes AVIF, and a RAW file through its embedded JPEG preview with the RAW orientation applied', async () => {
    writeFileSync(
      path.join(photos, 'pic.avif'),
      await sharp(await makeJpeg(400, 300, 12))
        .avif({ quality: 60 })
        .toBuffer(),
    );
    // A minimal TIFF-container RAW: an IFD with Orientation = 6 (rotate 90°), then a full-size JPEG preview.
    const preview = await makeJpeg(600, 400, 13);
    const ifd = Buffer.alloc(8 + 2 + 12 + 4);
    ifd.write('II', 0);
    ifd.writeUInt16LE(42, 2);
    ifd.writeUInt32LE(8, 4);
    ifd.writeUInt16LE(1, 8);
    ifd.writeUInt16LE(0x0112, 10);
    ifd.writeUInt16LE(3, 12);
    ifd.writeUInt32LE(1, 14);
    ifd.writeUInt16LE(6, 18);
    writeFileSync(path.join(photos, 'camera.dng'), Buffer.concat([ifd, Buffer.alloc(64), preview]));
    const report = await scan();
    expect(report.errors).toEqual([]);
    expect(report.images).toBe(2);
    const rows = db.prepare('SELECT format, width, height FROM contents ORDER BY format').all();
    expect(rows).toEqual([
      { format: 'avif', width: 400, height: 300 },
      { format: 'raw', width: 400, height: 600 },
    ]);
  });

  it('scans a real HEIC and reports a truncated one through `sift scan --json` with clean JSON on stdout', () => {
    const heic = readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url));
    writeFileSync(path.join(photos, 'phone.heic'), heic);
    writeFileSync(path.join(photos, 'cut.heic'), heic.subarray(0, 400));
    // libheif-js prints decode failures with console.log; the CLI keeps stdout for its own output.
    const out = execFileSync(
      process.execPath,
      cliFromSource('scan', photos, '--data', path.join(root, 'heic-data'), '--no-ml', '--json'),
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const report = JSON.parse(out) as { images: number; errors: Array<{ path: string; code: string }> };
    expect(report.images).toBe(1);
    expect(report.errors.map((e) => [path.basename(e.path), e.code])).toEqual([['cut.heic', 'TRUNCATED']]);
  });

  it('reads the shared formats corpus (TIFF, GIF, WebP, PGM, PBM, PPM, alpha PNG)', async () => {
    const src = path.join(datasetsRoot(), 'dedup/imagededup/formats_images');
    for (const f of [
      'copyleft.tiff',
      'giphy.gif',
      'ukbench09380.webp',
      'baboon.pgm',
      'marbles.pbm',
      'Iggy.1024.ppm',
    ])
      copyFileSync(path.join(src, f), path.join(photos, f));
    const report = await scan();
    expect(report.errors).toEqual([]);
    expect(report.images).toBe(6);
    expect(readFileSync(path.join(photos, 'giphy.gif')).length).toBeGreaterThan(0);
  });
});
