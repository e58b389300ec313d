/**
 * BMP decoder (sharp's prebuilt libvips has no BMP loader). Handles the formats photo
 * libraries actually contain: 1/4/8-bit palettes, 16/24/32-bit, BI_RGB and BI_BITFIELDS,
 * bottom-up and top-down. RLE-compressed BMPs are rejected as unsupported.
 */
import type { Raster } from '../../../common/raster';
import { DecodeError } from './decode-error';

export function decodeBmp(buf: Uint8Array, maxPixels: number): Raster {
  if (buf.length < 26) throw new DecodeError('TRUNCATED', 'BMP header is cut short');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  let width: number;
  let height: number;
  let bpp: number;
  let compression = 0;
  let colorsUsed = 0;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    height = view.getInt16(20, true);
    bpp = view.getUint16(24, true);
  } else {
    if (buf.length < 54) throw new DecodeError('TRUNCATED', 'BMP info header is cut short');
    width = view.getInt32(18, true);
    height = view.getInt32(22, true);
    bpp = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colorsUsed = view.getUint32(46, true);
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width <= 0 || height <= 0) throw new DecodeError('CORRUPT', `BMP has invalid size ${width}×${height}`);
  if (width * height > maxPixels)
    throw new DecodeError('TOO_MANY_PIXELS', `BMP is ${width}×${height}, above the pixel limit`);
  if (compression !== 0 && compression !== 3)
    throw new DecodeError('UNSUPPORTED_FORMAT', `BMP compression ${compression} is not supported`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp))
    throw new DecodeError('UNSUPPORTED_FORMAT', `BMP with ${bpp} bits per pixel is not supported`);

  let masks: [number, number, number] =
    bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (compression === 3) {
    const maskAt = headerSize === 40 ? 54 : 14 + 40;
    if (buf.length < maskAt + 12) throw new DecodeError('TRUNCATED', 'BMP bit masks are cut short');
    masks = [
      view.getUint32(maskAt, true),
      view.getUint32(maskAt + 4, true),
      view.getUint32(maskAt + 8, true),
    ];
  }
  const palette: number[] = [];
  if (bpp <= 8) {
    const count = colorsUsed || 1 << bpp;
    const entry = headerSize === 12 ? 3 : 4;
    const start = 14 + headerSize;
    for (let i = 0; i < count; i++) {
      const o = start + i * entry;
      if (o + 2 >= buf.length) break;
      palette.push(((buf[o + 2] ?? 0) << 16) | ((buf[o + 1] ?? 0) << 8) | (buf[o] ?? 0));
    }
  }
  const rowBytes = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + rowBytes * height > buf.length)
    throw new DecodeError('TRUNCATED', 'BMP pixel data is cut short');
  const out = new Uint8Array(width * height * 3);
  const shiftOf = (mask: number): [number, number] => {
    if (mask === 0) return [0, 1];
    let shift = 0;
    while (((mask >>> shift) & 1) === 0) shift++;
    let bits = 0;
    while (((mask >>> (shift + bits)) & 1) === 1) bits++;
    return [shift, (1 << bits) - 1];
  };
  const channelShifts = masks.map(shiftOf);
  for (let y = 0; y < height; y++) {
    const srcRow = dataOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      let rgb: number;
      if (bpp <= 8) {
        const bitIndex = x * bpp;
        const byte = buf[srcRow + (bitIndex >> 3)] ?? 0;
        const index = (byte >> (8 - bpp - (bitIndex & 7))) & ((1 << bpp) - 1);
        rgb = palette[index] ?? 0;
      } else if (bpp === 24 || (bpp === 32 && compression === 0)) {
        const o = srcRow + x * (bpp / 8);
        rgb = ((buf[o + 2] ?? 0) << 16) | ((buf[o + 1] ?? 0) << 8) | (buf[o] ?? 0);
      } else {
        const o = srcRow + x * (bpp / 8);
        const value = bpp === 16 ? view.getUint16(o, true) : view.getUint32(o, true);
        rgb = 0;
        channelShifts.forEach(([shift, max], c) => {
          const v = Math.round((((value >>> shift) & max) * 255) / max);
          rgb |= v << (16 - 8 * c);
        });
      }
      const d = (y * width + x) * 3;
      out[d] = (rgb >> 16) & 255;
      out[d + 1] = (rgb >> 8) & 255;
      out[d + 2] = rgb & 255;
    }
  }
  return { data: out, width, height, channels: 3 };
}
