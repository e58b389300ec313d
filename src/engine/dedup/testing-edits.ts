/**
 * Generates "original + its edits" groups for tests and the sweep: the copies a real library
 * collects (an editor's border, crop, caption and watermark; tone edits; messaging-app copies;
 * format conversions; an EXIF-rotated copy). File names are neutral and every file gets the same
 * mtime (copied together), so only the pictures and their metadata can tell the original.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';

export const EDITS = [
  'border',
  'crop',
  'caption',
  'watermark',
  'brightness',
  'contrast',
  'saturation',
  'grey',
  'blur',
  'resize',
  'recompress',
  'upscaled',
  'lossless',
  'exifRotated',
] as const;
export type EditKind = (typeof EDITS)[number];

export interface GeneratedFile {
  path: string;
  /** 'original' or the edit that made this copy. */
  kind: 'original' | EditKind;
}

export interface GeneratedGroup {
  name: string;
  files: GeneratedFile[];
}

/** Camera metadata an original carries (editors keep it; messaging apps strip it). */
function cameraExif(seed: number): Record<string, Record<string, string>> {
  const day = String(1 + (seed % 27)).padStart(2, '0');
  return {
    IFD0: { Make: 'Sift Test Camera', Model: `Model ${seed % 5}`, Software: 'camera firmware 1.0' },
    IFD2: { DateTimeOriginal: `2019:06:${day} 10:${String(seed % 60).padStart(2, '0')}:00` },
  };
}

/** A deterministic photo-like picture: sky gradient, shapes with texture, sensor noise. */
export async function proceduralOriginal(seed: number, width = 1200, height = 900): Promise<Buffer> {
  let s = seed * 9301 + 49297;
  const rnd = (): number => {
    s = (s * 9301 + 49297) % 233280;
    return s / 233280;
  };
  const shapes: string[] = [];
  for (let k = 0; k < 14; k++) {
    const colour = `rgb(${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)})`;
    const x = Math.floor(rnd() * width);
    const y = Math.floor(rnd() * height);
    if (k % 3 === 0) shapes.push(`<rect x="${x}" y="${y}" width="${40 + rnd() * 300}" height="${40 + rnd() * 250}" fill="${colour}" transform="rotate(${rnd() * 40 - 20} ${x} ${y})"/>`);
    else if (k % 3 === 1) shapes.push(`<ellipse cx="${x}" cy="${y}" rx="${20 + rnd() * 160}" ry="${20 + rnd() * 120}" fill="${colour}"/>`);
    else shapes.push(`<path d="M${x} ${y} L${x + rnd() * 300 - 150} ${y + rnd() * 300} L${x + rnd() * 300} ${y + rnd() * 200 - 100} Z" fill="${colour}"/>`);
  }
  const lines: string[] = [];
  for (let k = 0; k < 60; k++) {
    const x = rnd() * width;
    const y = rnd() * height;
    lines.push(`<line x1="${x}" y1="${y}" x2="${x + rnd() * 80 - 40}" y2="${y + rnd() * 80 - 40}" stroke="rgb(${Math.floor(rnd() * 255)},${Math.floor(rnd() * 200)},60)" stroke-width="${1 + rnd() * 3}"/>`);
  }
  const top = `rgb(${Math.floor(60 + rnd() * 120)},${Math.floor(100 + rnd() * 120)},${Math.floor(160 + rnd() * 90)})`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="rgb(90,80,60)"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}${lines.join('')}</svg>`;
  const noise = await sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 12 } } })
    .raw()
    .toBuffer();
  return sharp(Buffer.from(svg))
    .composite([{ input: noise, raw: { width, height, channels: 3 }, blend: 'overlay' }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

const TEXT = (w: number, h: number, body: string): Buffer => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${body}</svg>`);

