import { describe, expect, it } from 'vitest';
import { makeJpeg } from '../testing';
import { computeImageHashes } from '../dedup/hashes';
import sharp from 'sharp';
import { PACKED_HASH_BYTES, packHashes, unpackHashes } from './hash-codec';

describe('hash codec', () => {
  it('round-trips every hash of a real photo', async () => {
    const { data, info } = await sharp(await makeJpeg(320, 240, 3)).raw().toBuffer({ resolveWithObject: true });
    const hashes = await computeImageHashes({ data, width: info.width, height: info.height, channels: 3 });
    const blob = packHashes(hashes);
    expect(blob.length).toBe(PACKED_HASH_BYTES);
    expect(unpackHashes(blob)).toEqual(hashes);
  });

  it('refuses a blob of another layout', () => {
    expect(() => unpackHashes(new Uint8Array(192))).toThrow(/bytes of hashes/);
  });
});
