/**
 * Generates "original + its edits" groups for tests and the sweep: the copies a real library
 * collects (an editor's border, crop, caption and watermark; tone edits; messaging-app copies;
 * format conversions; an EXIF-rotated copy). File names are neutral and every file gets the same
 * mtime (copied together), so only the pictures and their metadata can tell the original.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { seededRandom } from '../../common/random';

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
  parameters: EditParameters;
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
    if (k % 3 === 0)
      shapes.push(
        `<rect x="${x}" y="${y}" width="${40 + rnd() * 300}" height="${40 + rnd() * 250}" fill="${colour}" transform="rotate(${rnd() * 40 - 20} ${x} ${y})"/>`,
      );
    else if (k % 3 === 1)
      shapes.push(
        `<ellipse cx="${x}" cy="${y}" rx="${20 + rnd() * 160}" ry="${20 + rnd() * 120}" fill="${colour}"/>`,
      );
    else
      shapes.push(
        `<path d="M${x} ${y} L${x + rnd() * 300 - 150} ${y + rnd() * 300} L${x + rnd() * 300} ${y + rnd() * 200 - 100} Z" fill="${colour}"/>`,
      );
  }
  const lines: string[] = [];
  for (let k = 0; k < 60; k++) {
    const x = rnd() * width;
    const y = rnd() * height;
    lines.push(
      `<line x1="${x}" y1="${y}" x2="${x + rnd() * 80 - 40}" y2="${y + rnd() * 80 - 40}" stroke="rgb(${Math.floor(rnd() * 255)},${Math.floor(rnd() * 200)},60)" stroke-width="${1 + rnd() * 3}"/>`,
    );
  }
  const top = `rgb(${Math.floor(60 + rnd() * 120)},${Math.floor(100 + rnd() * 120)},${Math.floor(160 + rnd() * 90)})`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="rgb(90,80,60)"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}${lines.join('')}</svg>`;
  // Sensor noise from the seed: libvips' own noise generator draws a new pattern on every run, and
  // a test that scans these pictures must see the same pixels each time.
  const noise = gaussianNoise(width * height * 3, 128, 12, seededRandom(seed * 7717 + 3));
  return sharp(Buffer.from(svg))
    .composite([{ input: noise, raw: { width, height, channels: 3 }, blend: 'overlay' }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** `count` bytes of Gaussian noise (Box-Muller), clamped to 0..255. */
function gaussianNoise(count: number, mean: number, sigma: number, random: () => number): Buffer {
  const out = Buffer.alloc(count);
  for (let i = 0; i < count; i += 2) {
    const r = sigma * Math.sqrt(-2 * Math.log(1 - random()));
    const t = 2 * Math.PI * random();
    out[i] = Math.max(0, Math.min(255, Math.round(mean + r * Math.cos(t))));
    if (i + 1 < count) out[i + 1] = Math.max(0, Math.min(255, Math.round(mean + r * Math.sin(t))));
  }
  return out;
}

