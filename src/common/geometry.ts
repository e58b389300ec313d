/**
 * Boxes. Sift has one convention outside the detectors: a `Rect` is [x, y, width, height] in
 * pixels (what SQLite stores, what the contract carries). Detectors work in corners
 * ([x1, y1, x2, y2], `Corners`) because that is what anchors decode to; they convert at their edge.
 */
export type Rect = [x: number, y: number, width: number, height: number];
export type Corners = [x1: number, y1: number, x2: number, y2: number];

export function rectFromCorners(c: Readonly<Corners>): Rect {
  const [x1, y1, x2, y2] = c;
  return [x1, y1, x2 - x1, y2 - y1];
}

/** Intersection over union of two boxes given as corners (0 when they do not overlap). */
export function iouCorners(
  a: Readonly<Corners> | readonly number[],
  b: Readonly<Corners> | readonly number[],
): number {
  const [ax1 = 0, ay1 = 0, ax2 = 0, ay2 = 0] = a;
  const [bx1 = 0, by1 = 0, bx2 = 0, by2 = 0] = b;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter);
}

/** Intersection over union of two `Rect`s. */
export function iou(a: Readonly<Rect>, b: Readonly<Rect>): number {
  return iouCorners([a[0], a[1], a[0] + a[2], a[1] + a[3]], [b[0], b[1], b[0] + b[2], b[1] + b[3]]);
}
