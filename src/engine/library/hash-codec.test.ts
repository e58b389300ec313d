import { describe, expect, it } from 'vitest';
import { makeJpeg } from '../testing';
import { computeImageHashes } from '../dedup/hashes';
import sharp from 'sharp';
import { PACKED_HASH_BYTES, packHashes, unpackHashes } from './hash-codec';

describe('hash codec', () => {
  it('round-trips every hash of a real photo', async () => {
    const { data, info } = await sharp(await makeJpeg(320, 240, 3))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const hashes = computeImageHashes({ data, width: info.width, height: info.height, channels: 3 });
    const blob = packHashes(hashes);
    expect(blob.length).toBe(PACKED_HASH_BYTES);
    expect(unpackHashes(blob)).toEqual(hashes);
    // The zoom boxes (8 transforms × 8 scales) travel too; they differ between transforms.
    const unpacked = unpackHashes(blob);
    expect(unpacked.zoom.map((row) => row.length)).toEqual([8, 8, 8, 8, 8, 8, 8, 8]);
    expect(unpacked.zoom[1]).toEqual(hashes.zoom[1]);
    expect(unpacked.zoom[1]).not.toEqual(unpacked.zoom[0]);
    // The crop probes are stored (grouping would otherwise recompute 145 box DCTs per photo).
    expect(unpacked.crop?.index).toHaveLength(144);
    expect(unpacked.crop).toEqual(hashes.crop);
    expect(unpacked.content?.aspect).toBeCloseTo(320 / 240, 3);
  });

  it('refuses a blob of another layout', () => {
    expect(() => unpackHashes(new Uint8Array(192))).toThrow(/bytes of hashes/);
  });
});
