/**
 * BlazeFace post-processing in TS: anchors, box/keypoint decoding, tiling plan and weighted NMS
 * (scores blend overlapping boxes, as MediaPipe does, instead of keeping only the best one).
 */
export const BLAZEFACE_INPUT = 256;
const KEYPOINTS = 6;

export interface Anchor {
  x: number;
  y: number;
}

/** Anchor centres (input pixels) for the back model: 16x16 grid x2, then 8x8 grid x6. */
export function blazefaceBackAnchors(inputSize = BLAZEFACE_INPUT, strides: readonly number[] = [16, 32], perCell: readonly number[] = [2, 6], offset = 0.5): Anchor[][] {
  return strides.map((stride, k) => {
    const grid = Math.ceil(inputSize / stride);
    const out: Anchor[] = [];
    for (let y = 0; y < grid; y++) for (let x = 0; x < grid; x++) for (let a = 0; a < (perCell[k] ?? 1); a++) out.push({ x: (x + offset) * stride, y: (y + offset) * stride });
    return out;
  });
}

/** A square window of the image fed to the detector. */
export interface Tile {
  x: number;
  y: number;
  side: number;
}

export interface TilePlanOptions {
  /** Margin around the whole image in the first (global) tile, as a fraction of the long side. */
  globalMargin: number;
  /** Extra tile grids: number of tiles along the long side for each level (e.g. [2] or [2, 3]). */
  gridLevels: readonly number[];
  /** Overlap between neighbouring tiles as a fraction of the tile side. */
  overlap: number;
}

export const DEFAULT_TILE_PLAN: TilePlanOptions = { globalMargin: 0.125, gridLevels: [2], overlap: 0.25 };

export function planTiles(width: number, height: number, o: TilePlanOptions = DEFAULT_TILE_PLAN): Tile[] {
  const long = Math.max(width, height);
  const side0 = long * (1 + 2 * o.globalMargin);
  const tiles: Tile[] = [{ x: (width - side0) / 2, y: (height - side0) / 2, side: side0 }];
  for (const n of o.gridLevels) {
    if (n < 2) continue;
    const side = long / (n - (n - 1) * o.overlap);
    // Tiles smaller than the detector input would only upsample: the global tile already sees those faces.
    if (side < BLAZEFACE_INPUT) continue;
    const axis = (len: number): number[] => {
      if (len <= side) return [(len - side) / 2];
      const count = Math.ceil((len - side) / (side * (1 - o.overlap))) + 1;
      return Array.from({ length: count }, (_, k) => (k * (len - side)) / (count - 1));
    };
    for (const ty of axis(height)) for (const tx of axis(width)) tiles.push({ x: tx, y: ty, side });
  }
  return tiles;
}

export interface FaceCandidate {
  /** x1, y1, x2, y2 in image pixels. */
  box: [number, number, number, number];
  score: number;
  keypoints: Array<[number, number]>;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Decodes one tile's raw outputs (one grid at a time) into image-space candidates above minScore.
 * Candidates that run over a tile edge lying inside the image are dropped: a neighbouring tile or
 * the global tile sees that face whole.
 */
export function decodeTile(
  grids: ReadonlyArray<{ scores: Float32Array; boxes: Float32Array; anchors: readonly Anchor[]; offset: number }>,
  tile: Tile,
  image: { width: number; height: number },
  minScore: number,
  inputSize = BLAZEFACE_INPUT,
): FaceCandidate[] {
  const out: FaceCandidate[] = [];
  const k = tile.side / inputSize;
  const minLogit = Math.log(minScore / (1 - minScore));
  const edge = 2 * k;
  for (const g of grids) {
    for (let i = 0; i < g.anchors.length; i++) {
      const logit = g.scores[g.offset / 16 + i] ?? -Infinity;
      if (logit < minLogit) continue;
      const a = g.anchors[i] as Anchor;
      const r = g.offset + i * 16;
      const b = g.boxes;
      const cx = a.x + (b[r] ?? 0);
      const cy = a.y + (b[r + 1] ?? 0);
      const w = b[r + 2] ?? 0;
      const h = b[r + 3] ?? 0;
      if (w <= 0 || h <= 0) continue;
      const box: [number, number, number, number] = [tile.x + (cx - w / 2) * k, tile.y + (cy - h / 2) * k, tile.x + (cx + w / 2) * k, tile.y + (cy + h / 2) * k];
      const interiorCut =
        (box[0] < tile.x + edge && tile.x > 0) ||
        (box[1] < tile.y + edge && tile.y > 0) ||
        (box[2] > tile.x + tile.side - edge && tile.x + tile.side < image.width) ||
        (box[3] > tile.y + tile.side - edge && tile.y + tile.side < image.height);
      if (interiorCut) continue;
      const keypoints: Array<[number, number]> = [];
      for (let p = 0; p < KEYPOINTS; p++) keypoints.push([tile.x + (a.x + (b[r + 4 + 2 * p] ?? 0)) * k, tile.y + (a.y + (b[r + 5 + 2 * p] ?? 0)) * k]);
      out.push({ box, score: sigmoid(logit), keypoints });
    }
  }
  return out;
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const [ax1 = 0, ay1 = 0, ax2 = 0, ay2 = 0] = a;
  const [bx1 = 0, by1 = 0, bx2 = 0, by2 = 0] = b;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter);
}

/** Weighted NMS: each cluster (IoU > threshold with its best member) becomes a score-weighted average. */
export function weightedNms(candidates: readonly FaceCandidate[], iouThreshold = 0.3): FaceCandidate[] {
  const rest = [...candidates].sort((a, b) => b.score - a.score);
  const out: FaceCandidate[] = [];
  while (rest.length) {
    const best = rest[0] as FaceCandidate;
    const cluster: FaceCandidate[] = [];
    for (let i = rest.length - 1; i >= 0; i--) {
      const c = rest[i] as FaceCandidate;
      if (iou(best.box, c.box) > iouThreshold) {
        cluster.push(c);
        rest.splice(i, 1);
      }
    }
    const total = cluster.reduce((s, c) => s + c.score, 0);
    const box = [0, 1, 2, 3].map((j) => cluster.reduce((s, c) => s + c.box[j as 0] * c.score, 0) / total) as [number, number, number, number];
    const keypoints = best.keypoints.map((_, p) => [0, 1].map((j) => cluster.reduce((s, c) => s + (c.keypoints[p]?.[j] ?? 0) * c.score, 0) / total) as [number, number]);
    out.push({ box, score: best.score, keypoints });
  }
  return out;
}
