import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_LONG_SIDE } from '../../common/raster';
import { decodePhoto, jpegFriendlyLongSide, THUMB_LONG_SIDE } from './decode';
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
    const bytes = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#4080c0' } }).jpeg().toBuffer();
    const kind = detectImageFormat(bytes, '.jpg');
    if (!kind) throw new Error('expected a JPEG');
    const decoded = await decodePhoto(bytes, kind, { longSide: ANALYSIS_LONG_SIDE });
    expect([decoded.width, decoded.height]).toEqual([4000, 3000]);
    expect([decoded.raster.width, decoded.raster.height]).toEqual([1333, 1000]);
    expect(Math.max(decoded.preview.width, decoded.preview.height)).toBe(THUMB_LONG_SIDE);
  });
});
