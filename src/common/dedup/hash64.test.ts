import { describe, expect, it } from 'vitest';
import { hammingDistance, hashFromBits, hashFromHex, hashToHex, popcount32 } from './hash64';
import { flipBits, randomHash, seededRandom } from './test-random';

describe('Hash64 helpers', () => {
  it('counts bits', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
  });

  it('measures Hamming distance over all 64 bits', () => {
    expect(hammingDistance(0n, 0xffffffffffffffffn)).toBe(64);
    expect(hammingDistance(1n << 63n, 0n)).toBe(1);
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const h = randomHash(random);
      const bits = Math.floor(random() * 65);
      expect(hammingDistance(h, flipBits(h, bits, random))).toBe(bits);
    }
  });

  it('round-trips bits and hex, most significant bit first', () => {
    const bits = Array.from({ length: 64 }, (_, i) => i === 0 || i === 63);
    const h = hashFromBits(bits);
    expect(hashToHex(h)).toBe('8000000000000001');
    expect(hashFromHex('8000000000000001')).toBe(h);
    expect(() => hashFromHex('xyz')).toThrow(/16 hex digits/);
    expect(() => hashFromBits([true])).toThrow(/64 bits/);
  });
});
