/**
 * The 8 symmetries of a rectangle (identity, flips, rotations by 90/180/270, transposes).
 * A transform names what was done to image A to obtain image B; comparing `variant(A)` with `B`
 * makes the hashes invariant to it.
 */
export const DIHEDRAL_TRANSFORMS = [
  'identity',
  'hflip',
  'vflip',
  'rot180',
  'transpose',
  'rot90',
  'rot270',
  'transverse',
] as const;
export type DihedralTransform = (typeof DIHEDRAL_TRANSFORMS)[number];

/** Transforms that swap width and height. */
export function swapsAxes(transform: DihedralTransform): boolean {
  return (
    transform === 'transpose' || transform === 'rot90' || transform === 'rot270' || transform === 'transverse'
  );
}

/**
 * Applies `transform` to a single-channel grid of `width`×`height` (row-major). The output has
 * size height×width when the transform swaps axes. rot90 is clockwise.
 */
export function transformGrid(
  grid: ArrayLike<number>,
  width: number,
  height: number,
  transform: DihedralTransform,
): { data: Float64Array; width: number; height: number } {
  const swap = swapsAxes(transform);
  const outW = swap ? height : width;
  const outH = swap ? width : height;
  const out = new Float64Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const [sx, sy] = dihedralSource(transform, x, y, width, height);
      out[y * outW + x] = grid[sy * width + sx] ?? 0;
    }
  }
  return { data: out, width: outW, height: outH };
}

/** Source pixel of output pixel (x, y) of a transformed `w`×`h` grid. */
export function dihedralSource(
  transform: DihedralTransform,
  x: number,
  y: number,
  w: number,
  h: number,
): [number, number] {
  switch (transform) {
    case 'identity':
      return [x, y];
    case 'hflip':
      return [w - 1 - x, y];
    case 'vflip':
      return [x, h - 1 - y];
    case 'rot180':
      return [w - 1 - x, h - 1 - y];
    case 'transpose':
      return [y, x];
    case 'rot90':
      return [y, h - 1 - x];
    case 'rot270':
      return [w - 1 - y, x];
    case 'transverse':
      return [w - 1 - y, h - 1 - x];
  }
}

/**
 * How a transform acts on 2-D DCT-II coefficients C(u, v) (u horizontal, v vertical frequency) of a
 * square image: optional transpose of (u, v), then a sign (-1)^u for a horizontal mirror and (-1)^v
 * for a vertical one. This is why the pHash of every variant costs 64 multiplications.
 */
export function dctAction(transform: DihedralTransform): {
  transpose: boolean;
  flipU: boolean;
  flipV: boolean;
} {
  switch (transform) {
    case 'identity':
      return { transpose: false, flipU: false, flipV: false };
    case 'hflip':
      return { transpose: false, flipU: true, flipV: false };
    case 'vflip':
      return { transpose: false, flipU: false, flipV: true };
    case 'rot180':
      return { transpose: false, flipU: true, flipV: true };
    case 'transpose':
      return { transpose: true, flipU: false, flipV: false };
    case 'rot90':
      return { transpose: true, flipU: true, flipV: false };
    case 'rot270':
      return { transpose: true, flipU: false, flipV: true };
    case 'transverse':
      return { transpose: true, flipU: true, flipV: true };
  }
}
