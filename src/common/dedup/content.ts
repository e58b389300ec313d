/**
 * Content signature of a photo and the pair verification built on it. Hash distances say that two
 * pictures share their layout; this says whether they show the same pixels: B is aligned onto A
 * (scale and translation per axis, after the pair's flip/rotation), a tone map B ≈ g·A + c is fitted
 * robustly, and the statistic is the share of the *structured* pixels (edges, texture: where either
 * image has detail) that agree. Flat regions (a studio wall, the sky) agree between any two photos
 * taken there, so they are left out; a caption bar or a watermark only spoils the part it covers.
 */
import { transformGrid, type DihedralTransform } from './dihedral';
import { probeScale, sampleBox } from './tilt';

/** Side of the luma grid. */
export const CONTENT_SIZE = 32;
/** Side of the two chroma grids. */
export const CHROMA_SIZE = 16;
export const CONTENT_BYTES = CONTENT_SIZE * CONTENT_SIZE + 2 * CHROMA_SIZE * CHROMA_SIZE + 4 + 2;

export interface ContentSignature {
  /** BT.601 luma, CONTENT_SIZE² (the frame stretched to a square, after border trimming). */
  luma: Uint8Array;
  /** Blue- and red-difference chroma, CHROMA_SIZE², 128 = neutral. */
  cb: Uint8Array;
  cr: Uint8Array;
  /** Uniform border trimmed before hashing, per side (top, right, bottom, left), in 1/255 of the side. */
  border: Uint8Array;
  /** Width / height of the frame the grids were stretched from (rotations need the true shape). */
  aspect: number;
}

/** The aspect ratio as a u16: log2 in 1/4096 steps around 2^15 (ratios 1:256 to 256:1). */
const aspectCode = (aspect: number): number =>
  Math.max(0, Math.min(65535, Math.round(Math.log2(aspect > 0 ? aspect : 1) * 4096 + 32768)));
const aspectOf = (code: number): number => 2 ** ((code - 32768) / 4096);

export function packContent(c: ContentSignature, out: Uint8Array, offset: number): void {
  out.set(c.luma, offset);
  out.set(c.cb, offset + CONTENT_SIZE * CONTENT_SIZE);
  out.set(c.cr, offset + CONTENT_SIZE * CONTENT_SIZE + CHROMA_SIZE * CHROMA_SIZE);
  out.set(c.border, offset + CONTENT_SIZE * CONTENT_SIZE + 2 * CHROMA_SIZE * CHROMA_SIZE);
  const code = aspectCode(c.aspect);
  out[offset + CONTENT_BYTES - 2] = code >> 8;
  out[offset + CONTENT_BYTES - 1] = code & 255;
}

export function unpackContent(blob: Uint8Array, offset: number): ContentSignature {
  const l = CONTENT_SIZE * CONTENT_SIZE;
  const c = CHROMA_SIZE * CHROMA_SIZE;
  return {
    luma: Uint8Array.from(blob.subarray(offset, offset + l)),
    cb: Uint8Array.from(blob.subarray(offset + l, offset + l + c)),
    cr: Uint8Array.from(blob.subarray(offset + l + c, offset + l + 2 * c)),
    border: Uint8Array.from(blob.subarray(offset + l + 2 * c, offset + l + 2 * c + 4)),
    aspect: aspectOf(
      ((blob[offset + CONTENT_BYTES - 2] ?? 128) << 8) | (blob[offset + CONTENT_BYTES - 1] ?? 0),
    ),
  };
}

/**
 * The signature from a size×size RGB thumbnail (floats 0..255, row-major), size a multiple of 32, of
 * a frame of width/height `aspect`.
 */
