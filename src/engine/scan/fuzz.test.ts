/**
 * Seeded fuzzing of the scan (issue 11, item 1): mutations of real JPEG, PNG, WebP and HEIC files
 * (bytes flipped, zeroed runs, box/segment sizes set to 0 or huge, cut short, pieces repeated). Each
 * one must end as an image or as a recorded error with a known code, within bounded time; the scan
 * finishes and the engine thread stays free. Failures name the seed and case to replay.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../common/random';
import { silentLogger } from '../../common/logger';
import type { ScanErrorCode } from '../../common/contract/types';
import { computeImageHashes } from '../dedup/hashes';
import { openDatabase, type Db } from '../db/open';
import { createLibraryRepository } from '../library/repository';
import { makeJpeg, tempDir } from '../testing';
import { runScan } from './scan-job';
import { ThumbnailStore } from './thumbs';

const SEED = Number(process.env.SIFT_FUZZ_SEED ?? 20261205);
const CASES_PER_FORMAT = Number(process.env.SIFT_FUZZ_CASES ?? 60);
const KNOWN_CODES: ScanErrorCode[] = [
  'EMPTY_FILE',
  'NOT_AN_IMAGE',
  'CORRUPT',
  'TRUNCATED',
  'TOO_MANY_PIXELS',
  'UNSUPPORTED_FORMAT',
];

/** One seeded mutation of `source`; the same (seed, index) always gives the same bytes. */
function mutate(source: Buffer, random: () => number): Buffer {
  const out = Buffer.from(source);
  const at = (): number => Math.floor(random() * out.length);
  switch (Math.floor(random() * 6)) {
    case 0: // a few random bytes
      for (let i = 1 + Math.floor(random() * 8); i > 0; i--) out[at()] = Math.floor(random() * 256);
      return out;
    case 1: {
      // a zeroed run (zero sizes are what made exifr loop)
      const start = at();
      out.fill(0, start, Math.min(out.length, start + 1 + Math.floor(random() * 16)));
      return out;
    }
    case 2: {
      // a 32-bit word (box size, segment length, chunk length, IFD offset) set to 0, 1, 8 or huge
      const start = Math.min(at(), out.length - 4);
      out.writeUInt32BE([0, 1, 8, 0xffffffff, 0x7fffffff][Math.floor(random() * 5)] ?? 0, Math.max(0, start));
      return out;
    }
    case 3: // cut short
      return out.subarray(0, Math.max(12, at()));
    case 4: {
      // a piece repeated in place
      const start = at();
      const piece = out.subarray(start, Math.min(out.length, start + 1 + Math.floor(random() * 64)));
      return Buffer.concat([out.subarray(0, start), piece, piece, out.subarray(start + piece.length)]);
    }
    default: {
      // an early header byte flipped: the part every parser reads first
      const start = Math.floor(random() * Math.min(out.length, 64));
      out[start] = (out[start] ?? 0) ^ (1 << Math.floor(random() * 8));
      return out;
    }
  }
}

let root: string;
let cleanup: () => void;
let db: Db;

beforeAll(() => ({ dir: root, cleanup } = tempDir('sift-fuzz-')));
afterAll(() => {
  db.close();
  cleanup();
});

describe('fuzzed image files', () => {
  it(
    `every mutation of JPEG, PNG, WebP and HEIC ends as an image or a recorded error (seed ${SEED}, ${CASES_PER_FORMAT} cases per format)`,
    { timeout: 240_000 },
    async () => {
      const jpeg = await makeJpeg(96, 64, 3, 85);
      const withExif = await sharp(jpeg)
        .withMetadata({ orientation: 6, exif: { IFD0: { Make: 'Fuzz', Model: 'One' } } })
        .jpeg()
        .toBuffer();
      const sources: Record<string, Buffer> = {
        jpg: withExif,
        png: await sharp(jpeg).png().toBuffer(),
        webp: await sharp(jpeg).webp({ quality: 80 }).toBuffer(),
        heic: readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url)),
      };
      const photos = path.join(root, 'photos');
      mkdirSync(photos);
      const random = seededRandom(SEED);
      let cases = 0;
      for (const [ext, source] of Object.entries(sources)) {
        for (let i = 0; i < CASES_PER_FORMAT; i++) {
          writeFileSync(
            path.join(photos, `${ext}-${String(i).padStart(3, '0')}.${ext}`),
            mutate(source, random),
          );
          cases++;
        }
      }
      db = openDatabase(path.join(root, 'data', 'library.db'), silentLogger);
      const repo = createLibraryRepository(db);
      repo.addFolder(photos, Date.now());

      // The engine thread must keep turning: the longest gap between 20-ms ticks is measured.
      let last = performance.now();
      let longestStall = 0;
      const ticker = setInterval(() => {
        const now = performance.now();
        longestStall = Math.max(longestStall, now - last);
        last = now;
      }, 20);
      const started = performance.now();
      let report;
      try {
        report = await runScan(
          {
            repo,
            thumbs: new ThumbnailStore(path.join(root, 'data', 'thumbs')),
            computeHashes: computeImageHashes,
            vision: null,
            logger: silentLogger,
            budgets: { metadataMs: 5000, decodeMs: 10_000 },
          },
          { folderIds: null, ml: false },
          new AbortController().signal,
          () => undefined,
        );
      } finally {
        clearInterval(ticker);
      }
      const seconds = (performance.now() - started) / 1000;
      expect(report.files).toBe(cases);
      expect(report.images + report.errors.length, JSON.stringify(report.errors.slice(0, 5))).toBe(cases);
      for (const e of report.errors)
        expect(KNOWN_CODES, `${e.path}: ${e.code} ${e.message}`).toContain(e.code);
      // Every file has its row: a rescan would not meet any of them as new.
      expect(db.prepare("SELECT COUNT(*) FROM files WHERE state IN ('ok', 'error')").pluck().get()).toBe(
        cases,
      );
      expect(seconds).toBeLessThan(200);
      expect(longestStall, `the engine thread stalled for ${Math.round(longestStall)} ms`).toBeLessThan(3000);
    },
  );
});