const TEXT = (w: number, h: number, body: string): Buffer =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${body}</svg>`);

/**
 * How strong each edit is. Drawn per group from a seed over the ranges real copies show, so that
 * the detection is tested against a spread of edits, not tuned to one border width or one crop.
 */
export interface EditParameters {
  /** Frame width as a share of the long side, and its colour. */
  border: { width: number; colour: string };
  /** Share cut off each side. */
  crop: { left: number; top: number; right: number; bottom: number };
  /** Bar height as a share of the height, at the top or the bottom, and its fill. */
  caption: { height: number; top: boolean; fill: string; opacity: number };
  /** Text baseline position (share of width/height), font size (share of height), opacity. */
  watermark: { x: number; y: number; size: number; opacity: number };
  brightness: number;
  contrast: number;
  saturation: number;
  blur: number;
  /** Share of the width kept by the resized copy. */
  resize: number;
  recompress: number;
  /** The messaging app's long side and quality before the copy was scaled back up. */
  upscaled: { side: number; quality: number };
}

/** Parameters at the middle of each range (the fixed values used before they were drawn). */
export const TYPICAL_EDITS: Readonly<EditParameters> = Object.freeze({
  border: { width: 0.05, colour: '#ffffff' },
  crop: { left: 0.1, top: 0.06, right: 0.04, bottom: 0.1 },
  caption: { height: 0.18, top: false, fill: '#111111', opacity: 1 },
  watermark: { x: 0.5, y: 0.85, size: 0.09, opacity: 0.6 },
  brightness: 35,
  contrast: 1.35,
  saturation: 1.6,
  blur: 2.5,
  resize: 0.5,
  recompress: 55,
  upscaled: { side: 640, quality: 60 },
});

export function editParameters(seed: number): EditParameters {
  const random = seededRandom(seed * 7919 + 17);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const pick = <T>(options: readonly T[]): T => options[Math.floor(random() * options.length)] as T;
  // Up to 15 % off a side, at least 5 % off one side of each axis (else it is hardly a crop).
  const cropAxis = (): [number, number] => {
    const a = between(0, 0.15);
    const b = between(0, 0.15);
    return Math.max(a, b) < 0.05 ? [a, 0.05 + between(0, 0.1)] : [a, b];
  };
  const [left, right] = cropAxis();
  const [top, bottom] = cropAxis();
  return {
    border: {
      width: between(0.02, 0.08),
      colour: pick(['#ffffff', '#ffffff', '#000000', '#f2efe8', '#202020']),
    },
    crop: { left, top, right, bottom },
    caption: {
      height: between(0.1, 0.22),
      top: random() < 0.3,
      fill: pick(['#111111', '#ffffff', '#7a1f1f']),
      opacity: pick([1, 1, 0.75]),
    },
    watermark: {
      x: between(0.05, 0.45),
      y: between(0.25, 0.92),
      size: between(0.05, 0.12),
      opacity: between(0.35, 0.8),
    },
    brightness: between(18, 45),
    contrast: between(1.2, 1.5),
    saturation: between(1.3, 1.9),
    blur: between(1.5, 3.5),
    resize: between(0.35, 0.7),
    recompress: Math.round(between(40, 65)),
    upscaled: { side: Math.round(between(480, 800)), quality: Math.round(between(50, 70)) },
  };
}

async function makeEdit(
  source: Buffer,
  kind: EditKind,
  exif: Record<string, Record<string, string>>,
  p: EditParameters,
): Promise<{ bytes: Buffer; ext: string }> {
  const meta = await sharp(source).metadata();
  const w = meta.width ?? 1;
  const h = meta.height ?? 1;
  const keepExif = (img: Sharp): Sharp => img.withExif(exif);
  const jpeg = (img: Sharp, quality = 92): Promise<Buffer> => img.jpeg({ quality }).toBuffer();
  switch (kind) {
    case 'border': {
      const b = Math.max(1, Math.round(p.border.width * Math.max(w, h)));
      return {
        bytes: await jpeg(
          keepExif(
            sharp(source).extend({ top: b, bottom: b, left: b, right: b, background: p.border.colour }),
          ),
        ),
        ext: 'jpg',
      };
    }
    case 'crop': {
      const left = Math.round(p.crop.left * w);
      const top = Math.round(p.crop.top * h);
      const width = Math.max(1, w - left - Math.round(p.crop.right * w));
      const height = Math.max(1, h - top - Math.round(p.crop.bottom * h));
      return { bytes: await jpeg(keepExif(sharp(source).extract({ left, top, width, height }))), ext: 'jpg' };
    }
    case 'caption': {
      const bar = Math.round(p.caption.height * h);
      const ink = p.caption.fill === '#ffffff' ? '#111' : '#fff';
      const overlay = TEXT(
        w,
        bar,
        `<rect width="100%" height="100%" fill="${p.caption.fill}" fill-opacity="${p.caption.opacity}"/><text x="${w * 0.05}" y="${bar * 0.62}" font-size="${bar * 0.42}" fill="${ink}" font-family="sans-serif">Summer 2019 - with everyone</text>`,
      );
      return {
        bytes: await jpeg(
          keepExif(sharp(source).composite([{ input: overlay, top: p.caption.top ? 0 : h - bar, left: 0 }])),
        ),
        ext: 'jpg',
      };
    }
    case 'watermark': {
      const { x, y, size, opacity } = p.watermark;
      const overlay = TEXT(
        w,
        h,
        `<text x="${w * x}" y="${h * y}" font-size="${h * size}" fill="#fff" fill-opacity="${opacity}" font-family="sans-serif" font-weight="bold">© studio sample</text>`,
      );
      return {
        bytes: await jpeg(keepExif(sharp(source).composite([{ input: overlay, top: 0, left: 0 }]))),
        ext: 'jpg',
      };
    }
    case 'brightness':
      return { bytes: await jpeg(keepExif(sharp(source).linear(1, p.brightness))), ext: 'jpg' };
    case 'contrast':
      return {
        bytes: await jpeg(keepExif(sharp(source).linear(p.contrast, -(p.contrast - 1) * 128))),
        ext: 'jpg',
      };
    case 'saturation':
      return {
        bytes: await jpeg(keepExif(sharp(source).modulate({ saturation: p.saturation }))),
        ext: 'jpg',
      };
    case 'grey':
      return { bytes: await jpeg(keepExif(sharp(source).grayscale())), ext: 'jpg' };
    case 'blur':
      return { bytes: await jpeg(keepExif(sharp(source).blur(p.blur))), ext: 'jpg' };
    case 'resize':
      return { bytes: await jpeg(sharp(source).resize({ width: Math.round(w * p.resize) }), 85), ext: 'jpg' };
    case 'recompress':
      return { bytes: await jpeg(sharp(source), p.recompress), ext: 'jpg' };
    case 'upscaled': {
      // A messaging app's small low-quality copy, later scaled back up to the original size.
      const small = await sharp(source)
        .resize({ width: p.upscaled.side, height: p.upscaled.side, fit: 'inside' })
        .jpeg({ quality: p.upscaled.quality })
        .toBuffer();
      return { bytes: await jpeg(sharp(small).resize({ width: w, height: h, fit: 'fill' }), 92), ext: 'jpg' };
    }
    case 'lossless':
      return { bytes: await sharp(source).png().toBuffer(), ext: 'png' };
    case 'exifRotated':
      // Pixels stored turned by 90° with orientation 6: viewers show the original upright.
      return {
        bytes: await sharp(source)
          .rotate(-90)
          .withExif(exif)
          .withMetadata({ orientation: 6 })
          .jpeg({ quality: 92 })
          .toBuffer(),
        ext: 'jpg',
      };
  }
}

/**
 * Writes `original` (made a camera original: quality 92, camera EXIF) and every edit of it into
 * `dir`, named `<name>_<letter>.<ext>` with the letters in a seeded order (the original is not
 * always `a`). All files get mtime `mtime`.
 */
export async function writeEditGroup(
  original: Buffer,
  dir: string,
  name: string,
  seed: number,
  mtime = new Date('2024-03-01T12:00:00Z'),
  parameters: EditParameters = editParameters(seed),
): Promise<GeneratedGroup> {
  mkdirSync(dir, { recursive: true });
  const exif = cameraExif(seed);
  const camera = await sharp(original).rotate().withExif(exif).jpeg({ quality: 92 }).toBuffer();
  const kinds: Array<'original' | EditKind> = ['original', ...EDITS];
  const order = kinds
    .map((k, i) => ({ k, r: (Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453) % 1 }))
    .sort((x, y) => x.r - y.r);
  const files: GeneratedFile[] = [];
  for (const [index, { k }] of order.entries()) {
    const made =
      k === 'original' ? { bytes: camera, ext: 'jpg' } : await makeEdit(camera, k, exif, parameters);
    const path = join(dir, `${name}_${String.fromCharCode(97 + index)}.${made.ext}`);
    writeFileSync(path, made.bytes);
    utimesSync(path, mtime, mtime);
    files.push({ path, kind: k });
  }
  return { name, files, parameters };
}