export function contentSignature(
  rgb: Float64Array,
  size: number,
  border: readonly [number, number, number, number],
  aspect = 1,
): ContentSignature {
  const luma = new Uint8Array(CONTENT_SIZE * CONTENT_SIZE);
  const cb = new Uint8Array(CHROMA_SIZE * CHROMA_SIZE);
  const cr = new Uint8Array(CHROMA_SIZE * CHROMA_SIZE);
  const lf = size / CONTENT_SIZE;
  const cf = size / CHROMA_SIZE;
  const box = (
    f: number,
    gx: number,
    gy: number,
    pick: (r: number, g: number, b: number) => number,
  ): number => {
    let sum = 0;
    for (let y = gy * f; y < (gy + 1) * f; y++)
      for (let x = gx * f; x < (gx + 1) * f; x++) {
        const p = (y * size + x) * 3;
        sum += pick(rgb[p] ?? 0, rgb[p + 1] ?? 0, rgb[p + 2] ?? 0);
      }
    return Math.round(sum / (f * f));
  };
  for (let y = 0; y < CONTENT_SIZE; y++)
    for (let x = 0; x < CONTENT_SIZE; x++)
      luma[y * CONTENT_SIZE + x] = box(lf, x, y, (r, g, b) => 0.299 * r + 0.587 * g + 0.114 * b);
  for (let y = 0; y < CHROMA_SIZE; y++)
    for (let x = 0; x < CHROMA_SIZE; x++) {
      cb[y * CHROMA_SIZE + x] = box(cf, x, y, (r, g, b) => 128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      cr[y * CHROMA_SIZE + x] = box(cf, x, y, (r, g, b) => 128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  return {
    luma,
    cb,
    cr,
    border: Uint8Array.from(border.map((f) => Math.max(0, Math.min(255, Math.round(f * 255))))),
    aspect: aspectOf(aspectCode(aspect)),
  };
}

/** Tolerance of the border test, in 8-bit levels per channel (JPEG ringing along a frame edge). */
const BORDER_TOLERANCE = 14;
/** At most this share of a side is trimmed. */
const MAX_BORDER = 0.25;

/**
 * A uniform frame around the picture (an added white/black border, letterboxing): the fraction of
 * each side (top, right, bottom, left) whose lines all have the corner's colour. Zero when the
 * whole image would go (a flat image has no frame, it *is* the picture).
 */
export function uniformBorder(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
): [number, number, number, number] {
  if (width < 8 || height < 8) return [0, 0, 0, 0];
  const ref = [0, 1, 2].map((c) => data[Math.min(c, channels - 1)] ?? 0);
  const same = (x: number, y: number): boolean => {
    const p = (y * width + x) * channels;
    for (let c = 0; c < 3; c++)
      if (Math.abs((data[p + Math.min(c, channels - 1)] ?? 0) - (ref[c] ?? 0)) > BORDER_TOLERANCE)
        return false;
    return true;
  };
  // A line is border when (almost) every pixel has the frame colour; 1 % slack for JPEG noise.
  const rowIs = (y: number, x0: number, x1: number): boolean => {
    let off = 0;
    for (let x = x0; x < x1; x++) if (!same(x, y) && ++off > (x1 - x0) * 0.01) return false;
    return true;
  };
  const colIs = (x: number, y0: number, y1: number): boolean => {
    let off = 0;
    for (let y = y0; y < y1; y++) if (!same(x, y) && ++off > (y1 - y0) * 0.01) return false;
    return true;
  };
  const maxY = Math.floor(height * MAX_BORDER);
  const maxX = Math.floor(width * MAX_BORDER);
  let top = 0;
  while (top < maxY && rowIs(top, 0, width)) top++;
  let bottom = 0;
  while (bottom < maxY && rowIs(height - 1 - bottom, 0, width)) bottom++;
  let left = 0;
  while (left < maxX && colIs(left, top, height - bottom)) left++;
  let right = 0;
  while (right < maxX && colIs(width - 1 - right, top, height - bottom)) right++;
  // Only a frame on all four sides is a border: one flat side is the scene (sky, a studio wall),
  // and trimming it would make hashes depend on how far the subject is from that edge.
  if (top === 0 || bottom === 0 || left === 0 || right === 0) return [0, 0, 0, 0];
  if (top === maxY && bottom === maxY && left === maxX && right === maxX) return [0, 0, 0, 0];
  // An added frame has one width all round; what lies beyond the narrowest side is background of
  // the frame's colour (a white frame on a white studio wall ran 5 % deep at the feet and 20 % at
  // the sides), and trimming it made the framed copy a tight crop of its original.
  const frame = Math.min(top, bottom, left, right);
  return [frame / height, frame / width, frame / height, frame / width];
}

export interface ContentMatch {
  /** Share of structured pixels that agree after alignment and tone fit (0..1). */
  agreement: number;
  /** The agreement needed a band along an edge left out (a caption bar, a banner). */
  overlay: boolean;
  /** The band left out of the agreement, in B's frame (0..1: x0, y0, x1, y1); null when none was. */
  leftOut: readonly [number, number, number, number] | null;
  /** Structured pixels in the overlap. */
  structured: number;
  /** Where B's frame lies in (transformed) A: u_A = ox + sx·u_B, in frame units. */
  sx: number;
  sy: number;
  ox: number;
  oy: number;
  /** Tone map B ≈ gain·A + offset on luma. */
  gain: number;
  offset: number;
  /** Both images flat: compared on mean colour only. */
  flat: boolean;
  /** Hue agreement of coloured cells (1 when either image is grey). */
  hue: number;
}

export interface ContentLimits {
  /** Least agreement of structured pixels. */
  agreement: number;
  /**
   * Smallest share of a side that a crop may keep (the alignment tries scales from this to its
   * inverse). Pairs found by the global hashes are near-identical framings: a wide search there only
   * gives sparse structure (a person on a studio wall) the freedom to line up with another photo.
   */
  minScale: number;
  /** Least hue agreement of cells coloured in both. */
  hue: number;
}

export const DEFAULT_CONTENT_LIMITS: Readonly<ContentLimits> = Object.freeze({
  agreement: 0.85,
  hue: 0.6,
  minScale: 0.87,
});

const N = CONTENT_SIZE;

/** Prepared grids of one side of a pair (transformed, as floats, with gradient magnitudes). */
interface Prepared {
  luma: Float64Array;
  grad: Float64Array;
  cb: Float64Array;
  cr: Float64Array;
  rows: Float64Array;
  cols: Float64Array;
  meanGrad: number;
  std: number;
  mean: number;
  chroma: number;
}

/** Prepared grids per signature and transform: a signature takes part in many pairs. */
const preparedCache = new WeakMap<ContentSignature, Map<DihedralTransform, Prepared>>();

function prepare(c: ContentSignature, transform: DihedralTransform): Prepared {
  let byTransform = preparedCache.get(c);
  if (!byTransform) {
    byTransform = new Map();
    preparedCache.set(c, byTransform);
  }
  let p = byTransform.get(transform);
  if (!p) {
    p = prepareUncached(c, transform);
    byTransform.set(transform, p);
  }
  return p;
}

function prepareUncached(c: ContentSignature, transform: DihedralTransform): Prepared {
  const luma = transformGrid(c.luma, N, N, transform).data;
  const cb = transformGrid(c.cb, CHROMA_SIZE, CHROMA_SIZE, transform).data;
  const cr = transformGrid(c.cr, CHROMA_SIZE, CHROMA_SIZE, transform).data;
  const grad = new Float64Array(N * N);
  let gsum = 0;
  let sum = 0;
  let sq = 0;
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) {
      const i = y * N + x;
      const gx = (luma[y * N + Math.min(N - 1, x + 1)] ?? 0) - (luma[y * N + Math.max(0, x - 1)] ?? 0);
      const gy = (luma[Math.min(N - 1, y + 1) * N + x] ?? 0) - (luma[Math.max(0, y - 1) * N + x] ?? 0);
      const g = Math.abs(gx) + Math.abs(gy);
      grad[i] = g;
      gsum += g;
      const v = luma[i] ?? 0;
      sum += v;
      sq += v * v;
    }
  let chroma = 0;
  for (let i = 0; i < cb.length; i++) chroma += Math.hypot((cb[i] ?? 128) - 128, (cr[i] ?? 128) - 128);
  const mean = sum / (N * N);
  return {
    luma,
    grad,
    cb,
    cr,
    rows: medianProfile(luma, false),
    cols: medianProfile(luma, true),
    meanGrad: gsum / (N * N),
    std: Math.sqrt(Math.max(0, sq / (N * N) - mean * mean)),
    mean,
    chroma: chroma / cb.length,
  };
}

/** Median of each row (or column): robust to a caption bar or a watermark across part of the line. */
function medianProfile(luma: Float64Array, columns: boolean): Float64Array {
  const out = new Float64Array(N);
  const line = new Float64Array(N);
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < N; b++) line[b] = columns ? (luma[b * N + a] ?? 0) : (luma[a * N + b] ?? 0);
    line.sort();
    out[a] = ((line[N / 2 - 1] ?? 0) + (line[N / 2] ?? 0)) / 2;
  }
  return out;
}

