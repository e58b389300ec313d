import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { datasetsRoot, makeJpeg } from '../testing';
import { detectImageFormat } from './detect';
import { readMetadata } from './exif';
import { metadataPart } from './metadata-slice';

describe('metadataPart', () => {
  it('keeps a JPEG up to its first scan, and the metadata read from it is the same', async () => {
    const jpeg = await sharp(await makeJpeg(1600, 1200, 4))
      .withMetadata({
        orientation: 6,
        exif: { IFD0: { Make: 'Sift', Model: 'Test 1', DateTime: '2024:05:03 10:11:12' } },
      })
      .jpeg()
      .toBuffer();
    const kind = detectImageFormat(jpeg, '.jpg');
    if (!kind) throw new Error('not detected');
    const part = metadataPart(jpeg, kind);
    expect(part.length).toBeLessThan(jpeg.length / 4);
    const whole = await readMetadata(jpeg);
    expect(whole.camera).toBe('Sift Test 1');
    expect(await readMetadata(part)).toEqual(whole);
  });

  it('gives the same metadata as the whole file for every JPEG of the dev datasets it finds', async (context) => {
    const dir = datasetsRoot();
    let names: string[];
    try {
      // Every 5th JPEG across the datasets: several sources and cameras.
      names = readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((n) => /\.jpe?g$/i.test(n))
        .filter((_, i) => i % 5 === 0);
    } catch {
      context.skip('the shared dev datasets (../shared/datasets/dev) are not here');
      return;
    }
    for (const name of names) {
      const bytes = readFileSync(path.join(dir, name));
      const kind = detectImageFormat(bytes, '.jpg');
      if (!kind) continue;
      expect(await readMetadata(metadataPart(bytes, kind)), name).toEqual(await readMetadata(bytes));
    }
  });
});
