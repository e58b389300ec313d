import { describe, expect, it } from 'vitest';
import { DIHEDRAL_TRANSFORMS, type DihedralTransform } from './dihedral';
import { findNearDuplicateGroups, type DedupItem } from './grouping';
import { hammingDistance } from './hash64';
import { flipBits, randomHash, seededRandom } from './test-random';
import { TILT_ANGLES, type TiltHashes, type TiltSignature } from './tilt';
import type { HashTriple, ImageHashes } from './types';
import { UnionFind } from './union-find';
import { ZOOM_SCALES, type ZoomSignature } from './zoom';

const random = seededRandom(2024);

function randomTriple(): HashTriple {
  return { phash: randomHash(random), dhash: randomHash(random), blockhash: randomHash(random) };
}

function randomTilt(): TiltSignature {
  const pair = (): TiltHashes => ({ phash: randomHash(random), dhash: randomHash(random) });
  const cropped: Record<number, TiltHashes> = {};
  for (const angle of TILT_ANGLES) cropped[Math.abs(angle)] = pair();
  return {
    probes: TILT_ANGLES.map((angle) => ({ angle, rotated: pair(), rotatedMirrored: pair() })),
    cropped,
  };
}

/** Zoom boxes that agree with every other `flatZoom()`: the zoom verification passes for any pair. */
function flatZoom(): ZoomSignature {
  return DIHEDRAL_TRANSFORMS.map(() => ZOOM_SCALES.map(() => 0n));
}

function imageHashes(
  identity: HashTriple,
  variants: Partial<Record<DihedralTransform, HashTriple>> = {},
  tilt = randomTilt(),
  zoom = flatZoom(),
): ImageHashes {
  const all = {} as ImageHashes['variants'];
  for (const t of DIHEDRAL_TRANSFORMS) if (t !== 'identity') all[t] = variants[t] ?? randomTriple();
  return { ...identity, variants: all, tilt, zoom };
}

function near(triple: HashTriple, bits: number): HashTriple {
  return {
    phash: flipBits(triple.phash, bits, random),
    dhash: flipBits(triple.dhash, bits, random),
    blockhash: flipBits(triple.blockhash, bits, random),
  };
}

const strict = { phash: 12, dhash: 12, blockhash: 12, minAgreeing: 2 as const, linkScale: 1 };

