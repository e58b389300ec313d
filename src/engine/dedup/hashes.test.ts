import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { DIHEDRAL_TRANSFORMS } from '../../common/dedup/dihedral';
import { findNearDuplicateGroups } from '../../common/dedup/grouping';
import { hammingDistance } from '../../common/dedup/hash64';
import { HASH_KINDS } from '../../common/dedup/types';
import type { Raster } from '../../common/raster';
import { computeImageHashes } from './hashes';
import { needDataset } from '../testing';
import { decodeAnalysisRaster } from './testing-decode';

const synthetic = needDataset('dedup/synthetic');
const photo = `${synthetic.root}/dedup/synthetic/syn07_ladybird_base.jpg`;

async function transformed(raster: Raster, op: (s: Sharp) => Sharp): Promise<Raster> {
  const { data, info } = await op(
    sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: raster.channels } }),
  )
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}

describe.skipIf(synthetic.skip)(`computeImageHashes (real sharp)${synthetic.why}`, () => {
  it('is deterministic and separates two different photos', async () => {
    const a = await decodeAnalysisRaster(photo);
    const b = await decodeAnalysisRaster(`${synthetic.root}/dedup/synthetic/syn12_yellowflower_base.jpg`);
    const ha = computeImageHashes(a);
    expect(computeImageHashes(a)).toEqual(ha);
    const hb = computeImageHashes(b);
    for (const kind of HASH_KINDS) expect(hammingDistance(ha[kind], hb[kind])).toBeGreaterThan(16);
  });

  it.each([
    ['hflip', (s: Sharp) => s.flop()],
    ['vflip', (s: Sharp) => s.flip()],
    ['rot90', (s: Sharp) => s.rotate(90)],
    ['rot180', (s: Sharp) => s.rotate(180)],
    ['rot270', (s: Sharp) => s.rotate(270)],
  ] as const)(
    'the %s variant of the original matches the hashes of the transformed image',
    async (transform, op) => {
      const original = computeImageHashes(await decodeAnalysisRaster(photo));
      const copy = computeImageHashes(await transformed(await decodeAnalysisRaster(photo), op));
      for (const kind of HASH_KINDS) {
        expect(hammingDistance(original.variants[transform][kind], copy[kind]), kind).toBeLessThanOrEqual(4);
        // Without the variant the copy looks like another photo.
        expect(hammingDistance(original[kind], copy[kind]), kind).toBeGreaterThan(12);
      }
      // The zoom boxes follow the transform too (the box is centred, so it maps onto itself).
      const t = DIHEDRAL_TRANSFORMS.indexOf(transform);
      const zoomDistance = (row: readonly bigint[] | undefined): number =>
        (row ?? []).reduce((sum, h, s) => sum + hammingDistance(h, copy.zoom[0]?.[s] ?? 0n), 0);
      expect(zoomDistance(original.zoom[t])).toBeLessThanOrEqual(24);
      expect(zoomDistance(original.zoom[0])).toBeGreaterThan(112);
    },
  );

  it.each([-33, -21, 8, 15, 27, 40])(
    'groups a copy turned by %i° (black corners, same size) through the tilt probes',
    async (angle) => {
      const base = await decodeAnalysisRaster(photo);
      const turned = await transformed(base, (s) => s.rotate(angle, { background: '#000000' }));
      const left = Math.floor((turned.width - base.width) / 2);
      const top = Math.floor((turned.height - base.height) / 2);
      const cropped = await transformed(turned, (s) =>
        s.extract({ left, top, width: base.width, height: base.height }),
      );
      const items = [
        { id: 1, hashes: computeImageHashes(base) },
        { id: 2, hashes: computeImageHashes(cropped) },
      ];
      const groups = findNearDuplicateGroups(items);
      expect(groups.map((g) => g.ids)).toEqual([[1, 2]]);
      expect(Math.abs(groups[0]?.pairs[0]?.tiltDegrees ?? 0)).toBeGreaterThan(0);
      expect(findNearDuplicateGroups(items, { tiltPhash: -1 })).toEqual([]);
    },
  );

  it('accepts gray and RGBA rasters', async () => {
    const rgb = await decodeAnalysisRaster(photo);
    const gray = await transformed(rgb, (s) => s.greyscale().toColourspace('b-w'));
    const grayRaster: Raster = { ...gray, channels: 1 };
    const rgba = await transformed(rgb, (s) => s.ensureAlpha());
    const h = computeImageHashes(rgb);
    const hGray = computeImageHashes(grayRaster);
    const hRgba = computeImageHashes({ ...rgba, channels: 4 });
    expect(hammingDistance(h.phash, hGray.phash)).toBeLessThanOrEqual(6);
    expect(hRgba.phash).toBe(h.phash);
    expect(Object.keys(h.variants).sort()).toEqual(
      DIHEDRAL_TRANSFORMS.filter((t) => t !== 'identity').sort(),
    );
    expect(() => computeImageHashes({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 })).toThrow(
      /expected 12 bytes/,
    );
  });

  it('hashes a 1600 px analysis raster in a few milliseconds', async () => {
    const big = await transformed(await decodeAnalysisRaster(photo), (s) =>
      s.resize(1600, 1000, { fit: 'fill' }),
    );
    computeImageHashes(big);
    const runs = 20;
    const started = performance.now();
    for (let i = 0; i < runs; i++) computeImageHashes(big);
    const perPhoto = (performance.now() - started) / runs;
    // Target < 5 ms on an idle core; the bound leaves room for a loaded CI machine.
    expect(perPhoto).toBeLessThan(50);
  });
});
