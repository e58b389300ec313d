import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { estimateJpegQuality } from './jpeg-quality';

describe('estimateJpegQuality', () => {
  it('reads back the quality libjpeg was asked for', async () => {
    const photo = sharp({
      create: {
        width: 64,
        height: 48,
        channels: 3,
        background: { r: 120, g: 80, b: 40 },
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    });
    for (const quality of [30, 55, 75, 92, 98]) {
      const jpeg = await photo.clone().jpeg({ quality }).toBuffer();
      expect(Math.abs((estimateJpegQuality(jpeg) ?? 0) - quality)).toBeLessThanOrEqual(1);
    }
  });

  it('returns null for other formats and truncated headers', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(estimateJpegQuality(png)).toBeNull();
    expect(estimateJpegQuality(new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0x00]))).toBeNull();
  });
});