/** An image whose luma hardly varies: hashes of it are noise, only its colour means something. */
const FLAT_STD = 4;

export function isFlatContent(c: ContentSignature): boolean {
  return prepare(c, 'identity').std < FLAT_STD;
}

/**
 * Does B show the same picture as `transform`(A)? Returns the measurements, or null when no
 * alignment passes `limits`.
 */
export function verifyContent(
  a: ContentSignature,
  b: ContentSignature,
  transform: DihedralTransform,
  limits: ContentLimits = DEFAULT_CONTENT_LIMITS,
  hints: ReadonlyArray<{ sx: number; ox: number; sy: number; oy: number }> = [],
): ContentMatch | null {
  const m = measureContent(a, b, transform, limits.minScale, hints);
  return m.agreement >= limits.agreement && m.hue >= limits.hue ? m : null;
}

/**
 * A tilt match on the pixels: `from`'s probe box turned by `degrees` (mirrored when the probe was)
 * against `to`'s unturned box at the same scale, both sampled from the luma grids at their true
 * aspect, must agree like any other pair. The probe hashes alone let two mirror-symmetric studio
 * photos of different people through.
 */
export function verifyTilt(
  from: ContentSignature,
  to: ContentSignature,
  degrees: number,
  mirrored: boolean,
  limits: ContentLimits = DEFAULT_CONTENT_LIMITS,
): ContentMatch | null {
  const scale = probeScale(degrees);
  const turned = sampleBox(Float64Array.from(from.luma), N, from.aspect, 1, degrees, scale);
  const box = sampleBox(Float64Array.from(to.luma), N, to.aspect, 1, 0, scale);
  const grid = (g: Float64Array, flip: boolean): ContentSignature => {
    const luma = new Uint8Array(N * N);
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++) luma[y * N + x] = Math.round(g[y * N + (flip ? N - 1 - x : x)] ?? 0);
    // Chroma neutral: the hue test is skipped (the probe boxes carry luma only).
    return { luma, cb: NEUTRAL_CHROMA, cr: NEUTRAL_CHROMA, border: new Uint8Array(4), aspect: 1 };
  };
  return verifyContent(grid(turned, mirrored), grid(box, false), 'identity', limits);
}

const NEUTRAL_CHROMA = new Uint8Array(CHROMA_SIZE * CHROMA_SIZE).fill(128);