async function makeEdit(source: Buffer, kind: EditKind, exif: Record<string, Record<string, string>>): Promise<{ bytes: Buffer; ext: string }> {
  const meta = await sharp(source).metadata();
  const w = meta.width ?? 1;
  const h = meta.height ?? 1;
  const keepExif = (img: Sharp): Sharp => img.withExif(exif);
  const jpeg = (img: Sharp, quality = 92): Promise<Buffer> => img.jpeg({ quality }).toBuffer();
  switch (kind) {
    case 'border': {
      const b = Math.round(0.05 * Math.max(w, h));
      return { bytes: await jpeg(keepExif(sharp(source).extend({ top: b, bottom: b, left: b, right: b, background: '#ffffff' }))), ext: 'jpg' };
    }
    case 'crop':
      return {
        bytes: await jpeg(keepExif(sharp(source).extract({ left: Math.round(0.1 * w), top: Math.round(0.06 * h), width: Math.round(0.86 * w), height: Math.round(0.84 * h) }))),
        ext: 'jpg',
      };
    case 'caption': {
      const bar = Math.round(0.18 * h);
      const overlay = TEXT(w, bar, `<rect width="100%" height="100%" fill="#111"/><text x="${w * 0.05}" y="${bar * 0.62}" font-size="${bar * 0.42}" fill="#fff" font-family="sans-serif">Summer 2019 - with everyone</text>`);
      return { bytes: await jpeg(keepExif(sharp(source).composite([{ input: overlay, top: h - bar, left: 0 }]))), ext: 'jpg' };
    }
    case 'watermark': {
      const overlay = TEXT(w, h, `<text x="${w * 0.5}" y="${h * 0.85}" font-size="${h * 0.09}" fill="#fff" fill-opacity="0.6" font-family="sans-serif" font-weight="bold">© studio sample</text>`);
      return { bytes: await jpeg(keepExif(sharp(source).composite([{ input: overlay, top: 0, left: 0 }]))), ext: 'jpg' };
    }
    case 'brightness':
      return { bytes: await jpeg(keepExif(sharp(source).linear(1, 35))), ext: 'jpg' };
    case 'contrast':
      return { bytes: await jpeg(keepExif(sharp(source).linear(1.35, -0.35 * 128))), ext: 'jpg' };
    case 'saturation':
      return { bytes: await jpeg(keepExif(sharp(source).modulate({ saturation: 1.6 }))), ext: 'jpg' };
    case 'grey':
      return { bytes: await jpeg(keepExif(sharp(source).grayscale())), ext: 'jpg' };
    case 'blur':
      return { bytes: await jpeg(keepExif(sharp(source).blur(2.5))), ext: 'jpg' };
    case 'resize':
      return { bytes: await jpeg(sharp(source).resize({ width: Math.round(w / 2) }), 85), ext: 'jpg' };
    case 'recompress':
      return { bytes: await jpeg(sharp(source), 55), ext: 'jpg' };
    case 'upscaled': {
      // A messaging app's 640 px quality-60 copy, later scaled back up to the original size.
      const small = await sharp(source).resize({ width: 640, height: 640, fit: 'inside' }).jpeg({ quality: 60 }).toBuffer();
      return { bytes: await jpeg(sharp(small).resize({ width: w, height: h, fit: 'fill' }), 92), ext: 'jpg' };
    }
    case 'lossless':
      return { bytes: await sharp(source).png().toBuffer(), ext: 'png' };
    case 'exifRotated':
      // Pixels stored turned by 90° with orientation 6: viewers show the original upright.
      return { bytes: await sharp(source).rotate(-90).withExif(exif).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer(), ext: 'jpg' };
  }
}

/**
 * Writes `original` (made a camera original: quality 92, camera EXIF) and every edit of it into
 * `dir`, named `<name>_<letter>.<ext>` with the letters in a seeded order (the original is not
 * always `a`). All files get mtime `mtime`.
 */
export async function writeEditGroup(original: Buffer, dir: string, name: string, seed: number, mtime = new Date('2024-03-01T12:00:00Z')): Promise<GeneratedGroup> {
  mkdirSync(dir, { recursive: true });
  const exif = cameraExif(seed);
  const camera = await sharp(original).rotate().withExif(exif).jpeg({ quality: 92 }).toBuffer();
  const kinds: Array<'original' | EditKind> = ['original', ...EDITS];
  const order = kinds.map((k, i) => ({ k, r: (Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453) % 1 })).sort((x, y) => x.r - y.r);
  const files: GeneratedFile[] = [];
  for (const [index, { k }] of order.entries()) {
    const made = k === 'original' ? { bytes: camera, ext: 'jpg' } : await makeEdit(camera, k, exif);
    const path = join(dir, `${name}_${String.fromCharCode(97 + index)}.${made.ext}`);
    writeFileSync(path, made.bytes);
    utimesSync(path, mtime, mtime);
    files.push({ path, kind: k });
  }
  return { name, files };
}
