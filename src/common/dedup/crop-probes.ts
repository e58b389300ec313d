/**
 * Candidates for crops the global hashes miss (up to ~15 % off each side, not centred). Each
 * image is queried once with the pHash of its central box (60 % of each side); each image is
 * indexed with the pHashes of smaller boxes at several offsets, which is where the central box of a
 * crop of it lies. Then A's index holds B's query box whenever B is a crop of A, whichever of the
 * two is scanned first. Computed from the content signature's 32×32 luma at grouping time.
 */
import { CONTENT_SIZE, type ContentMatch, type ContentSignature } from './content';
import { transformGrid, type DihedralTransform } from './dihedral';
import { hammingDistance, type Hash64 } from './hash64';
import { lowFrequencyDct, PHASH_INPUT_SIZE, phashFromDct } from './perceptual';

/** Side of the query box, as a share of the frame. */
const QUERY = 0.6;
/**
 * Per axis, the (side, centre offset) of the index boxes: a crop keeping share s of a side sees the
 * query box of side 0.6 at side 0.6·s of the original, its centre within ±(1 − s)/2 of the middle
 * (and within ±(0.3 − (1 − s))/2 when no side loses more than 15 %). Sides step by ~13 % (s = 1,
 * 0.94, 0.83, 0.73), the steps pHash of a box tolerates. Chosen per axis, because a crop seldom
 * keeps the same share of the width and of the height: square boxes missed those (a crop of 25 %
 * of the width and 12 % of the height was 12 bits from the nearest square box).
 */
const AXIS_BOXES: ReadonlyArray<readonly [number, number]> = [
  [QUERY, 0],
  [0.565, -0.03],
  [0.565, 0],
  [0.565, 0.03],
  [0.5, -0.07],
  [0.5, -0.035],
  [0.5, 0],
  [0.5, 0.035],
  [0.5, 0.07],
  [0.44, -0.035],
  [0.44, 0],
  [0.44, 0.035],
];
/** Index boxes (side x, side y, centre offset x, y); the first is the query box itself. */
const INDEX_BOXES: ReadonlyArray<readonly [number, number, number, number]> = AXIS_BOXES.flatMap(([sy, dy]) =>
  AXIS_BOXES.map(([sx, dx]) => [sx, sy, dx, dy] as const),
);

/** Number of index boxes per image (the length of `CropProbes.index`). */
export const CROP_INDEX_BOXES = INDEX_BOXES.length;

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
 * The alignments implied by the `count` closest probe matches, closest first: B's query box found
 * among A's index boxes (B a crop of A), or A's among B's (A a crop of B). Starting points for the
 * content search, which a caption bar or a watermark can throw off when it starts from profiles
 * alone. No distance limit: a start that does not fit only costs one score.
 */
export function probeAlignments(a: CropProbes, b: CropProbes, count: number): Alignment[] {
  const found: Array<{ d: number; alignment: Alignment }> = [];
  INDEX_BOXES.forEach(([sideX, sideY, dx, dy], k) => {
    const sx = sideX / QUERY;
    const sy = sideY / QUERY;
    found.push({
      d: hammingDistance(b.query, a.index[k] ?? 0n),
      alignment: { sx, ox: 0.5 + dx - 0.5 * sx, sy, oy: 0.5 + dy - 0.5 * sy },
    });
    found.push({
      d: hammingDistance(a.query, b.index[k] ?? 0n),
      alignment: { sx: 1 / sx, ox: 0.5 - (0.5 + dx) / sx, sy: 1 / sy, oy: 0.5 - (0.5 + dy) / sy },
    });
  });
  found.sort((x, y) => x.d - y.d);
  return found.slice(0, count).map((f) => f.alignment);
}

export function cropProbes(c: ContentSignature): CropProbes {
  return {
    query: boxHash(c.luma, QUERY, QUERY, 0, 0),
    index: INDEX_BOXES.map(([sx, sy, dx, dy]) => boxHash(c.luma, sx, sy, dx, dy)),
  };
}

/**
 * pHash distance between the part of B's frame that lies on A at the match's alignment (less the
 * band the agreement left out) and that part of A: the same picture gives the same low
 * frequencies there, while two different photos that agree on their sparse edges (two people on
 * one studio wall) do not.
 */
export function alignedPhashDistance(
  a: ContentSignature,
  b: ContentSignature,
  m: ContentMatch,
  transform: DihedralTransform = 'identity',
): number {
  let u0 = Math.max(0, -m.ox / m.sx);
  let u1 = Math.min(1, (1 - m.ox) / m.sx);
  let v0 = Math.max(0, -m.oy / m.sy);
  let v1 = Math.min(1, (1 - m.oy) / m.sy);
  if (m.leftOut) {
    const [x0, y0, x1, y1] = m.leftOut;
    // An edge band: what remains of the frame is still a rectangle.
    if (x1 - x0 < 1) {
      if (x0 <= 0) u0 = Math.max(u0, x1);
      else u1 = Math.min(u1, x0);
    } else if (y0 <= 0) v0 = Math.max(v0, y1);
    else v1 = Math.min(v1, y0);
  }
  if (u1 - u0 < 0.2 || v1 - v0 < 0.2) return 64;
  const hb = rectHash(b.luma, u0, v0, u1 - u0, v1 - v0);
  const lumaA =
    transform === 'identity' ? a.luma : transformGrid(a.luma, CONTENT_SIZE, CONTENT_SIZE, transform).data;
  const ha = rectHash(lumaA, m.ox + m.sx * u0, m.oy + m.sy * v0, m.sx * (u1 - u0), m.sy * (v1 - v0));
  return hammingDistance(ha, hb);
}

const box = new Float64Array(PHASH_INPUT_SIZE * PHASH_INPUT_SIZE);

/** pHash of the box of sides (sideX, sideY) centred at (0.5 + dx, 0.5 + dy), bilinear from the luma grid. */
function boxHash(luma: ArrayLike<number>, sideX: number, sideY: number, dx: number, dy: number): Hash64 {
  return rectHash(luma, 0.5 + dx - sideX / 2, 0.5 + dy - sideY / 2, sideX, sideY);
}

/** pHash of the rectangle (left, top, width, height in frame units), bilinear from the luma grid. */
function rectHash(luma: ArrayLike<number>, left: number, top: number, width: number, height: number): Hash64 {
  const n = CONTENT_SIZE;
  const m = PHASH_INPUT_SIZE;
  const x0 = left * n - 0.5;
  const y0 = top * n - 0.5;
  const stepX = (width * n) / m;
  const stepY = (height * n) / m;
  for (let y = 0; y < m; y++) {
    const sy = Math.max(0, Math.min(n - 1, y0 + (y + 0.5) * stepY));
    const iy = Math.min(n - 2, Math.floor(sy));
    const fy = sy - iy;
    for (let x = 0; x < m; x++) {
      const sx = Math.max(0, Math.min(n - 1, x0 + (x + 0.5) * stepX));
      const ix = Math.min(n - 2, Math.floor(sx));
      const fx = sx - ix;
      const top = (luma[iy * n + ix] ?? 0) * (1 - fx) + (luma[iy * n + ix + 1] ?? 0) * fx;
      const bottom = (luma[(iy + 1) * n + ix] ?? 0) * (1 - fx) + (luma[(iy + 1) * n + ix + 1] ?? 0) * fx;
      box[y * m + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return phashFromDct(lowFrequencyDct(box));
}