/** Mean chroma below this: the picture has no colour (a black-and-white photo, a greyscale copy). */
const GREY_CHROMA = 1.5;

export function isGreyContent(c: ContentSignature): boolean {
  return prepare(c, 'identity').chroma < GREY_CHROMA;
}

const srgbToLinear = (v: number): number => {
  const x = Math.max(0, Math.min(1, v / 255));
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
};
const linearToSrgb = (y: number): number =>
  255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055);

/**
 * The ways greyscale conversions weigh red, green and blue, besides BT.601 luma (which the
 * signature already holds; PIL and OpenCV use it): BT.709 luma on the encoded values (ImageMagick),
 * BT.709 luminance in linear light (libvips and sharp, most editors' "desaturate"), and the plain
 * mean (GIMP's "average"). A saturated red is 76 in BT.601 luma and 127 in linear-light
 * luminance: hashes and pixels of a greyscale copy only agree with its colour original under the
 * mix that made it.
 */
const GREY_MIXES: ReadonlyArray<(r: number, g: number, b: number) => number> = [
  (r, g, b) => 0.2126 * r + 0.7152 * g + 0.0722 * b,
  (r, g, b) => linearToSrgb(0.2126 * srgbToLinear(r) + 0.7152 * srgbToLinear(g) + 0.0722 * srgbToLinear(b)),
  (r, g, b) => (r + g + b) / 3,
];

const greyMixCache = new WeakMap<ContentSignature, ContentSignature[]>();

/** `c` (a colour picture) as each greyscale conversion in GREY_MIXES would show it. */
function greyVersions(c: ContentSignature): ContentSignature[] {
  let versions = greyMixCache.get(c);
  if (versions) return versions;
  const ratio = CHROMA_SIZE / N;
  // Chroma at a luma cell's centre, bilinear on the coarser chroma grid.
  const chromaAt = (grid: Uint8Array, x: number, y: number): number =>
    sample2(grid, CHROMA_SIZE, (x + 0.5) * ratio - 0.5, (y + 0.5) * ratio - 0.5);
  versions = GREY_MIXES.map((mix) => {
    const luma = new Uint8Array(N * N);
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++) {
        const yy = c.luma[y * N + x] ?? 0;
        const cb = chromaAt(c.cb, x, y) - 128;
        const cr = chromaAt(c.cr, x, y) - 128;
        const r = yy + 1.402 * cr;
        const g = yy - 0.344136 * cb - 0.714136 * cr;
        const b = yy + 1.772 * cb;
        luma[y * N + x] = Math.max(0, Math.min(255, Math.round(mix(r, g, b))));
      }
    return { ...c, luma, cb: NEUTRAL_CHROMA, cr: NEUTRAL_CHROMA };
  });
  greyMixCache.set(c, versions);
  return versions;
}

/**
 * The signature pairs to compare for A and B: the pair itself, and when exactly one of them has no
 * colour, the colour one as each common greyscale conversion would have made it. The pair then
 * matches when any of them does.
 */
export function greyAwarePairs(
  a: ContentSignature,
  b: ContentSignature,
): Array<readonly [ContentSignature, ContentSignature]> {
  const greyA = isGreyContent(a);
  const greyB = isGreyContent(b);
  if (greyA === greyB) return [[a, b]];
  return greyA
    ? [[a, b], ...greyVersions(b).map((v) => [a, v] as const)]
    : [[a, b], ...greyVersions(a).map((v) => [v, b] as const)];
}

/** The best alignment of B onto transform(A) and its agreement (see the file comment). */
export function measureContent(
  a: ContentSignature,
  b: ContentSignature,
  transform: DihedralTransform,
  minScale = 0.7,
  hints: ReadonlyArray<{ sx: number; ox: number; sy: number; oy: number }> = [],
): ContentMatch {
  return measureContentCandidates(a, b, transform, minScale, hints, 1)[0] as ContentMatch;
}

/**
 * Up to `count` distinct alignments of B onto transform(A), each refined, best agreement first. A
 * caller with a second test of the alignment (the crop rule's aligned pHash) takes the first that
 * passes it: with a caption left out, a wrong scale can agree a little better than the right one.
 * Starts that agree far less than `floor` (the caller's limit) are not refined; the result can then
 * be empty.
 */
