/**
 * The single decode of a photo: bytes → an RGB analysis raster (orientation applied, long
 * side ≤ ANALYSIS_LONG_SIDE, shrink-on-load) plus its thumbnail. Every later stage uses it.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import type { ImageFormat } from '../../common/contract/types';
import type { Raster } from '../../common/raster';
import { ANALYSIS_LONG_SIDE } from '../../common/raster';
import { decodeBmp } from './codecs/bmp';
import { DecodeError } from './codecs/decode-error';
import { decodeNetpbm } from './codecs/netpbm';
import { iccNamesSrgb, readJpegHeader } from './codecs/jpeg-header';
import { extractRawPreview } from './codecs/raw';
import type { DetectedKind } from './detect';

export const THUMB_LONG_SIDE = 320;
export const DEFAULT_MAX_PIXELS = 200_000_000;
/** A 12-MP HEIC decodes in ~1.5 s and a JPEG in ~50 ms on a 2-core box: a minute means a stuck decoder. */
export const DEFAULT_DECODE_BUDGET_MS = 60_000;

export interface DecodedPhoto {
  format: ImageFormat;
  /** Full image size after orientation. */
  width: number;
  height: number;
  orientation: number;
  raster: Raster;
  /** The thumbnail's pixels (RGB, long side ≤ THUMB_LONG_SIDE): cheap input for hashes and quality. */
  preview: Raster;
  thumbnail: Buffer;
}

export interface DecodeOptions {
  maxPixels?: number;
  /** Orientation from EXIF, used where the pixel container cannot apply it itself (RAW previews). */
  exifOrientation?: number | null;
  /**
   * Long side of the analysis raster. Vision needs ANALYSIS_LONG_SIDE; without it the thumbnail size
   * is enough, and JPEG's DCT scaling then decodes a 12-MP photo at 1/8 scale for a fraction of the cost.
   */
  longSide?: number;
  /** Time allowed to decode (HEIC: the worker is stopped; libvips: its pipeline is stopped). */
  budgetMs?: number;
}

sharp.cache(false);

export async function decodePhoto(
  bytes: Buffer,
  kind: DetectedKind,
  options: DecodeOptions = {},
): Promise<DecodedPhoto> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const longSide = options.longSide ?? ANALYSIS_LONG_SIDE;
  const seconds = Math.max(1, Math.ceil((options.budgetMs ?? DEFAULT_DECODE_BUDGET_MS) / 1000));
  try {
    switch (kind.codec) {
      case 'sharp':
        return await decodeWithSharp(bytes, kind.format, maxPixels, longSide, seconds);
      case 'raw': {
        const preview = await extractRawPreview(bytes);
        return await decodeWithSharp(
          preview,
          'raw',
          maxPixels,
          longSide,
          seconds,
          options.exifOrientation ?? 1,
        );
      }
      case 'heic': {
        // libheif (wasm) needs over a second for 12 MP: in a worker, so the engine thread stays free.
        // Without vision the thumbnail is all the scan needs: a camera's embedded one will do.
        const { decodeHeicOffThread } = await import('./codecs/heic-pool');
        const heic = await decodeHeicOffThread(
          bytes,
          maxPixels,
          seconds * 1000,
          longSide <= THUMB_LONG_SIDE ? Math.round(0.75 * THUMB_LONG_SIDE) : 0,
        );
        return await fromFullRaster(heic.raster, kind.format, longSide, heic);
      }
      case 'bmp':
        return await fromFullRaster(decodeBmp(bytes, maxPixels), kind.format, longSide);
      case 'netpbm':
        return await fromFullRaster(decodeNetpbm(bytes, maxPixels), kind.format, longSide);
    }
  } catch (error) {
    throw refineTruncation(toDecodeError(error), bytes, kind);
  }
}

