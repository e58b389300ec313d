/** HEIC/HEIF through libheif compiled to WebAssembly (sharp's prebuilt libheif has no HEVC decoder). */
import decode from 'heic-decode';
import type { Raster } from '../../../common/raster';
import { DecodeError } from './decode-error';

export async function decodeHeic(bytes: Buffer, maxPixels: number): Promise<Raster> {
  try {
    const images = await decode.all({ buffer: bytes });
    try {
      const primary = images[0];
      if (!primary) throw new DecodeError('CORRUPT', 'HEIF file holds no image');
      // Check the size before allocating pixels: a bomb must not get that far.
      if (primary.width * primary.height > maxPixels)
        throw new DecodeError('TOO_MANY_PIXELS', `HEIC image is ${primary.width}×${primary.height}, above the pixel limit`);
      const image = await primary.decode();
      return { data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height, channels: 4 };
    } finally {
      images.dispose();
    }
  } catch (error) {
    // heic-decode reports every libheif failure as "HEIF processing error"; the box structure
    // tells the commonest cause (an interrupted copy or download) apart.
    if (!(error instanceof DecodeError) && heifBoxesOverrun(bytes)) throw new DecodeError('TRUNCATED', 'HEIF data is truncated: a box runs past the end of the file');
    throw error;
  }
}

/** Whether the top-level ISO-BMFF boxes claim more bytes than the file holds. */
export function heifBoxesOverrun(bytes: Buffer): boolean {
  let at = 0;
  while (at + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(at);
    if (size === 1) {
      if (at + 16 > bytes.length) return true;
      size = Number(bytes.readBigUInt64BE(at + 8));
    } else if (size === 0) {
      return false; // the last box runs to the end of the file, whatever its length
    }
    if (size < 8) return false; // malformed, not truncated
    at += size;
  }
  // Past the end, or stopped inside a box header: cut short.
  return at !== bytes.length;
}