export function measureContentCandidates(
  a: ContentSignature,
  b: ContentSignature,
  transform: DihedralTransform,
  minScale: number,
  hints: ReadonlyArray<{ sx: number; ox: number; sy: number; oy: number }>,
  count: number,
  floor = 0,
): ContentMatch[] {
  const pa = prepare(a, transform);
  const pb = prepare(b, 'identity');
  const flatA = pa.std < FLAT_STD;
  const flatB = pb.std < FLAT_STD;
  if (flatA || flatB) {
    // Flat against flat: the same picture only in the same colour. Flat against detail: never.
    const same =
      flatA &&
      flatB &&
      Math.abs(pa.mean - pb.mean) <= 10 &&
      Math.abs(meanOf(pa.cb) - meanOf(pb.cb)) <= 6 &&
      Math.abs(meanOf(pa.cr) - meanOf(pb.cr)) <= 6;
    return [
      {
        agreement: same ? 1 : 0,
        overlay: false,
        leftOut: null,
        structured: 0,
        sx: 1,
        sy: 1,
        ox: 0,
        oy: 0,
        gain: 1,
        offset: 0,
        flat: true,
        hue: same ? 1 : 0,
      },
    ];
  }
  const unaligned = score(pa, pb, 1, 0, 1, 0, true);
  // Most copies (resized, recompressed, tone edits) need no search; and a pair the hashes matched
  // (near-identical framing) that agrees this little unaligned is not a small shift or crop away.
  if (unaligned.agreement >= 0.9 || (minScale >= 0.85 && unaligned.agreement < 0.45))
    return [withHue(unaligned, pa, pb)];
  const allowed = (sx: number, sy: number): boolean =>
    oneInsideOther(sx, sy) && Math.min(sx, sy, 1 / sx, 1 / sy) >= minScale - 1e-9;
  const starts: ContentMatch[] = [unaligned];
  const xs = alignProfile(pa.cols, pb.cols, minScale);
  const ys = alignProfile(pa.rows, pb.rows, minScale);
  for (const x of xs)
    for (const y of ys) if (allowed(x.s, y.s)) starts.push(score(pa, pb, x.s, x.o, y.s, y.o));
  for (const h of hints) if (allowed(h.sx, h.sy)) starts.push(score(pa, pb, h.sx, h.ox, h.sy, h.oy));
  starts.sort((x, y) => rank(y) - rank(x));
  const picked: ContentMatch[] = [];
  for (const start of starts) {
    // Refinement moves an agreement by a few hundredths and a robust band fit by at most ~0.3: a
    // start further below `floor` is not worth refining (most pairs the crop probes propose).
    if (picked.length === count || rank(start) < floor - 0.3) break;
    // Only the best starts are refined locally; the others are alternatives for a caller's second test.
    const found = picked.length < REFINED ? refine(pa, pb, start, allowed) : start;
    const refined = found === unaligned ? found : score(pa, pb, found.sx, found.ox, found.sy, found.oy, true);
    if (
      picked.some(
        (p) =>
          Math.abs(p.sx - refined.sx) +
            Math.abs(p.sy - refined.sy) +
            Math.abs(p.ox - refined.ox) +
            Math.abs(p.oy - refined.oy) <
          0.04,
      )
    )
      continue;
    picked.push(refined);
  }
  return picked.sort((x, y) => rank(y) - rank(x)).map((m) => withHue(m, pa, pb));
}

/** Starts refined by measureContentCandidates (each refinement is up to 16 scores). */
const REFINED = 2;

/** Local refinement: the profiles are coarse and blind to what a caption covers. */
function refine(
  pa: Prepared,
  pb: Prepared,
  start: ContentMatch,
  allowed: (sx: number, sy: number) => boolean,
): ContentMatch {
  let best = start;
  const step = 1 / (2 * N);
  for (let round = 0; round < 2; round++) {
    let improved = false;
    for (const [dsx, dox, dsy, doy] of [
      [0, step, 0, 0],
      [0, -step, 0, 0],
      [0, 0, 0, step],
      [0, 0, 0, -step],
      [0.02, -0.01, 0, 0],
      [-0.02, 0.01, 0, 0],
      [0, 0, 0.02, -0.01],
      [0, 0, -0.02, 0.01],
    ] as const) {
      const sx = best.sx + dsx;
      const ox = best.ox + dox;
      const sy = best.sy + dsy;
      const oy = best.oy + doy;
      if (!contained(sx, ox) || !contained(sy, oy) || !allowed(sx, sy)) continue;
      const s = score(pa, pb, sx, ox, sy, oy);
      if (rank(s) > rank(best)) {
        best = s;
        improved = true;
      }
    }
    if (!improved) break;
  }
  return best;
}

/** Hue agreement is measured once, at the chosen alignment. */
function withHue(m: ContentMatch, pa: Prepared, pb: Prepared): ContentMatch {
  return m.structured > 0 ? { ...m, hue: hueAgreement(pa, pb, m.sx, m.ox, m.sy, m.oy) } : m;
}

const rank = (m: ContentMatch): number => m.agreement;

/**
 * A crop keeps less of both axes (or of one), never less of one and more of the other: B's frame
 * inside A's on one axis and around it on the other is a different framing, not a crop. Without
 * this, two studio photos of similar trousers lined up at 1.12 × 0.92 and agreed 0.98.
 */
function oneInsideOther(sx: number, sy: number): boolean {
  return !(
    (sx > 1 + CONTAIN_SLACK && sy < 1 - CONTAIN_SLACK) ||
    (sx < 1 - CONTAIN_SLACK && sy > 1 + CONTAIN_SLACK)
  );
}

function contained(s: number, o: number): boolean {
  return o >= Math.min(0, 1 - s) - CONTAIN_SLACK && o <= Math.max(0, 1 - s) + CONTAIN_SLACK;
}

