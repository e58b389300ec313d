import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_LONG_SIDE } from '../../common/raster';
import { DecodeError } from './codecs/decode-error';
import {
  decodePhoto,
  DEFAULT_MAX_PIXELS,
  jpegFriendlyLongSide,
  jpegLacksEnd,
  refineTruncation,
  THUMB_LONG_SIDE,
} from './decode';
import { heifBoxesOverrun } from './codecs/heic';
import { decodeHeicOffThread, heicWorkersLive, heicWorkersStarted, setHeicIdleMs } from './codecs/heic-pool';
import { detectImageFormat } from './detect';

/** sharp's choice of libjpeg shrink-on-load for a reduction r (pipeline.cc, fastShrinkOnLoad). */
function sharpJpegShrink(ratio: number): number {
  let k = ratio >= 8 ? 8 : ratio >= 4 ? 4 : ratio >= 2 ? 2 : 1;
  if (k > 1 && Math.floor(ratio) === k) k /= 2;
  return k;
}

describe('jpegFriendlyLongSide', () => {
  it('never asks for more than wanted and keeps at least 3/4 of it', () => {
    for (let side = 100; side <= 16000; side += 37) {
      for (const wanted of [THUMB_LONG_SIDE, ANALYSIS_LONG_SIDE]) {
        const chosen = jpegFriendlyLongSide(side, wanted);
        expect(chosen).toBeLessThanOrEqual(wanted);
        expect(chosen).toBeGreaterThanOrEqual(Math.ceil((wanted * 3) / 4));
        // The choice never gets a smaller shrink-on-load than asking for `wanted` would.
        expect(sharpJpegShrink(side / chosen)).toBeGreaterThanOrEqual(sharpJpegShrink(side / wanted));
      }
    }
  });

  it('turns the full decode of a 12-MP photo at 1600 px into a half-size decode', () => {
    expect(sharpJpegShrink(4000 / ANALYSIS_LONG_SIDE)).toBe(1);
    const chosen = jpegFriendlyLongSide(4000, ANALYSIS_LONG_SIDE);
    expect(chosen).toBe(1333);
    expect(sharpJpegShrink(4000 / chosen)).toBe(2);
    // Already good: 24-MP (6000 px) loads at 1/2 for 1600 px; 4800 px at 1/2 as well.
    expect(jpegFriendlyLongSide(6000, ANALYSIS_LONG_SIDE)).toBe(ANALYSIS_LONG_SIDE);
    expect(jpegFriendlyLongSide(4800, ANALYSIS_LONG_SIDE)).toBe(ANALYSIS_LONG_SIDE);
    // Small photos are not touched.
    expect(jpegFriendlyLongSide(1200, ANALYSIS_LONG_SIDE)).toBe(ANALYSIS_LONG_SIDE);
  });

  it('decodes a 4000×3000 JPEG for analysis at 1333×1000 with the right full size', async () => {
    const bytes = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#4080c0' } })
      .jpeg()
      .toBuffer();
    const kind = detectImageFormat(bytes, '.jpg');
    if (!kind) throw new Error('expected a JPEG');
    const decoded = await decodePhoto(bytes, kind, { longSide: ANALYSIS_LONG_SIDE });
    expect([decoded.width, decoded.height]).toEqual([4000, 3000]);
    expect([decoded.raster.width, decoded.raster.height]).toEqual([1333, 1000]);
    expect(Math.max(decoded.preview.width, decoded.preview.height)).toBe(THUMB_LONG_SIDE);
  });
});

