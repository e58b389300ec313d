/**
 * Candidates for crops the global hashes miss (up to ~15 % off each side, not centred). Each
 * image is queried once with the pHash of its central box (60 % of each side); each image is
 * indexed with the pHashes of smaller boxes at several offsets, which is where the central box of a
 * crop of it lies. Then A's index holds B's query box whenever B is a crop of A, whichever of the
 * two is scanned first. Computed from the content signature's 32×32 luma at grouping time.
 */
import { CONTENT_SIZE, type ContentSignature } from './content';
import { hammingDistance, type Hash64 } from './hash64';
import { lowFrequencyDct, PHASH_INPUT_SIZE, phashFromDct } from './perceptual';

/** Side of the query box, as a share of the frame. */
const QUERY = 0.6;
/**
 * Index boxes (side, centre offsets): a crop keeping share s of each side sees the query box of side
 * 0.6 at side 0.6·s of the original, its centre within ±(1 − s)/2 of the middle.
 */
const INDEX_BOXES: ReadonlyArray<readonly [number, number, number]> = (() => {
  const boxes: Array<[number, number, number]> = [[QUERY, 0, 0]];
  for (const [side, offsets] of [
    [0.53, [-0.06, -0.03, 0, 0.03, 0.06]],
    [0.46, [-0.1, -0.05, 0, 0.05, 0.1]],
  ] as const)
    for (const dy of offsets) for (const dx of offsets) boxes.push([side, dx, dy]);
  return boxes;
})();

export interface CropProbes {
  query: Hash64;
  index: Hash64[];
}

/** Where B's frame lies in A (u_A = o + s·u_B per axis). */
export interface Alignment {
  sx: number;
  ox: number;
  sy: number;
  oy: number;
}

/**
 * The alignment implied by the closest probe match within `radius` bits: B's query box found among
 * A's index boxes (B a crop of A), or A's among B's (A a crop of B). A starting point for the
 * content search, which a caption bar can throw off when it starts from profiles alone.
 */
export function probeAlignment(a: CropProbes, b: CropProbes, radius: number): Alignment | null {
  let best: { d: number; alignment: Alignment } | null = null;
  const consider = (d: number, alignment: Alignment): void => {
    if (d <= radius && (!best || d < best.d)) best = { d, alignment };
  };
  INDEX_BOXES.forEach(([side, dx, dy], k) => {
    const s = side / QUERY;
    consider(hammingDistance(b.query, a.index[k] ?? 0n), { sx: s, ox: 0.5 + dx - 0.5 * s, sy: s, oy: 0.5 + dy - 0.5 * s });
    const inv = QUERY / side;
    consider(hammingDistance(a.query, b.index[k] ?? 0n), { sx: inv, ox: 0.5 - (0.5 + dx) * inv, sy: inv, oy: 0.5 - (0.5 + dy) * inv });
  });
  return (best as { d: number; alignment: Alignment } | null)?.alignment ?? null;
}

export function cropProbes(c: ContentSignature): CropProbes {
  return { query: boxHash(c.luma, QUERY, 0, 0), index: INDEX_BOXES.map(([side, dx, dy]) => boxHash(c.luma, side, dx, dy)) };
}

const box = new Float64Array(PHASH_INPUT_SIZE * PHASH_INPUT_SIZE);

/** pHash of the box of `side` centred at (0.5 + dx, 0.5 + dy), bilinear from the luma grid. */
function boxHash(luma: Uint8Array, side: number, dx: number, dy: number): Hash64 {
  const n = CONTENT_SIZE;
  const m = PHASH_INPUT_SIZE;
  const x0 = (0.5 + dx - side / 2) * n - 0.5;
  const y0 = (0.5 + dy - side / 2) * n - 0.5;
  const step = (side * n) / m;
  for (let y = 0; y < m; y++) {
    const sy = Math.max(0, Math.min(n - 1, y0 + (y + 0.5) * step));
    const iy = Math.min(n - 2, Math.floor(sy));
    const fy = sy - iy;
    for (let x = 0; x < m; x++) {
      const sx = Math.max(0, Math.min(n - 1, x0 + (x + 0.5) * step));
      const ix = Math.min(n - 2, Math.floor(sx));
      const fx = sx - ix;
      const top = (luma[iy * n + ix] ?? 0) * (1 - fx) + (luma[iy * n + ix + 1] ?? 0) * fx;
      const bottom = (luma[(iy + 1) * n + ix] ?? 0) * (1 - fx) + (luma[(iy + 1) * n + ix + 1] ?? 0) * fx;
      box[y * m + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return phashFromDct(lowFrequencyDct(box));
}