function meanOf(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

/** Scales tried per axis: B's frame covers 70 %..100 % of A's side, or the other way round. */
const SCALES = [
  0.7, 0.73, 0.76, 0.79, 0.82, 0.85, 0.88, 0.91, 0.94, 0.97, 1, 1.03, 1.06, 1.1, 1.14, 1.18, 1.22, 1.27, 1.32,
  1.37, 1.43,
];
const CONTAIN_SLACK = 0.03;
/** Least overlap, as a share of either frame's side. */
const MIN_OVERLAP = 0.6;

/** Best (scale, offset) candidates for one axis by normalised correlation of median profiles. */
function alignProfile(
  pa: Float64Array,
  pb: Float64Array,
  minScale: number,
): Array<{ s: number; o: number; ncc: number }> {
  const found: Array<{ s: number; o: number; ncc: number }> = [];
  for (const s of SCALES) {
    if (s < minScale - 1e-9 || s > 1 / minScale + 1e-9) continue;
    // u_A = o + s·u_B; the overlap must cover MIN_OVERLAP of both frames.
    // One frame lies inside the other (a crop), never a partial overlap: B inside A needs
    // 0 ≤ o ≤ 1 − s, A inside B needs 1 − s ≤ o ≤ 0; a little slack for resampling.
    const lo = Math.min(0, 1 - s) - CONTAIN_SLACK;
    const hi = Math.max(0, 1 - s) + CONTAIN_SLACK;
    for (let o = lo; o <= hi + 1e-9; o += 1 / (2 * N)) {
      const ncc = profileNcc(pa, pb, s, o);
      if (ncc > -1) found.push({ s, o, ncc });
    }
  }
  found.sort((x, y) => y.ncc - x.ncc);
  const picked: typeof found = [];
  for (const f of found) {
    if (picked.some((p) => Math.abs(p.s - f.s) < 0.05 && Math.abs(p.o - f.o) < 0.05)) continue;
    picked.push(f);
    if (picked.length === 3) break;
  }
  return picked;
}

function profileNcc(pa: Float64Array, pb: Float64Array, s: number, o: number): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < N; i++) {
    const u = o + s * ((i + 0.5) / N);
    if (u < 0 || u > 1) continue;
    if (first < 0) first = i;
    last = i;
    const va = sample1(pa, u * N - 0.5);
    const vb = pb[i] ?? 0;
    n++;
    sa += va;
    sb += vb;
    saa += va * va;
    sbb += vb * vb;
    sab += va * vb;
  }
  if (n < N * MIN_OVERLAP || (last - first + 1) * s < N * MIN_OVERLAP) return -2;
  const cov = sab - (sa * sb) / n;
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  if (va < 1e-6 || vb < 1e-6) return 0;
  return cov / Math.sqrt(va * vb);
}

function sample1(p: Float64Array, x: number): number {
  const x0 = Math.max(0, Math.min(N - 1, Math.floor(x)));
  const x1 = Math.min(N - 1, x0 + 1);
  const f = Math.max(0, Math.min(1, x - x0));
  return (p[x0] ?? 0) * (1 - f) + (p[x1] ?? 0) * f;
}

