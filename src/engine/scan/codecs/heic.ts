/** HEIC/HEIF through libheif compiled to WebAssembly (sharp's prebuilt libheif has no HEVC decoder). */
import decode from 'heic-decode';
import type { Raster } from '../../../common/raster';
import { DecodeError } from './decode-error';

export async function decodeHeic(bytes: Buffer, maxPixels: number): Promise<Raster> {
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
}
