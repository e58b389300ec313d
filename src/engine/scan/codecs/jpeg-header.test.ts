import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { needDataset } from '../../testing';
import { iccNamesSrgb, readJpegHeader } from './jpeg-header';

function jpegsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return jpegsUnder(full);
    return /\.jpe?g$/i.test(e.name) ? [full] : [];
  });
}

/** What libvips says, in the parser's terms. */
async function fromSharp(bytes: Buffer): Promise<{
  width: number;
  height: number;
  components: number;
  orientation: number;
  iccIsSrgb: boolean | null;
}> {
  const m = await sharp(bytes).metadata();
  return {
    width: m.width,
    height: m.height,
    components: m.channels,
    orientation: m.orientation ?? 1,
    iccIsSrgb: m.icc === undefined ? null : iccNamesSrgb(m.icc),
  };
}

describe('readJpegHeader', () => {
  it('agrees with libvips on every JPEG of the dev datasets', async () => {
    // The whole dev set where it is present (300+ JPEGs); the shipped fixtures otherwise (38).
    const full = needDataset('dedup/synthetic', 'series');
    const files = jpegsUnder(full.skip ? needDataset('faces').root : full.root);
    expect(files.length).toBeGreaterThan(full.skip ? 30 : 100);
    let parsed = 0;
    let readable = 0;
    for (const file of files) {
      const bytes = readFileSync(file);
      let expected;
      try {
        expected = await fromSharp(bytes);
      } catch {
        continue; // the corrupt sample: libvips cannot read its header either
      }
      readable++;
      const header = readJpegHeader(bytes);
      if (header === null) continue;
      parsed++;
      expect(header, file).toEqual(expected);
    }
    // The parser defers to sharp only for oddities, not for ordinary files.
    expect(parsed).toBeGreaterThan(readable * 0.95);
  });

  it('reads every EXIF orientation in both byte orders, gray and colour, with and without an ICC profile', async () => {
    const rgb = sharp({ create: { width: 40, height: 24, channels: 3, background: '#336699' } });
    for (let orientation = 1; orientation <= 8; orientation++) {
      const bytes = await rgb.clone().withMetadata({ orientation }).jpeg().toBuffer();
      expect(readJpegHeader(bytes)).toEqual(await fromSharp(bytes));
      expect(readJpegHeader(bytes)?.orientation).toBe(orientation);
    }
    const gray = await rgb.clone().greyscale().toColourspace('b-w').jpeg().toBuffer();
    expect(readJpegHeader(gray)).toEqual({
      width: 40,
      height: 24,
      components: 1,
      orientation: 1,
      iccIsSrgb: null,
    });
    const withIcc = await rgb.clone().withIccProfile('srgb').jpeg().toBuffer();
    expect(readJpegHeader(withIcc)).toEqual(await fromSharp(withIcc));
    expect(readJpegHeader(withIcc)?.iccIsSrgb).toBe(true);
    const p3 = await rgb.clone().withIccProfile('p3').jpeg().toBuffer();
    expect(readJpegHeader(p3)?.iccIsSrgb).toBe(false);
    const cmyk = await rgb.clone().toColourspace('cmyk').jpeg().toBuffer();
    expect(readJpegHeader(cmyk)?.components).toBe(4);

    // Big-endian (Motorola) EXIF, as many cameras write it: the orientation tag patched in place.
    const le = await rgb.clone().withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const tiff = le.indexOf(Buffer.from('Exif\0\0', 'latin1')) + 6;
    expect(le.toString('latin1', tiff, tiff + 2)).toBe('II');
    const be = Buffer.from(le);
    swapTiffByteOrder(be, tiff);
    expect(readJpegHeader(be)?.orientation).toBe(6);
  });

  it('returns null for what it does not understand instead of guessing', async () => {
    const good = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    expect(readJpegHeader(Buffer.alloc(0))).toBeNull();
    expect(readJpegHeader(Buffer.from('not a jpeg at all'))).toBeNull();
    expect(readJpegHeader(good.subarray(0, 30))).toBeNull(); // cut before the frame header
    const badLength = Buffer.from(good);
    badLength.writeUInt16BE(0xfff0, 4); // first segment claims to run past the end
    expect(readJpegHeader(badLength)).toBeNull();
  });
});

/** Rewrites a little-endian TIFF header + IFD0 (entries with inline SHORT/LONG values) as big-endian. */
function swapTiffByteOrder(buf: Buffer, at: number): void {
  buf.write('MM', at, 'latin1');
  buf.writeUInt16BE(buf.readUInt16LE(at + 2), at + 2);
  const ifd = buf.readUInt32LE(at + 4);
  buf.writeUInt32BE(ifd, at + 4);
  const count = buf.readUInt16LE(at + ifd);
  buf.writeUInt16BE(count, at + ifd);
  for (let i = 0; i < count; i++) {
    const e = at + ifd + 2 + i * 12;
    const tag = buf.readUInt16LE(e);
    const type = buf.readUInt16LE(e + 2);
    const n = buf.readUInt32LE(e + 4);
    const value = type === 3 && n === 1 ? buf.readUInt16LE(e + 8) : buf.readUInt32LE(e + 8);
    buf.writeUInt16BE(tag, e);
    buf.writeUInt16BE(type, e + 2);
    buf.writeUInt32BE(n, e + 4);
    if (type === 3 && n === 1) {
      buf.writeUInt16BE(value, e + 8);
      buf.writeUInt16BE(0, e + 10);
    } else buf.writeUInt32BE(value, e + 8);
  }
}