describe('findNearDuplicateGroups', () => {
  it('groups near copies with evidence and leaves other images alone', () => {
    const base = randomTriple();
    const items: DedupItem[] = [
      { id: 10, hashes: imageHashes(base) },
      { id: 11, hashes: imageHashes(near(base, 4)) },
      { id: 12, hashes: imageHashes(randomTriple()) },
    ];
    const groups = findNearDuplicateGroups(items, strict);
    expect(groups.map((g) => g.ids)).toEqual([[10, 11]]);
    const pair = groups[0]?.pairs[0];
    expect(pair).toMatchObject({
      a: 10,
      b: 11,
      transform: 'identity',
      distances: { phash: 4, dhash: 4, blockhash: 4 },
      agreeing: ['phash', 'dhash', 'blockhash'],
    });
  });

  it('needs minAgreeing hashes to agree', () => {
    const base = randomTriple();
    const onlyPhash: HashTriple = { ...randomTriple(), phash: flipBits(base.phash, 2, random) };
    const items = [
      { id: 1, hashes: imageHashes(base) },
      { id: 2, hashes: imageHashes(onlyPhash) },
    ];
    expect(findNearDuplicateGroups(items, strict)).toEqual([]);
    expect(findNearDuplicateGroups(items, { ...strict, minAgreeing: 1 }).map((g) => g.ids)).toEqual([[1, 2]]);
  });

  it.each(['hflip', 'rot90', 'rot270', 'rot180'] as const)(
    'matches a %s copy through the variant hashes and names the transform',
    (transform) => {
      const original = randomTriple();
      const transformed = randomTriple();
      const items = [
        { id: 1, hashes: imageHashes(original, { [transform]: near(transformed, 2) }) },
        { id: 2, hashes: imageHashes(transformed) },
      ];
      const groups = findNearDuplicateGroups(items, strict);
      expect(groups.map((g) => g.ids)).toEqual([[1, 2]]);
      expect(groups[0]?.pairs[0]?.transform).toBe(transform);
      expect(findNearDuplicateGroups(items, { ...strict, matchTransforms: false })).toEqual([]);
    },
  );

  it('reports the inverse transform when the ids come in the other order', () => {
    const original = randomTriple();
    const rotated = randomTriple();
    // id 2 is the original, id 1 its clockwise rotation: so 2 = rot270(1).
    const items = [
      { id: 2, hashes: imageHashes(original, { rot90: rotated }) },
      { id: 1, hashes: imageHashes(rotated) },
    ];
    expect(findNearDuplicateGroups(items, strict)[0]?.pairs[0]).toMatchObject({
      a: 1,
      b: 2,
      transform: 'rot270',
    });
  });

  it('matches a copy turned by an arbitrary angle through the tilt probes', () => {
    const a = randomTilt();
    const b = randomTilt();
    // b = a turned by 30°: b's probe at −30° shows what a's unturned 30° box shows, and a's probe at
    // +30° what b's box shows (real images have both; the search relies on it).
    const probeB = b.probes.find((p) => p.angle === -30);
    const probeA = a.probes.find((p) => p.angle === 30);
    const boxA = a.cropped[30];
    const boxB = b.cropped[30];
    if (!probeA || !probeB || !boxA || !boxB) throw new Error('probe missing');
    probeB.rotated = { phash: flipBits(boxA.phash, 3, random), dhash: flipBits(boxA.dhash, 2, random) };
    probeA.rotated = { phash: flipBits(boxB.phash, 3, random), dhash: flipBits(boxB.dhash, 2, random) };
    const items = [
      { id: 1, hashes: imageHashes(randomTriple(), {}, a) },
      { id: 2, hashes: imageHashes(randomTriple(), {}, b) },
    ];
    const groups = findNearDuplicateGroups(items, strict);
    expect(groups.map((g) => g.ids)).toEqual([[1, 2]]);
    expect(groups[0]?.pairs[0]).toMatchObject({
      transform: 'identity',
      tiltDegrees: 30,
      distances: { phash: 3, dhash: 2 },
      agreeing: [],
    });
    expect(findNearDuplicateGroups(items, { ...strict, tiltPhash: -1 })).toEqual([]);
    expect(findNearDuplicateGroups(items, { ...strict, tiltDhash: 1 })).toEqual([]);
  });

  it('rejects a hash match whose zoom boxes differ, under the matched transform', () => {
    const original = randomTriple();
    const flipped = randomTriple();
    const zoomA = DIHEDRAL_TRANSFORMS.map(() => ZOOM_SCALES.map(() => randomHash(random)));
    const hflip = DIHEDRAL_TRANSFORMS.indexOf('hflip');
    // B = hflip(A): B's plain zoom boxes are A's hflip boxes, 5 bits off per box (40 in total).
    const zoomB = DIHEDRAL_TRANSFORMS.map(() => ZOOM_SCALES.map(() => randomHash(random)));
    zoomB[0] = (zoomA[hflip] ?? []).map((h) => flipBits(h, 5, random));
    const items = [
      { id: 1, hashes: imageHashes(original, { hflip: near(flipped, 2) }, randomTilt(), zoomA) },
      { id: 2, hashes: imageHashes(flipped, {}, randomTilt(), zoomB) },
    ];
    expect(findNearDuplicateGroups(items, { ...strict, zoom: 40 }).map((g) => g.ids)).toEqual([[1, 2]]);
    expect(findNearDuplicateGroups(items, { ...strict, zoom: 39 })).toEqual([]);
    // Same hashes, but the zoom boxes of another photo with the same layout: rejected unless the check is off.
    const other = {
      id: 2,
      hashes: imageHashes(
        flipped,
        {},
        randomTilt(),
        DIHEDRAL_TRANSFORMS.map(() => ZOOM_SCALES.map(() => randomHash(random))),
      ),
    };
    expect(findNearDuplicateGroups([items[0] as DedupItem, other], strict)).toEqual([]);
    expect(
      findNearDuplicateGroups([items[0] as DedupItem, other], { ...strict, zoom: -1 }).map((g) => g.ids),
    ).toEqual([[1, 2]]);
  });

  it('does not chain A≈B≈C into one group when A and C differ (complete link)', () => {
    const a = randomTriple();
    const b = near(a, 9);
    const c = near(b, 9);
    const items = [a, b, c].map((h, i) => ({ id: i + 1, hashes: imageHashes(h) }));
    expect(hammingDistance(a.phash, c.phash)).toBeGreaterThan(12);
    const groups = findNearDuplicateGroups(items, strict);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.ids).toHaveLength(2);
    expect(findNearDuplicateGroups(items, { ...strict, linkScale: Infinity }).map((g) => g.ids)).toEqual([
      [1, 2, 3],
    ]);
  });

  it('never puts a "not a duplicate" pair in one group', () => {
    const base = randomTriple();
    const items = [1, 2, 3, 4].map((id) => ({ id, hashes: imageHashes(near(base, 1)) }));
    const all = findNearDuplicateGroups(items, strict);
    expect(all.map((g) => g.ids)).toEqual([[1, 2, 3, 4]]);
    const split = findNearDuplicateGroups(items, { ...strict, notDuplicate: [[1, 3]] });
    for (const g of split) expect(g.ids.includes(1) && g.ids.includes(3)).toBe(false);
    // 3 cannot join {1, 2, 4} because of 1, and stays alone.
    expect(split.map((g) => g.ids)).toEqual([[1, 2, 4]]);
  });

  it('finds the same components as the brute-force pair rule (single link, 3000 items)', () => {
    const items: DedupItem[] = [];
    const triples: HashTriple[] = [];
    while (items.length < 3000) {
      const centre = randomTriple();
      const copies = 1 + Math.floor(random() * 4);
      for (let c = 0; c < copies; c++) {
        const t = c === 0 ? centre : near(centre, Math.floor(random() * 16));
        triples.push(t);
        items.push({ id: items.length * 3 + 7, hashes: imageHashes(t) });
      }
    }
    const options = {
      phash: 12,
      dhash: 10,
      blockhash: 11,
      minAgreeing: 2 as const,
      matchTransforms: false,
      linkScale: Infinity,
    };
    const sets = new UnionFind(items.length);
    const limits = [options.phash, options.dhash, options.blockhash];
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const ti = triples[i] as HashTriple;
        const tj = triples[j] as HashTriple;
        const ds = [
          hammingDistance(ti.phash, tj.phash),
          hammingDistance(ti.dhash, tj.dhash),
          hammingDistance(ti.blockhash, tj.blockhash),
        ];
        if (ds.filter((d, k) => d <= (limits[k] ?? 0)).length >= 2) sets.union(i, j);
      }
    }
    const expected = new Map<number, number[]>();
    items.forEach((item, i) => expected.set(sets.find(i), [...(expected.get(sets.find(i)) ?? []), item.id]));
    const expectedGroups = [...expected.values()]
      .filter((g) => g.length > 1)
      .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
    expect(expectedGroups.length).toBeGreaterThan(100);
    expect(findNearDuplicateGroups(items, options).map((g) => g.ids)).toEqual(expectedGroups);
  });

  it('finds the same components as the brute-force rule with variants and tilt probes (single link)', () => {
    // Indexed variants/probes queried with plain hashes/boxes must find every pair that the rule
    // accepts; here the rule is checked on every pair, with every transform from both sides.
    const items: DedupItem[] = [];
    while (items.length < 300) {
      const base = randomTriple();
      items.push({ id: items.length, hashes: imageHashes(base) });
      const kind = random();
      if (kind < 0.3) {
        // A flipped/rotated copy: some variant of the original is near the copy's plain hashes.
        const t = DIHEDRAL_TRANSFORMS[1 + Math.floor(random() * 7)] ?? 'hflip';
        const copy = randomTriple();
        const original = items[items.length - 1];
        if (original && t !== 'identity') original.hashes.variants[t] = near(copy, Math.floor(random() * 14));
        items.push({ id: items.length, hashes: imageHashes(copy) });
      } else if (kind < 0.5) {
        // A copy turned by some angle: one probe of the copy is near the original's box. Unmirrored
        // probes only at θ > 0: the search relies on a real turned pair showing at +φ on one side
        // (see grouping.ts), and this planted pair has only one side.
        const original = items[items.length - 1];
        const tilt = randomTilt();
        const mirrored = random() < 0.5;
        const choices = tilt.probes.filter((p) => mirrored || p.angle > 0);
        const probe = choices[Math.floor(random() * choices.length)];
        const box = original?.hashes.tilt.cropped[Math.abs(probe?.angle ?? 6)];
        if (probe && box) {
          const turned = {
            phash: flipBits(box.phash, Math.floor(random() * 11), random),
            dhash: flipBits(box.dhash, Math.floor(random() * 11), random),
          };
          if (mirrored) probe.rotatedMirrored = turned;
          else probe.rotated = turned;
        }
        items.push({ id: items.length, hashes: imageHashes(randomTriple(), {}, tilt) });
      }
    }
    const options = {
      phash: 12,
      dhash: 10,
      blockhash: 11,
      minAgreeing: 2 as const,
      tiltPhash: 8,
      tiltDhash: 8,
      linkScale: Infinity,
    };
    const limits = [options.phash, options.dhash, options.blockhash];
    const agrees = (a: HashTriple, b: HashTriple): boolean =>
      [
        hammingDistance(a.phash, b.phash),
        hammingDistance(a.dhash, b.dhash),
        hammingDistance(a.blockhash, b.blockhash),
      ].filter((d, k) => d <= (limits[k] ?? 0)).length >= 2;
    const variantsOf = (h: ImageHashes): HashTriple[] => [
      h,
      ...DIHEDRAL_TRANSFORMS.filter((t) => t !== 'identity').map((t) => h.variants[t]),
    ];
    const tilted = (a: ImageHashes, b: ImageHashes): boolean =>
      a.tilt.probes.some((p) => {
        const box = b.tilt.cropped[Math.abs(p.angle)];
        return (
          !!box &&
          [p.rotated, p.rotatedMirrored].some(
            (h) =>
              hammingDistance(h.phash, box.phash) <= options.tiltPhash &&
              hammingDistance(h.dhash, box.dhash) <= options.tiltDhash,
          )
        );
      });
    const sets = new UnionFind(items.length);
    let planted = 0;
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i]?.hashes;
        const b = items[j]?.hashes;
        if (!a || !b) continue;
        if (
          variantsOf(a).some((v) => agrees(v, b)) ||
          variantsOf(b).some((v) => agrees(v, a)) ||
          tilted(a, b) ||
          tilted(b, a)
        ) {
          sets.union(i, j);
          planted++;
        }
      }
    }
    const expected = new Map<number, number[]>();
    items.forEach((item, i) => expected.set(sets.find(i), [...(expected.get(sets.find(i)) ?? []), item.id]));
    const expectedGroups = [...expected.values()]
      .filter((g) => g.length > 1)
      .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
    expect(planted).toBeGreaterThan(40);
    expect(findNearDuplicateGroups(items, options).map((g) => g.ids)).toEqual(expectedGroups);
  });

  it('rejects bad input with the expected and received values', () => {
    const h = imageHashes(randomTriple());
    expect(() =>
      findNearDuplicateGroups([
        { id: 1, hashes: h },
        { id: 1, hashes: h },
      ]),
    ).toThrow(/unique ids but received 1 twice/);
    expect(() => findNearDuplicateGroups([], { phash: 70 })).toThrow(/-1\.\.64 for phash but received 70/);
    expect(() => findNearDuplicateGroups([], { linkScale: 0.5 })).toThrow(/linkScale but received 0.5/);
    expect(() => findNearDuplicateGroups([], { zoom: 600 })).toThrow(/-1\.\.512 for zoom but received 600/);
  });
});

describe('grouping at scale', () => {
  it('groups 5k images (8 variants and 32 tilt probes each) in reasonable time', () => {
    const items: DedupItem[] = [];
    while (items.length < 5_000) {
      const t = randomTriple();
      items.push({ id: items.length, hashes: imageHashes(t) });
      if (random() < 0.05) items.push({ id: items.length, hashes: imageHashes(near(t, 3)) });
    }
    const started = performance.now();
    const groups = findNearDuplicateGroups(items);
    const elapsed = performance.now() - started;
    expect(groups.length).toBeGreaterThan(200);
    expect(groups.every((g) => g.ids.length === 2 && (g.ids[1] ?? 0) - (g.ids[0] ?? 0) === 1)).toBe(true);
    expect(elapsed).toBeLessThan(60_000);
  }, 120_000);
});