async function decodeWithSharp(
  bytes: Buffer,
  format: ImageFormat,
  maxPixels: number,
  longSide: number,
  seconds: number,
  forcedOrientation?: number,
): Promise<DecodedPhoto> {
  const input = { limitInputPixels: maxPixels, failOn: 'warning' as const, sequentialRead: true };
  const meta =
    (format === 'jpeg' && forcedOrientation === undefined ? metadataFromJpegHeader(bytes) : null) ??
    factsOf(await sharp(bytes, input).metadata());
  const rawW = meta.width;
  const rawH = meta.height;
  if (!rawW || !rawH) throw new DecodeError('CORRUPT', 'Image has no dimensions');
  if (rawW * rawH > maxPixels)
    throw new DecodeError(
      'TOO_MANY_PIXELS',
      `Image is ${rawW}×${rawH}, above the pixel limit of ${maxPixels}`,
    );
  const orientation = forcedOrientation ?? meta.orientation ?? 1;
  const swap = orientation >= 5 && orientation <= 8;
  // Orientation is applied by the loader (autoOrient) so JPEG shrink-on-load still applies.
  // An embedded sRGB profile changes nothing but costs a colour transform per pixel: skip it.
  // Other profiles (Display P3, Adobe RGB) are honoured so thumbnails keep their colours.
  const ignoreIcc = meta.iccIsSrgb === true;
  let pipeline = sharp(bytes, { ...input, autoOrient: forcedOrientation === undefined, ignoreIcc });
  if (forcedOrientation !== undefined) pipeline = applyOrientation(pipeline, orientation);
  const target =
    format === 'jpeg' || format === 'raw' ? jpegFriendlyLongSide(Math.max(rawW, rawH), longSide) : longSide;
  pipeline = pipeline.resize({ width: target, height: target, fit: 'inside', withoutEnlargement: true });
  if (meta.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
  if (meta.space !== 'srgb' || (meta.channels ?? 3) !== 3)
    pipeline = pipeline.toColourspace('srgb').removeAlpha();
  const { data, info } = await pipeline.timeout({ seconds }).raw().toBuffer({ resolveWithObject: true });
  const raster: Raster = { data, width: info.width, height: info.height, channels: 3 };
  return {
    format,
    width: swap ? rawH : rawW,
    height: swap ? rawW : rawH,
    orientation,
    raster,
    ...(await makeThumbnail(raster)),
  };
}

/**
 * The long side to ask sharp for when decoding a JPEG, so that libjpeg's DCT scaling does most of the
 * reduction. sharp loads a JPEG at 1/k (k = 2, 4, 8) only when the whole reduction r satisfies
 * k ≤ r and ⌊r⌋ ≠ k (it halves k otherwise, for libjpeg rounding): asking a 4000-px photo for 1600 px
 * (r = 2.5) decodes all 12 MP, while 1333 px (r = 3) decodes 3 MP — measured 178 → 77 ms CPU.
 * When the wanted size falls into such a gap, a slightly smaller size (≥ 3/4 of it) that keeps the
 * larger shrink is chosen; otherwise the wanted size is kept.
 */
export function jpegFriendlyLongSide(imageLongSide: number, wanted: number): number {
  const ratio = imageLongSide / wanted;
  if (ratio < 2) return wanted;
  const k = ratio >= 8 ? 8 : ratio >= 4 ? 4 : 2;
  if (Math.floor(ratio) !== k) return wanted;
  const smaller = Math.floor(imageLongSide / (k + 1));
  return smaller >= Math.ceil((wanted * 3) / 4) ? smaller : wanted;
}

/** The subset of sharp's metadata the decode uses. */
interface HeaderFacts {
  width?: number | undefined;
  height?: number | undefined;
  orientation?: number | undefined;
  /** Whether an embedded ICC profile is sRGB; false without one. */
  iccIsSrgb: boolean;
  hasAlpha?: boolean | undefined;
  space?: string | undefined;
  channels?: number | undefined;
}

function factsOf(meta: Metadata): HeaderFacts {
  return { ...meta, iccIsSrgb: meta.icc !== undefined && iccNamesSrgb(meta.icc) };
}

/** A JPEG's header read in JS (no libvips call); null when the parser defers to sharp. */
function metadataFromJpegHeader(bytes: Buffer): HeaderFacts | null {
  const header = readJpegHeader(bytes);
  if (!header || (header.components !== 1 && header.components !== 3)) return null;
  return {
    width: header.width,
    height: header.height,
    orientation: header.orientation,
    iccIsSrgb: header.iccIsSrgb === true,
    hasAlpha: false,
    space: header.components === 1 ? 'b-w' : 'srgb',
    channels: header.components,
  };
}

function applyOrientation(img: Sharp, orientation: number): Sharp {
  switch (orientation) {
    case 2:
      return img.flop();
    case 3:
      return img.rotate(180);
    case 4:
      return img.flip();
    case 5:
      return img.rotate(90).flop();
    case 6:
      return img.rotate(90);
    case 7:
      return img.rotate(270).flop();
    case 8:
      return img.rotate(270);
    default:
      return img;
  }
}

/** `size`: the photo's size when `full` is a smaller embedded preview of it. */
async function fromFullRaster(
  full: Raster,
  format: ImageFormat,
  longSide: number,
  size: { width: number; height: number } = full,
): Promise<DecodedPhoto> {
  const orientation = 1;
  const { data, info } = await sharp(full.data, {
    raw: { width: full.width, height: full.height, channels: full.channels },
  })
    .resize({ width: longSide, height: longSide, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raster: Raster = { data, width: info.width, height: info.height, channels: 3 };
  return {
    format,
    width: size.width,
    height: size.height,
    orientation,
    raster,
    ...(await makeThumbnail(raster)),
  };
}

/** The thumbnail, once as pixels (for hashes and quality) and once as a JPEG (for the UI). */
export async function makeThumbnail(
  raster: Raster,
  longSide = THUMB_LONG_SIDE,
): Promise<{ preview: Raster; thumbnail: Buffer }> {
  let preview = raster;
  if (Math.max(raster.width, raster.height) > longSide) {
    const { data, info } = await sharp(raster.data, {
      raw: { width: raster.width, height: raster.height, channels: raster.channels },
    })
      .resize({ width: longSide, height: longSide, fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    preview = { data, width: info.width, height: info.height, channels: 3 };
  }
  const thumbnail = await sharp(preview.data, {
    raw: { width: preview.width, height: preview.height, channels: preview.channels },
  })
    .jpeg({ quality: 78 })
    .toBuffer();
  return { preview, thumbnail };
}

/**
 * Truncation told from the file's structure. libvips usually says "premature end", but under
 * concurrent decodes it sometimes reports only "Warning treated as error due to failOn setting"
 * (seen 3 times in 40 scans of one truncated JPEG); the bytes themselves are unambiguous.
 */
export function refineTruncation(error: DecodeError, bytes: Buffer, kind: DetectedKind): DecodeError {
  if (error.code !== 'CORRUPT') return error;
  if (kind.format === 'jpeg' && jpegLacksEnd(bytes))
    return new DecodeError(
      'TRUNCATED',
      `Image data is truncated: the JPEG stops inside its image data (${error.message})`,
    );
  if (kind.format === 'png' && bytes.lastIndexOf('IEND') < 0)
    return new DecodeError(
      'TRUNCATED',
      `Image data is truncated: the PNG has no end chunk (${error.message})`,
    );
  return error;
}

/**
 * Whether a JPEG's last scan has no end-of-image marker after it. Inside entropy-coded data 0xFF is
 * always followed by 0x00 or a restart marker, so FF DA (start of scan) and FF D9 (end of image)
 * occur only as real markers.
 */
export function jpegLacksEnd(bytes: Buffer): boolean {
  const lastScan = bytes.lastIndexOf(JPEG_SOS);
  return lastScan >= 0 && bytes.lastIndexOf(JPEG_EOI) < lastScan;
}

const JPEG_SOS = Buffer.from([0xff, 0xda]);
const JPEG_EOI = Buffer.from([0xff, 0xd9]);

/** Maps decoder failures to the recorded error codes. */
export function toDecodeError(error: unknown): DecodeError {
  if (error instanceof DecodeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const lower = message.toLowerCase();
  if (lower.includes('pixel limit'))
    return new DecodeError(
      'TOO_MANY_PIXELS',
      'Image is larger than the pixel limit (possible decompression bomb)',
    );
  if (
    lower.includes('premature end') ||
    lower.includes('truncated') ||
    lower.includes('unexpected end') ||
    lower.includes('end of file') ||
    lower.includes('not enough data')
  )
    return new DecodeError('TRUNCATED', `Image data is truncated: ${firstLine(message)}`);
  if (lower.includes('unsupported image format'))
    return new DecodeError('UNSUPPORTED_FORMAT', firstLine(message));
  return new DecodeError('CORRUPT', `Image cannot be decoded: ${firstLine(message)}`);
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).slice(0, 300);
}