function sample2(g: ArrayLike<number>, size: number, x: number, y: number): number {
  const cx = Math.max(0, Math.min(size - 1, x));
  const cy = Math.max(0, Math.min(size - 1, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(size - 1, x0 + 1);
  const y1 = Math.min(size - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const top = (g[y0 * size + x0] ?? 0) * (1 - fx) + (g[y0 * size + x1] ?? 0) * fx;
  const bottom = (g[y1 * size + x0] ?? 0) * (1 - fx) + (g[y1 * size + x1] ?? 0) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Cells of 4×4 pixels for the overlay allowance. */
const CELLS = N / 4;
const MIN_STRUCTURED = 24;
/** Agreement gained by leaving a band out, above which the band is reported as an overlay. */
const OVERLAY_GAIN = 0.06;
/**
 * Regions an overlay may cover, in cells (x, y, w, h): bands of 1-2 cells (12-25 %) along each edge,
 * where captions and banners go. Interior blocks were tried: on a studio photo a block covers half
 * the person, and two different people then agreed on the rest (0.65 → 0.85).
 */
const OVERLAY_SHAPES: ReadonlyArray<readonly [number, number, number, number]> = (() => {
  const shapes: Array<[number, number, number, number]> = [];
  for (const t of [1, 2])
    shapes.push([0, 0, CELLS, t], [0, CELLS - t, CELLS, t], [0, 0, t, CELLS], [CELLS - t, 0, t, CELLS]);
  return shapes;
})();
const cellStructured = new Int32Array(CELLS * CELLS);
const cellAgree = new Int32Array(CELLS * CELLS);
const at = new Int32Array(N * N);
const va = new Float64Array(N * N);
const vb = new Float64Array(N * N);
const ga = new Float64Array(N * N);
const gb = new Float64Array(N * N);

const EDGE_SLACK = 0.5;

/** Agreement of B with A at one alignment (see the file comment). */
function score(
  pa: Prepared,
  pb: Prepared,
  sx: number,
  ox: number,
  sy: number,
  oy: number,
  robust = false,
): ContentMatch {
  let n = 0;
  for (let y = 0; y < N; y++) {
    const v = oy + sy * ((y + 0.5) / N);
    if (v < 0 || v > 1) continue;
    for (let x = 0; x < N; x++) {
      const u = ox + sx * ((x + 0.5) / N);
      if (u < 0 || u > 1) continue;
      const i = y * N + x;
      va[n] = sample2(pa.luma, N, u * N - 0.5, v * N - 0.5);
      ga[n] = sample2(pa.grad, N, u * N - 0.5, v * N - 0.5) / Math.max(sx, 1);
      vb[n] = pb.luma[i] ?? 0;
      gb[n] = pb.grad[i] ?? 0;
      at[n] = i;
      n++;
    }
  }
  const none: ContentMatch = {
    agreement: 0,
    overlay: false,
    leftOut: null,
    structured: 0,
    sx,
    sy,
    ox,
    oy,
    gain: 1,
    offset: 0,
    flat: false,
    hue: 0,
  };
  if (n < N * N * MIN_OVERLAP * MIN_OVERLAP) return none;
  // Structured: edges or texture in either image, relative to B's typical gradient.
  const tGrad = Math.max(6, 0.75 * pb.meanGrad);
  const tol = Math.max(8, 0.22 * pb.std);
  const validGain = (g: number): boolean => g > 0.25 && g < 4;
  // Tone map by least squares, refitted once on the pixels it explains (an overlay would drag it).
  let { gain, offset } = robustFit(n, null);
  let { agree, structured } = validGain(gain)
    ? countAgreement(n, gain, offset, tGrad, tol, null)
    : { agree: 0, structured: 0 };
  // An overlay (caption bar, banner) spoils only the cells it covers: one band along an edge, of
  // at most 25 % of the frame, may be left out. Different content disagrees all over, so leaving
  // out one band hardly lifts it.
  const whole = agree / Math.max(1, structured);
  let band = -1;
  if (robust && whole < 0.9) {
    // Each band with its own tone map: a bar of 20 % drags the fit over the whole frame so far that
    // leaving the band out of that fit's count is not enough (a white caption: 0.67 this way, 1.0
    // with the band and its own fit). Only the bands where the whole fit disagrees most are
    // refitted (the bar still stands out there); all of them when the whole fit failed.
    const ranked = validGain(gain)
      ? OVERLAY_SHAPES.map((shape, index) => ({ index, ratio: bandRatio(shape, agree, structured) }))
          .sort((x, y) => y.ratio - x.ratio)
          .slice(0, ROBUST_BANDS)
      : OVERLAY_SHAPES.map((_, index) => ({ index, ratio: 0 }));
    let bestRatio = whole;
    for (const { index } of ranked) {
      const shape = OVERLAY_SHAPES[index] ?? [0, 0, 0, 0];
      const outside = outsideOf(shape);
      const fit = robustFit(n, outside);
      if (!validGain(fit.gain)) continue;
      const c = countAgreement(n, fit.gain, fit.offset, tGrad, tol, outside);
      if (c.structured >= MIN_STRUCTURED && c.agree / c.structured > bestRatio) {
        bestRatio = c.agree / c.structured;
        band = index;
        ({ gain, offset } = fit);
        ({ agree, structured } = c);
      }
    }
  } else {
    if (!validGain(gain)) return none;
    let bestRatio = whole;
    for (const [index, shape] of OVERLAY_SHAPES.entries()) {
      const ratio = bandRatio(shape, agree, structured);
      if (ratio > bestRatio) {
        bestRatio = ratio;
        band = index;
      }
    }
    if (band >= 0) {
      // Without the band, and with the tone map fitted without it too: a black caption bar drags a
      // least-squares fit and with it the agreement everywhere else.
      const outside = outsideOf(OVERLAY_SHAPES[band] ?? [0, 0, 0, 0]);
      const refit = robustFit(n, outside);
      if (validGain(refit.gain)) ({ gain, offset } = refit);
      ({ agree, structured } = countAgreement(n, gain, offset, tGrad, tol, outside));
    }
  }
  if (!validGain(gain) || structured < MIN_STRUCTURED) return none;
  // Reported as an overlay only when leaving the band out changed the verdict materially.
  const overlay = band >= 0 && agree / Math.max(1, structured) - whole >= OVERLAY_GAIN;
  const [bx, by, bw, bh] = OVERLAY_SHAPES[band] ?? [0, 0, 0, 0];
  const leftOut =
    band >= 0 ? ([bx / CELLS, by / CELLS, (bx + bw) / CELLS, (by + bh) / CELLS] as const) : null;
  return {
    agreement: agree / structured,
    overlay,
    leftOut,
    structured,
    sx,
    sy,
    ox,
    oy,
    gain,
    offset,
    flat: false,
    hue: 1,
  };
}

/** Bands refitted with their own tone map in a robust score (the best by the whole fit's cells). */
const ROBUST_BANDS = 3;

/** Agreement without the band, from the per-cell counts of the last countAgreement; -1 when too little is left. */
function bandRatio(
  [x0, y0, w, h]: readonly [number, number, number, number],
  agree: number,
  structured: number,
): number {
  let rs = 0;
  let ra = 0;
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < x0 + w; x++) {
      rs += cellStructured[y * CELLS + x] ?? 0;
      ra += cellAgree[y * CELLS + x] ?? 0;
    }
  const left = structured - rs;
  return left >= MIN_STRUCTURED ? (agree - ra) / left : -1;
}

/** Whether sample k (of the current alignment) lies outside the band (x, y, w, h in cells). */
function outsideOf([x0, y0, w, h]: readonly [number, number, number, number]): (k: number) => boolean {
  return (k: number): boolean => {
    const i = at[k] ?? 0;
    const cx = (i & 31) >> 2;
    const cy = i >> 7;
    return cx < x0 || cx >= x0 + w || cy < y0 || cy >= y0 + h;
  };
}

/** Least squares, then refitted on the samples within 2.5 × the mean residual (at least 6 levels). */
function robustFit(n: number, use: ((k: number) => boolean) | null): { gain: number; offset: number } {
  const first = fitLine(n, null, 0, use ?? undefined);
  let resid = 0;
  let count = 0;
  for (let k = 0; k < n; k++) {
    if (use && !use(k)) continue;
    resid += Math.abs((vb[k] ?? 0) - first.gain * (va[k] ?? 0) - first.offset);
    count++;
  }
  return fitLine(n, first, Math.max(6, (2.5 * resid) / Math.max(1, count)), use ?? undefined);
}

/** Structured pixels and those that agree under the tone map, in total and per cell (cells filled as a side effect). */
function countAgreement(
  n: number,
  gain: number,
  offset: number,
  tGrad: number,
  tol: number,
  use: ((k: number) => boolean) | null,
): { agree: number; structured: number } {
  let structured = 0;
  let agree = 0;
  cellStructured.fill(0);
  cellAgree.fill(0);
  for (let k = 0; k < n; k++) {
    if (use && !use(k)) continue;
    if ((gb[k] ?? 0) < tGrad && (ga[k] ?? 0) * gain < tGrad) continue;
    const i = at[k] ?? 0;
    const cell = (i >> 7) * CELLS + ((i & 31) >> 2);
    structured++;
    cellStructured[cell] = (cellStructured[cell] ?? 0) + 1;
    // Up to half a cell of misalignment (a 3° turn, a resampled edge) moves an edge pixel by half
    // its gradient: tolerated, so that only a different structure counts against the pair.
    if (
      Math.abs((vb[k] ?? 0) - gain * (va[k] ?? 0) - offset) <=
      tol + EDGE_SLACK * Math.min(gb[k] ?? 0, gain * (ga[k] ?? 0))
    ) {
      agree++;
      cellAgree[cell] = (cellAgree[cell] ?? 0) + 1;
    }
  }
  return { agree, structured };
}

function fitLine(
  n: number,
  previous: { gain: number; offset: number } | null,
  limit: number,
  use: (k: number) => boolean = () => true,
): { gain: number; offset: number } {
  let c = 0;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sab = 0;
  for (let k = 0; k < n; k++) {
    const a = va[k] ?? 0;
    const b = vb[k] ?? 0;
    if (!use(k) || (previous && Math.abs(b - previous.gain * a - previous.offset) > limit)) continue;
    c++;
    sa += a;
    sb += b;
    saa += a * a;
    sab += a * b;
  }
  if (c < 8) return previous ?? { gain: 1, offset: 0 };
  const varA = saa - (sa * sa) / c;
  if (varA < 1e-6) return { gain: 1, offset: (sb - sa) / c };
  const gain = (sab - (sa * sb) / c) / varA;
  return { gain, offset: (sb - gain * sa) / c };
}

/** Share of cells coloured in both images whose hues are within 35°; 1 when either is grey. */
function hueAgreement(pa: Prepared, pb: Prepared, sx: number, ox: number, sy: number, oy: number): number {
  if (pa.chroma < 4 || pb.chroma < 4) return 1;
  const C = CHROMA_SIZE;
  let both = 0;
  let agree = 0;
  for (let y = 0; y < C; y++) {
    const v = oy + sy * ((y + 0.5) / C);
    if (v < 0 || v > 1) continue;
    for (let x = 0; x < C; x++) {
      const u = ox + sx * ((x + 0.5) / C);
      if (u < 0 || u > 1) continue;
      const i = y * C + x;
      const bx = (pb.cb[i] ?? 128) - 128;
      const by = (pb.cr[i] ?? 128) - 128;
      const ax = sample2(pa.cb, C, u * C - 0.5, v * C - 0.5) - 128;
      const ay = sample2(pa.cr, C, u * C - 0.5, v * C - 0.5) - 128;
      const mb = Math.hypot(bx, by);
      const ma = Math.hypot(ax, ay);
      if (mb < 8 || ma < 8) continue;
      both++;
      if ((ax * bx + ay * by) / (ma * mb) >= Math.cos((35 * Math.PI) / 180)) agree++;
    }
  }
  return both < 12 ? 1 : agree / both;
}
