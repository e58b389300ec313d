/** Netpbm (PBM/PGM/PPM, ASCII and binary) decoder: libvips' loader is not in sharp's prebuilt build. */
import type { Raster } from '../../../common/raster';
import { DecodeError } from './decode-error';

export function decodeNetpbm(buf: Uint8Array, maxPixels: number): Raster {
  const kind = buf[1] !== undefined ? buf[1] - 0x30 : 0;
  let pos = 2;
  const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  const readToken = (): number => {
    for (;;) {
      while (isSpace(buf[pos])) pos++;
      if (buf[pos] === 0x23) {
        while (pos < buf.length && buf[pos] !== 0x0a) pos++;
      } else break;
    }
    let value = 0;
    let digits = 0;
    while (pos < buf.length && (buf[pos] ?? 0) >= 0x30 && (buf[pos] ?? 0) <= 0x39) {
      value = value * 10 + ((buf[pos] ?? 0) - 0x30);
      pos++;
      digits++;
    }
    if (digits === 0)
      throw new DecodeError(pos >= buf.length ? 'TRUNCATED' : 'CORRUPT', 'Netpbm header is malformed');
    return value;
  };
  const width = readToken();
  const height = readToken();
  const maxVal = kind === 1 || kind === 4 ? 1 : readToken();
  if (width <= 0 || height <= 0 || maxVal <= 0 || maxVal > 65535)
    throw new DecodeError('CORRUPT', 'Netpbm header has invalid values');
  if (width * height > maxPixels)
    throw new DecodeError('TOO_MANY_PIXELS', `Netpbm image is ${width}×${height}, above the pixel limit`);
  const out = new Uint8Array(width * height * 3);
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const scale = (v: number): number => Math.round((v * 255) / maxVal);
  const put = (i: number, v: number): void => {
    if (channels === 3) out[i] = v;
    else {
      const p = i * 3;
      out[p] = v;
      out[p + 1] = v;
      out[p + 2] = v;
    }
  };
  const samples = width * height * channels;
  if (kind <= 3) {
    for (let i = 0; i < samples; i++) {
      const v = kind === 1 ? readBit() : readToken();
      put(i, kind === 1 ? (v ? 0 : 255) : scale(v));
    }
  } else {
    pos++; // exactly one whitespace byte after the header
    if (kind === 4) {
      const rowBytes = Math.ceil(width / 8);
      if (pos + rowBytes * height > buf.length)
        throw new DecodeError('TRUNCATED', 'PBM pixel data is cut short');
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          const bit = ((buf[pos + y * rowBytes + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1;
          put(y * width + x, bit ? 0 : 255);
        }
    } else {
      const bytesPer = maxVal > 255 ? 2 : 1;
      if (pos + samples * bytesPer > buf.length)
        throw new DecodeError('TRUNCATED', 'Netpbm pixel data is cut short');
      for (let i = 0; i < samples; i++) {
        const o = pos + i * bytesPer;
        const v = bytesPer === 2 ? ((buf[o] ?? 0) << 8) | (buf[o + 1] ?? 0) : (buf[o] ?? 0);
        put(i, scale(v));
      }
    }
  }
  return { data: out, width, height, channels: 3 };

  function readBit(): number {
    while (pos < buf.length && buf[pos] !== 0x30 && buf[pos] !== 0x31) pos++;
    if (pos >= buf.length) throw new DecodeError('TRUNCATED', 'PBM pixel data is cut short');
    return buf[pos++] === 0x31 ? 1 : 0;
  }
}