describe('HEIC', () => {
  it('decodes a real HEVC-coded HEIC through libheif (wasm) with the right size and colours', async () => {
    const bytes = readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url));
    const kind = detectImageFormat(bytes, '.heic');
    expect(kind).toEqual({ format: 'heic', codec: 'heic' });
    if (!kind) return;
    // Content, not the name, decides: the same bytes under a .jpg name decode the same way.
    expect(detectImageFormat(bytes, '.jpg')).toEqual(kind);
    const decoded = await decodePhoto(bytes, kind, { longSide: ANALYSIS_LONG_SIDE });
    expect([decoded.width, decoded.height, decoded.format]).toEqual([96, 64, 'heic']);
    const { data, width } = decoded.raster;
    const rgb = (x: number, y: number): number[] =>
      Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    const near = (actual: number[], expected: number[]): void =>
      actual.forEach((v, i) => expect(Math.abs(v - (expected[i] ?? 0))).toBeLessThan(24));
    near(rgb(12, 32), [0xd0, 0x40, 0x20]);
    near(rgb(84, 10), [0x20, 0xa0, 0x40]);
    near(rgb(84, 54), [0x20, 0x40, 0xd0]);
    expect(decoded.thumbnail.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('uses the embedded thumbnail when the scan needs no more than a thumbnail', async () => {
    // 640×480 with a 320×240 thumbnail item (heif-enc -t 320): left half red with a yellow disc,
    // right half green over blue.
    const bytes = readFileSync(new URL('./fixtures/with-thumbnail.heic', import.meta.url));
    const pixels = await decodeHeicOffThread(
      bytes,
      DEFAULT_MAX_PIXELS,
      60_000,
      Math.round(0.75 * THUMB_LONG_SIDE),
    );
    expect([pixels.raster.width, pixels.raster.height, pixels.width, pixels.height]).toEqual([
      320, 240, 640, 480,
    ]);
    // Without vision decodePhoto takes that path; the photo keeps its real size and its colours.
    const kind = detectImageFormat(bytes, '.heic');
    if (!kind) throw new Error('expected HEIC');
    const decoded = await decodePhoto(bytes, kind, { longSide: THUMB_LONG_SIDE });
    expect([decoded.width, decoded.height, decoded.preview.width, decoded.preview.height]).toEqual([
      640, 480, 320, 240,
    ]);
    const { data, width } = decoded.preview;
    const rgb = (x: number, y: number): number[] =>
      Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    const near = (actual: number[], expected: number[]): void =>
      actual.forEach((v, i) => expect(Math.abs(v - (expected[i] ?? 0))).toBeLessThan(24));
    near(rgb(10, 10), [0xd0, 0x40, 0x20]);
    near(rgb(80, 120), [0xf0, 0xe0, 0x40]);
    near(rgb(240, 60), [0x20, 0xa0, 0x40]);
    near(rgb(240, 180), [0x20, 0x40, 0xd0]);
    // With vision, the primary image is decoded (the thumbnail is too small for it).
    const full = await decodeHeicOffThread(bytes, DEFAULT_MAX_PIXELS);
    expect([full.raster.width, full.raster.height]).toEqual([640, 480]);
    // A thumbnail smaller than asked for is not used; a file without one decodes in full.
    expect((await decodeHeicOffThread(bytes, DEFAULT_MAX_PIXELS, 60_000, 400)).raster.width).toBe(640);
    const plain = readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url));
    expect((await decodeHeicOffThread(plain, DEFAULT_MAX_PIXELS, 60_000, 240)).raster.width).toBe(96);
    // The pixel limit holds on this path too.
    await expect(decodeHeicOffThread(bytes, 640 * 480 - 1, 60_000, 240)).rejects.toMatchObject({
      code: 'TOO_MANY_PIXELS',
    });
  });

  it('refuses a HEIC above the pixel limit before decoding its pixels', async () => {
    const bytes = readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url));
    const kind = detectImageFormat(bytes, '.heic');
    if (!kind) throw new Error('expected HEIC');
    await expect(decodePhoto(bytes, kind, { maxPixels: 96 * 64 - 1 })).rejects.toMatchObject({
      code: 'TOO_MANY_PIXELS',
    });
  });

  it('reports a truncated HEIC as an error, not a crash', async () => {
    const bytes = readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url)).subarray(0, 400);
    const kind = detectImageFormat(bytes, '.heic');
    if (!kind) throw new Error('expected HEIC');
    await expect(decodePhoto(bytes, kind)).rejects.toMatchObject({ code: 'TRUNCATED' });
  });

  it('decodes in worker threads, several at once, and gives libheif’s reason for a broken file', async () => {
    const bytes = readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url));
    const kind = detectImageFormat(bytes, '.heic');
    if (!kind) throw new Error('expected HEIC');
    const results = await Promise.all(Array.from({ length: 5 }, () => decodePhoto(bytes, kind)));
    expect(results.map((r) => [r.width, r.height])).toEqual(Array.from({ length: 5 }, () => [96, 64]));
    expect(heicWorkersStarted()).toBeGreaterThanOrEqual(1);
    // Same length, the decoder configuration (hvcC: VPS/SPS/PPS) zeroed: the container parses,
    // the HEVC stream cannot be set up.
    const broken = Buffer.from(bytes);
    const hvcC = broken.indexOf('hvcC');
    expect(hvcC).toBeGreaterThan(0);
    broken.fill(0, hvcC + 4, hvcC + 4 + broken.readUInt32BE(hvcC - 4) - 8);
    const error = await decodePhoto(broken, kind).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CORRUPT' });
    expect(String((error as Error).message)).not.toBe('');
  });

  it('ends idle decoder workers (their WebAssembly heap only grows)', async () => {
    const bytes = readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url));
    const kind = detectImageFormat(bytes, '.heic');
    if (!kind) throw new Error('expected HEIC');
    setHeicIdleMs(50);
    try {
      await decodePhoto(bytes, kind);
      expect(heicWorkersLive()).toBeGreaterThanOrEqual(1);
      await expect.poll(() => heicWorkersLive(), { timeout: 5000 }).toBe(0);
      // And a new photo starts a fresh one.
      expect((await decodePhoto(bytes, kind)).width).toBe(96);
    } finally {
      setHeicIdleMs(20_000);
    }
  });

  it('tells a cut-short box structure from a whole one', () => {
    const whole = readFileSync(new URL('./fixtures/quadrants.heic', import.meta.url));
    expect(heifBoxesOverrun(whole)).toBe(false);
    for (const cut of [20, 30, 350, 400, whole.length - 1])
      expect(heifBoxesOverrun(whole.subarray(0, cut)), `cut at ${cut}`).toBe(true);
  });
});

