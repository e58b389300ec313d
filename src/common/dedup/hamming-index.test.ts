import { describe, expect, it } from 'vitest';
import { hammingDistance, hashHigh32, hashLow32, type Hash64 } from './hash64';
import { HammingIndex } from './hamming-index';
import { flipBits, randomHash, seededRandom } from './test-random';

function brutePairs(hashes: Hash64[], radius: number): Array<[number, number, number]> {
  const pairs: Array<[number, number, number]> = [];
  for (let i = 0; i < hashes.length; i++) {
    for (let j = i + 1; j < hashes.length; j++) {
      const d = hammingDistance(hashes[i] ?? 0n, hashes[j] ?? 0n);
      if (d <= radius) pairs.push([i, j, d]);
    }
  }
  return pairs;
}

/** Random hashes with clusters of near copies, so there are many pairs at every distance. */
function clustered(count: number, seed: number): Hash64[] {
  const random = seededRandom(seed);
  const hashes: Hash64[] = [];
  while (hashes.length < count) {
    const centre = randomHash(random);
    hashes.push(centre);
    const copies = Math.floor(random() * 6);
    for (let c = 0; c < copies && hashes.length < count; c++)
      hashes.push(flipBits(centre, Math.floor(random() * 20), random));
  }
  return hashes;
}

describe('HammingIndex (multi-index hashing)', () => {
  it.each([4, 5, 7, 11, 16])('answers a batch of queries exactly like brute force (%i chunks)', (chunks) => {
    const hashes = clustered(1500, 91 + chunks);
    const random = seededRandom(chunks);
    // Queries: near copies of indexed hashes and unrelated ones.
    const queries = Array.from({ length: 400 }, (_, q) =>
      q % 3 === 0 ? randomHash(random) : flipBits(hashes[q * 3] ?? 0n, Math.floor(random() * 16), random),
    );
    const words = { hi: Uint32Array.from(queries, hashHigh32), lo: Uint32Array.from(queries, hashLow32) };
    for (const radius of [0, 4, 9, 13, 20]) {
      const index = new HammingIndex(hashes, { maxRadius: radius, chunks });
      const found: Array<[number, number, number]> = [];
      index.forEachPairWithin(words, radius, (q, i, d) => found.push([q, i, d]));
      const expected: Array<[number, number, number]> = [];
      queries.forEach((query, q) => {
        hashes.forEach((h, i) => {
          const d = hammingDistance(query, h);
          if (d <= radius) expected.push([q, i, d]);
        });
      });
      const byQueryThenIndex = (a: [number, number, number], b: [number, number, number]): number =>
        a[0] - b[0] || a[1] - b[1];
      expect(found.sort(byQueryThenIndex), `r = ${radius}`).toEqual(expected);
    }
  });

  it('gives the same results when built from 32-bit words as from bigints', () => {
    const hashes = clustered(2000, 77);
    const words = { hi: Uint32Array.from(hashes, hashHigh32), lo: Uint32Array.from(hashes, hashLow32) };
    for (const radius of [3, 9, 14]) {
      const fromWords = new HammingIndex(words, { maxRadius: radius });
      expect(fromWords.size).toBe(hashes.length);
      expect(fromWords.pairsWithin(radius)).toEqual(brutePairs(hashes, radius));
      expect(fromWords.query(hashes[5] ?? 0n, radius)).toEqual(
        new HammingIndex(hashes, { maxRadius: radius }).query(hashes[5] ?? 0n, radius),
      );
    }
    expect(
      () => new HammingIndex({ hi: new Uint32Array(3), lo: new Uint32Array(2) }, { maxRadius: 4 }),
    ).toThrow(/as many low words as high words/);
  });

  it.each([0, 1, 3, 6, 8, 10, 12, 16, 20])('returns exactly the brute-force pairs at radius %i', (radius) => {
    const hashes = clustered(1500, 100 + radius);
    const index = new HammingIndex(hashes, { maxRadius: radius });
    const expected = brutePairs(hashes, radius);
    expect(expected.length).toBeGreaterThan(radius === 0 ? 0 : 50);
    expect(index.pairsWithin(radius)).toEqual(expected);
  });

  it.each([4, 5, 7, 11, 16])('is exact with %i chunks, including radii below maxRadius', (chunks) => {
    const hashes = clustered(800, chunks);
    const index = new HammingIndex(hashes, { maxRadius: 14, chunks });
    for (const radius of [2, 9, 14]) expect(index.pairsWithin(radius)).toEqual(brutePairs(hashes, radius));
  });

  it('answers single queries like a linear scan', () => {
    const random = seededRandom(3);
    const hashes = clustered(2000, 3);
    const index = new HammingIndex(hashes, { maxRadius: 12 });
    for (let q = 0; q < 50; q++) {
      const query = flipBits(
        hashes[Math.floor(random() * hashes.length)] ?? 0n,
        Math.floor(random() * 10),
        random,
      );
      const expected = hashes
        .map((h, i) => ({ index: i, distance: hammingDistance(h, query) }))
        .filter((m) => m.distance <= 12);
      expect(index.query(query, 12)).toEqual(expected);
    }
  });

  it('keeps duplicates of the same hash apart', () => {
    const index = new HammingIndex([5n, 5n, 5n, 6n], { maxRadius: 0 });
    expect(index.pairsWithin(0)).toEqual([
      [0, 1, 0],
      [0, 2, 0],
      [1, 2, 0],
    ]);
  });

  it('rejects bad arguments with the expected and received values', () => {
    expect(() => new HammingIndex([], { maxRadius: 65 })).toThrow(/0\.\.64 for maxRadius but received 65/);
    expect(() => new HammingIndex([], { maxRadius: 4, chunks: 2 })).toThrow(/for chunks but received 2/);
  });

  it('self-joins 100k random hashes without looking at all pairs', () => {
    const hashes = clustered(100_000, 42);
    const started = performance.now();
    const index = new HammingIndex(hashes, { maxRadius: 10 });
    const pairs = index.pairsWithin(10);
    const elapsed = performance.now() - started;
    // Spot-check exactness against brute force on a slice (the full brute force would be 5e9 pairs).
    const slice = hashes.slice(0, 2000);
    const inSlice = pairs.filter(([i, j]) => i < 2000 && j < 2000);
    expect(inSlice).toEqual(brutePairs(slice, 10));
    expect(pairs.length).toBeGreaterThan(5000);
    // ~2 s on an idle core; the bound only catches a fall back to all pairs (minutes).
    expect(elapsed).toBeLessThan(60_000);
  }, 120_000);
});
