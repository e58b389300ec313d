/**
 * What the decode needs from a JPEG's header (size, components, EXIF orientation, ICC profile),
 * read from the marker segments in JS. Asking sharp for it (`metadata()`) costs a libvips call of
 * ~0.5 ms CPU plus its JS overhead per photo; this walk touches a few hundred bytes. Anything this
 * parser does not understand returns null and the caller asks sharp instead.
 */

export interface JpegHeader {
  width: number;
  height: number;
  /** 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: number;
  /** EXIF orientation 1..8 (1 when there is no EXIF or no orientation tag). */
  orientation: number;
  /** null without an ICC profile; otherwise whether the profile names itself sRGB. */
  iccIsSrgb: boolean | null;
}

const SRGB = Buffer.from('sRGB', 'latin1');
const SRGB_UTF16 = Buffer.from('\0s\0R\0G\0B', 'latin1');

/**
 * Whether an ICC profile describes itself as sRGB: its description says so in ASCII (v2 'desc')
 * or UTF-16 (v4 'mluc', as in the profile sharp and lcms write).
 */
export function iccNamesSrgb(profile: Buffer): boolean {
  return profile.includes(SRGB) || profile.includes(SRGB_UTF16);
}
const EXIF_ID = Buffer.from('Exif\0\0', 'latin1');
const ICC_ID = Buffer.from('ICC_PROFILE\0', 'latin1');

/** Start-of-frame markers: every SOFn except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

export function readJpegHeader(bytes: Uint8Array): JpegHeader | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let orientation: number | null = null;
  let icc: Buffer[] | null = null;
  let at = 2;
  while (at + 4 <= buf.length) {
    if (buf[at] !== 0xff) return null;
    const marker = buf[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // standalone markers
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // image data before a frame header
    const length = buf.readUInt16BE(at + 2);
    const start = at + 4;
    const end = at + 2 + length;
    if (length < 2 || end > buf.length) return null;
    if (isStartOfFrame(marker)) {
      if (length < 8) return null;
      const height = buf.readUInt16BE(start + 1);
      const width = buf.readUInt16BE(start + 3);
      const components = buf[start + 5]!;
      if (width === 0 || height === 0 || components === 0) return null;
      const iccIsSrgb = icc === null ? null : iccNamesSrgb(Buffer.concat(icc));
      return { width, height, components, orientation: orientation ?? 1, iccIsSrgb };
    }
    // The first EXIF block counts, as in libvips.
    if (
      marker === 0xe1 &&
      orientation === null &&
      length >= 2 + EXIF_ID.length &&
      buf.subarray(start, start + EXIF_ID.length).equals(EXIF_ID)
    ) {
      const found = exifOrientation(buf.subarray(start + EXIF_ID.length, end));
      if (found === undefined) return null;
      orientation = found;
    } else if (
      marker === 0xe2 &&
      length >= 2 + ICC_ID.length + 2 &&
      buf.subarray(start, start + ICC_ID.length).equals(ICC_ID)
    ) {
      (icc ??= []).push(buf.subarray(start + ICC_ID.length + 2, end));
    }
    at = end;
  }
  return null;
}

/**
 * The orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block: 1 when absent,
 * undefined when the block is malformed (the caller then defers to libvips).
 */
function exifOrientation(tiff: Buffer): number | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const u16 = (o: number): number => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number): number => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const entries = u16(ifd);
  if (ifd + 2 + entries * 12 > tiff.length) return undefined;
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) !== 0x0112) continue;
    const type = u16(entry + 2);
    // SHORT, count 1: the value sits in the first two bytes of the value field.
    const value = type === 3 ? u16(entry + 8) : type === 4 ? u32(entry + 8) : 0;
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}