describe('truncation from the file structure', () => {
  it('calls a JPEG cut inside its image data truncated, whatever libvips said', async () => {
    const good = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808040' } })
      .jpeg()
      .toBuffer();
    expect(jpegLacksEnd(good)).toBe(false);
    const cut = good.subarray(0, Math.floor(good.length * 0.8));
    expect(jpegLacksEnd(cut)).toBe(true);
    const kind = detectImageFormat(cut, '.jpg');
    if (!kind) throw new Error('expected JPEG');
    const vague = new DecodeError(
      'CORRUPT',
      'Image cannot be decoded: Warning treated as error due to failOn setting',
    );
    expect(refineTruncation(vague, cut, kind).code).toBe('TRUNCATED');
    expect(refineTruncation(vague, good, kind).code).toBe('CORRUPT');
    await expect(decodePhoto(cut, kind)).rejects.toMatchObject({ code: 'TRUNCATED' });
  });

  it('calls a PNG without its end chunk truncated', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const cut = png.subarray(0, png.length - 12);
    const kind = detectImageFormat(cut, '.png');
    if (!kind) throw new Error('expected PNG');
    expect(refineTruncation(new DecodeError('CORRUPT', 'x'), cut, kind).code).toBe('TRUNCATED');
    expect(refineTruncation(new DecodeError('CORRUPT', 'x'), png, kind).code).toBe('CORRUPT');
  });
});
