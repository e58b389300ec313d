/** HEIC/HEIF through libheif compiled to WebAssembly (sharp's prebuilt libheif has no HEVC decoder). */
import decode from 'heic-decode';
import type { LibHeif } from 'libheif-js/wasm-bundle';
import { createRequire } from 'node:module';
import type { Raster } from '../../../common/raster';
import { DecodeError } from './decode-error';

/** A decoded HEIC: the pixels, and the size of the primary image they show (a thumbnail is smaller). */
export interface HeicPixels {
  raster: Raster;
  width: number;
  height: number;
}

/**
 * Decodes the primary image, or, when `previewLongSide` > 0 and the file embeds a thumbnail of the
 * primary image at least that large, only the thumbnail: a camera's 320-px thumbnail decodes in
 * ~7 ms where the 12-MP image takes ~1.7 s, and a scan without vision needs no more than that.
 */
export async function decodeHeicPixels(
  bytes: Buffer,
  maxPixels: number,
  previewLongSide = 0,
): Promise<HeicPixels> {
  if (previewLongSide > 0) {
    const thumbnail = await decodeHeicThumbnail(bytes, maxPixels, previewLongSide);
    if (thumbnail) return thumbnail;
  }
  const raster = await decodeHeic(bytes, maxPixels);
  return { raster, width: raster.width, height: raster.height };
}

let libheif: LibHeif | undefined;

/** The libheif instance heic-decode itself loads (resolved from there: it is heic-decode's dependency). */
function heifLibrary(): LibHeif {
  libheif ??= createRequire(createRequire(import.meta.url).resolve('heic-decode'))(
    'libheif-js/wasm-bundle',
  ) as LibHeif;
  return libheif;
}

/**
 * The primary image's largest embedded thumbnail of at least `minLongSide` px, or null (none, too
 * small, or anything libheif refuses: the caller then decodes the primary image and reports that).
 * heic-decode lists top-level images only, so this talks to libheif: the thumbnail references are
 * read through its C functions, which take the raw handle pointer embind keeps in `$$.ptr`.
 */
async function decodeHeicThumbnail(
  bytes: Buffer,
  maxPixels: number,
  minLongSide: number,
): Promise<HeicPixels | null> {
  const heif = heifLibrary();
  await heif.ready;
  const context = heif.heif_context_alloc();
  const handles: Array<{ $$?: { ptr?: number } }> = [];
  let ids = 0;
  try {
    if (heif.heif_context_read_from_memory(context, bytes).code.value !== 0) return null;
    const primary = heif.heif_js_context_get_primary_image_handle(context);
    if (!primary || primary.code !== undefined || typeof primary.$$?.ptr !== 'number') return null;
    handles.push(primary);
    const width = heif.heif_image_handle_get_width(primary);
    const height = heif.heif_image_handle_get_height(primary);
    if (width * height > maxPixels)
      throw new DecodeError('TOO_MANY_PIXELS', `HEIC image is ${width}×${height}, above the pixel limit`);
    const count = heif._heif_image_handle_get_number_of_thumbnails(primary.$$.ptr);
    if (count <= 0) return null;
    ids = heif._malloc(4 * count);
    const listed = heif._heif_image_handle_get_list_of_thumbnail_IDs(primary.$$.ptr, ids, count);
    const view = new DataView(heif.HEAPU8.buffer, ids, 4 * listed);
    let best: { handle: { $$?: { ptr?: number } }; long: number } | null = null;
    for (let k = 0; k < listed; k++) {
      const handle = heif.heif_js_context_get_image_handle(context, view.getUint32(4 * k, true));
      if (!handle || handle.code !== undefined) continue;
      handles.push(handle);
      const long = Math.max(
        heif.heif_image_handle_get_width(handle),
        heif.heif_image_handle_get_height(handle),
      );
      if (long >= minLongSide && long <= Math.max(width, height) && (!best || long > best.long))
        best = { handle, long };
    }
    if (!best) return null;
    const decoded = await heif.heif_js_decode_image2(
      best.handle,
      heif.heif_colorspace.heif_colorspace_RGB,
      heif.heif_chroma.heif_chroma_interleaved_RGB,
    );
    if (!decoded || decoded.code !== undefined) return null;
    try {
      const plane = decoded.channels.find(
        (c) => c.id.value === heif.heif_channel.heif_channel_interleaved.value,
      );
      if (!plane) return null;
      const data = new Uint8Array(plane.width * plane.height * 3);
      for (let y = 0; y < plane.height; y++)
        data.set(
          plane.data.subarray(y * plane.stride, y * plane.stride + plane.width * 3),
          y * plane.width * 3,
        );
      return { raster: { data, width: plane.width, height: plane.height, channels: 3 }, width, height };
    } finally {
      heif.heif_image_release(decoded.image);
    }
  } finally {
    if (ids) heif._free(ids);
    for (const h of handles) heif.heif_image_handle_release(h);
    heif.heif_context_free(context);
  }
}

export async function decodeHeic(bytes: Buffer, maxPixels: number): Promise<Raster> {
  try {
    const images = await decode.all({ buffer: bytes });
    try {
      const primary = images[0];
      if (!primary) throw new DecodeError('CORRUPT', 'HEIF file holds no image');
      // Check the size before allocating pixels: a bomb must not get that far.
      if (primary.width * primary.height > maxPixels)
        throw new DecodeError(
          'TOO_MANY_PIXELS',
          `HEIC image is ${primary.width}×${primary.height}, above the pixel limit`,
        );
      const image = await primary.decode();
      return {
        data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength),
        width: image.width,
        height: image.height,
        channels: 4,
      };
    } finally {
      images.dispose();
    }
  } catch (error) {
    // heic-decode reports every libheif failure as "HEIF processing error"; the box structure
    // tells the commonest cause (an interrupted copy or download) apart.
    if (!(error instanceof DecodeError) && heifBoxesOverrun(bytes))
      throw new DecodeError('TRUNCATED', 'HEIF data is truncated: a box runs past the end of the file');
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
