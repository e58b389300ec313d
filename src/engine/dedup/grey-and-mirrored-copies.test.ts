/**
 * Greyscale copies made the ways real tools make them (libvips/sharp's linear-light luminance,
 * BT.601 and BT.709 weights, the plain mean) are near-duplicates of their colour original, also
 * when the group holds other edits of it (every pair of a group must link: a mirrored copy and a
 * cropped one too), and never of another picture. Self-contained: the originals are procedural.
 */
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { isGreyContent } from '../../common/dedup/content';
import { findNearDuplicateGroups } from '../../common/dedup/grouping';
import type { ImageHashes } from '../../common/dedup/types';
import { computeImageHashes } from './hashes';
import { proceduralOriginal } from './testing-edits';

/** Hashes as the scan makes them: from the ≤ 320 px preview of the decoded photo. */
async function hashesOf(image: Buffer): Promise<ImageHashes> {
  const { data, info } = await sharp(image)
    .resize({ width: 320, height: 320, fit: 'inside' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return computeImageHashes({
    data: new Uint8Array(data),
    width: info.width,
    height: info.height,
    channels: 3,
  });
}

const jpeg = (img: Sharp): Promise<Buffer> => img.jpeg({ quality: 90 }).toBuffer();
/** Grey by fixed weights of the encoded R, G, B (recomb keeps three equal channels). */
const weighted = (source: Buffer, [r, g, b]: readonly [number, number, number]): Promise<Buffer> =>
  jpeg(
    sharp(source).recomb([
      [r, g, b],
      [r, g, b],
      [r, g, b],
    ]),
  );

const GREY_COPIES: ReadonlyArray<readonly [string, (source: Buffer) => Promise<Buffer>]> = [
  ['libvips luminance (sharp greyscale)', (s) => jpeg(sharp(s).grayscale())],
  ['BT.601 weights (PIL, OpenCV)', (s) => weighted(s, [0.299, 0.587, 0.114])],
  ['BT.709 weights (ImageMagick)', (s) => weighted(s, [0.2126, 0.7152, 0.0722])],
  ['mean of R, G, B', (s) => weighted(s, [1 / 3, 1 / 3, 1 / 3])],
];

describe('greyscale and mirrored copies', () => {
  it('pair with their colour original however they were made, and with nothing else', async () => {
    const original = await proceduralOriginal(6);
    const other = await proceduralOriginal(9);
    const colour = [await hashesOf(original), await hashesOf(other)];
    expect(colour.map((h) => isGreyContent(h.content!))).toEqual([false, false]);
    for (const [name, make] of GREY_COPIES) {
      const grey = [await hashesOf(await make(original)), await hashesOf(await make(other))];
      expect(
        grey.map((h) => isGreyContent(h.content!)),
        name,
      ).toEqual([true, true]);
      const items = [...colour, ...grey].map((hashes, k) => ({ id: k + 1, hashes }));
      expect(
        findNearDuplicateGroups(items).map((g) => g.ids),
        name,
      ).toEqual([
        [1, 3],
        [2, 4],
      ]);
    }
  }, 30_000);

  it('join a group of other edits: a border, a crop, a tone change, more saturation, a mirror', async () => {
    const original = await proceduralOriginal(6);
    const meta = await sharp(original).metadata();
    const w = meta.width ?? 0;
    const h = meta.height ?? 0;
    const copies = [
      original,
      await jpeg(sharp(original).grayscale()),
      await jpeg(sharp(original).extend({ top: 40, bottom: 40, left: 40, right: 40, background: '#fff' })),
      await jpeg(
        sharp(original).extract({
          left: 0,
          top: Math.round(h * 0.08),
          width: Math.round(w * 0.88),
          height: Math.round(h * 0.86),
        }),
      ),
      await jpeg(sharp(original).linear(1.35, -(0.35 * 128))),
      await jpeg(sharp(original).modulate({ saturation: 1.6 })),
      // Mirrored: it and the crop link only once one of them is turned back.
      await jpeg(sharp(original).flop()),
    ];
    const items = await Promise.all(copies.map(async (c, k) => ({ id: k + 1, hashes: await hashesOf(c) })));
    const groups = findNearDuplicateGroups(items);
    expect(groups.map((g) => g.ids)).toEqual([[1, 2, 3, 4, 5, 6, 7]]);
  }, 30_000);
});
