/**
 * RAW files: decode the largest embedded JPEG preview (full-size in most camera RAWs)
 * instead of demosaicing the sensor data.
 */
import sharp from 'sharp';
import { DecodeError } from './decode-error';

export async function extractRawPreview(bytes: Buffer): Promise<Buffer> {
  let best: { buffer: Buffer; pixels: number } | null = null;
  let from = 0;
  let candidates = 0;
  while (candidates < 32) {
    const start = bytes.indexOf(JPEG_SOI, from);
    if (start < 0) break;
    from = start + 3;
    candidates++;
    const end = bytes.indexOf(JPEG_EOI, start + 2);
    const slice = bytes.subarray(start, end < 0 ? bytes.length : end + 2);
    try {
      const meta = await sharp(slice).metadata();
      const pixels = (meta.width ?? 0) * (meta.height ?? 0);
      if (pixels > 0 && (!best || pixels > best.pixels)) best = { buffer: slice, pixels };
      // Skip past this JPEG so its internal markers aren't taken for new images.
      if (pixels > 0 && end > 0) from = end + 2;
    } catch {
      // Not a decodable JPEG at this offset; keep looking.
    }
  }
  if (!best)
    throw new DecodeError('UNSUPPORTED_FORMAT', 'RAW file has no embedded JPEG preview Sift can decode');
  return best.buffer;
}

const JPEG_SOI = Buffer.from([0xff, 0xd8, 0xff]);
const JPEG_EOI = Buffer.from([0xff, 0xd9]);
