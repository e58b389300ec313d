/** Recognises image formats by their first bytes, never by the file name. */
import type { ImageFormat } from '../../common/contract/types';

export type DetectedKind = { format: ImageFormat; codec: 'sharp' | 'heic' | 'bmp' | 'netpbm' | 'raw' };

const RAW_EXTENSIONS = new Set([
  '.cr2',
  '.nef',
  '.nrw',
  '.arw',
  '.srf',
  '.sr2',
  '.dng',
  '.orf',
  '.rw2',
  '.pef',
  '.raf',
  '.erf',
  '.3fr',
  '.kdc',
  '.srw',
]);
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.bmp',
  '.dib',
  '.heic',
  '.heif',
  '.hif',
  '.ppm',
  '.pgm',
  '.pbm',
  '.pnm',
  ...RAW_EXTENSIONS,
]);

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

export function detectImageFormat(bytes: Uint8Array, extension: string): DetectedKind | null {
  if (bytes.length < 12) return null;
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { format: 'jpeg', codec: 'sharp' };
  if (b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return { format: 'png', codec: 'sharp' };
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return { format: 'webp', codec: 'sharp' };
  if (ascii(b, 0, 4) === 'GIF8') return { format: 'gif', codec: 'sharp' };
  if (ascii(b, 0, 15) === 'FUJIFILMCCD-RAW') return { format: 'raw', codec: 'raw' };
  const tiffLE =
    b[0] === 0x49 && b[1] === 0x49 && b[3] === 0x00 && (b[2] === 0x2a || b[2] === 0x55 || b[2] === 0x52);
  const tiffBE = b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a;
  if (tiffLE || tiffBE) {
    // Most RAW formats are TIFF containers with TIFF's magic: tell them apart by extension.
    // Panasonic (IIU) and Olympus (IIRO) use their own magic numbers.
    const ownMagic = tiffLE && b[2] !== 0x2a;
    if (ownMagic || RAW_EXTENSIONS.has(extension.toLowerCase())) return { format: 'raw', codec: 'raw' };
    return { format: 'tiff', codec: 'sharp' };
  }
  if (ascii(b, 4, 4) === 'ftyp') {
    const brand = ascii(b, 8, 4);
    if (brand === 'avif' || brand === 'avis') return { format: 'avif', codec: 'sharp' };
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand))
      return { format: 'heic', codec: 'heic' };
    if (brand === 'crx ') return { format: 'raw', codec: 'raw' };
    return null;
  }
  if (b[0] === 0x42 && b[1] === 0x4d) return { format: 'bmp', codec: 'bmp' };
  if (
    b[0] === 0x50 &&
    b[1] !== undefined &&
    b[1] >= 0x31 &&
    b[1] <= 0x36 &&
    (b[2] === 0x0a || b[2] === 0x20 || b[2] === 0x0d || b[2] === 0x09)
  )
    return { format: 'other', codec: 'netpbm' };
  return null;
}

export function looksLikeImageName(extension: string): boolean {
  return IMAGE_EXTENSIONS.has(extension.toLowerCase());
}
