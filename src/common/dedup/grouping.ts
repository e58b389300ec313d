/**
 * Near-duplicate groups: candidate pairs from multi-index Hamming search (never all pairs), a pair
 * rule that needs several hashes to agree, and complete-link union-find so that A≈B and B≈C never
 * put A and C together unless A≈C too (no chaining through a burst of similar shots).
 */
import { EngineError } from '../errors';
import {
  DEFAULT_CONTENT_LIMITS,
  greyAwarePairs,
  isFlatContent,
  isGreyContent,
  measureContent,
  measureContentCandidates,
  verifyContent,
  verifyTilt,
  type ContentMatch,
  type ContentSignature,
} from './content';
import {
  alignedPhashDistance,
  cropProbes,
  probeAlignments,
  type Alignment,
  type CropProbes,
} from './crop-probes';
import { DIHEDRAL_TRANSFORMS, type DihedralTransform } from './dihedral';
import { hammingDistance, hashHigh32, hashLow32, popcount32 } from './hash64';
import { HammingIndex, type HashWords } from './hamming-index';
import { HASH_KINDS, type HashKind, type HashTriple, type ImageHashes } from './types';
import { UnionFind } from './union-find';
import { packZoomWords, zoomDistance, ZOOM_SCALES, ZOOM_WORDS_PER_ITEM } from './zoom';

export interface DedupThresholds {
  /** Largest Hamming distance (of 64 bits) at which the pHash counts as agreeing; -1 ignores pHash. */
  phash: number;
  /** Same for dHash. */
  dhash: number;
  /** Same for blockhash. */
  blockhash: number;
  /** How many of the three hashes must agree for a pair to be a duplicate. */
  minAgreeing: 1 | 2 | 3;
  /** Also match flipped, rotated (90/180/270) and transposed copies. */
  matchTransforms: boolean;
  /**
   * Tilt rule for copies rotated by an arbitrary angle (6°–51°, see tilt.ts): pHash and dHash of a
   * probe must both be within these distances. -1 turns the rule off.
   */
  tiltPhash: number;
  tiltDhash: number;
  /**
   * Zoom verification for pairs accepted by the hash rule: the pHashes of the 8 centred zoom boxes
   * (zoom.ts), under the pair's transform, may differ by at most this many bits in total (of
   * 8 × 64). Separates different photos with the same layout (portraits). -1 turns it off.
   */
  zoom: number;
  /**
   * Complete-link tolerance: two groups merge only if every cross pair passes the pair rule with
   * each threshold multiplied by this factor. 1 = strict complete link; Infinity = single link.
   */
  linkScale: number;
  /**
   * Content verification (content.ts) of every pair matched on the hashes, when both images carry
   * a content signature: least share of structured pixels that agree after alignment. -1 = off.
   */
  content: number;
  /**
   * Crop rule for pairs the hashes miss (crops up to ~15 % per side, see crop-probes.ts): the
   * crop probes within this many bits, then the content check with a crop search down to 70 % of
   * a side and at least `cropContent` agreement. -1 = off (also off when `content` is off).
   */
  cropProbe: number;
  cropContent: number;
  /**
   * Crop rule: largest pHash distance between B's frame and the part of A it lies on at the
   * content alignment (the band the agreement left out excluded).
   */
  cropPhash: number;
}

export interface DedupConstraints {
  /** Pairs of ids that the user marked "not a duplicate": never in one group. */
  notDuplicate?: ReadonlyArray<readonly [number, number]>;
}

export type DedupOptions = Partial<DedupThresholds> & DedupConstraints;

/** Defaults chosen from scripts/sweep-dedup.ts on the synthetic set (see docs/dedup.md). */
export const DEFAULT_DEDUP_THRESHOLDS: Readonly<DedupThresholds> = Object.freeze({
  phash: 14,
  dhash: 10,
  blockhash: 12,
  minAgreeing: 2,
  matchTransforms: true,
  tiltPhash: 8,
  tiltDhash: 8,
  zoom: 112,
  linkScale: 1.25,
  content: DEFAULT_CONTENT_LIMITS.agreement,
  cropProbe: 10,
  cropContent: 0.9,
  cropPhash: 12,
});

export interface PairEvidence {
  /** The smaller id of the pair. */
  a: number;
  b: number;
  /** b looks like `transform` applied to a ('identity' when no flip or rotation was needed). */
  transform: DihedralTransform;
  /** Hamming distances per hash (-1: not measured, e.g. blockhash for a tilt match). */
  distances: Record<HashKind, number>;
  /** Hashes within their threshold (empty for a tilt match). */
  agreeing: HashKind[];
  /** Set when the pair matched through the tilt rule: b looks like a turned by about this many degrees. */
  tiltDegrees?: number;
  /** Σ of the zoom-box pHash distances under `transform` (of 512; set when the pair matched on the hashes). */
  zoomDistance?: number;
  /** Content verification (when both images had a signature): agreement and where b lies in a. */
  content?: ContentMatch;
  /** Matched by the crop rule (the global hashes did not agree). */
  crop?: boolean;
}

export interface NearDuplicateGroup {
  /** Member ids, ascending. */
  ids: number[];
  /** Every pair inside the group that passes the pair rule, strongest first. */
  pairs: PairEvidence[];
}

export interface DedupItem {
  id: number;
  hashes: ImageHashes;
}

/** Least share of a side (either axis) that a crop-rule match must have lost. */
const MIN_CROP = 0.04;
/** Probe matches tried as starting alignments by the crop rule. */
const CROP_HINTS = 3;
/** Alignments the crop rule tests, best agreement first. */
const CROP_CANDIDATES = 3;
/** The crop rule searches frames down to this share of a side (~15 % off each side). */
const CROP_MIN_SCALE = 0.7;
/** Least content agreement of a tilt match's probe boxes. */
const TILT_CONTENT = 0.93;
const WORDS_PER_HASH = 2;
const WORDS_PER_VARIANT = HASH_KINDS.length * WORDS_PER_HASH;
const WORDS_PER_ITEM = DIHEDRAL_TRANSFORMS.length * WORDS_PER_VARIANT;

const INVERSE: Record<DihedralTransform, DihedralTransform> = {
  identity: 'identity',
  hflip: 'hflip',
  vflip: 'vflip',
  rot180: 'rot180',
  transpose: 'transpose',
  rot90: 'rot270',
  rot270: 'rot90',
  transverse: 'transverse',
};

interface PairMatch {
  transform: DihedralTransform;
  distances: [number, number, number];
  agreeing: number;
  sum: number;
  tilt?: number;
  zoom?: number;
  content?: ContentMatch;
  crop?: boolean;
}

interface TiltLimits {
  phash: number;
  dhash: number;
}

interface PairLimits {
  hashes: [number, number, number];
  /** Least content agreement for the crop rule. */
  cropContent: number;
  /** Largest pHash distance of the aligned overlap for the crop rule. */
  cropPhash: number;
  tilt: TiltLimits;
  /** Largest zoom distance; -1 = not checked. */
  zoom: number;
}

export function findNearDuplicateGroups(
  items: readonly DedupItem[],
  options: DedupOptions = {},
): NearDuplicateGroup[] {
  const thresholds = resolveThresholds(options);
  const n = items.length;
  const seenIds = new Map<number, number>();
  items.forEach((item, index) => {
    if (!Number.isSafeInteger(item.id))
      throw new EngineError(
        'INVALID_ARGUMENT',
        `expected an integer for items[${index}].id but received ${String(item.id)}`,
      );
    if (seenIds.has(item.id))
      throw new EngineError('INVALID_ARGUMENT', `expected unique ids but received ${item.id} twice`);
    seenIds.set(item.id, index);
  });
  const words = packHashes(items);
  const blocked = blockedPairs(options.notDuplicate ?? [], seenIds, n);
  const transforms = thresholds.matchTransforms ? DIHEDRAL_TRANSFORMS.length : 1;
  const limits = HASH_KINDS.map((k) => thresholds[k]) as [number, number, number];
  const linkLimits = limits.map((t) => (t < 0 ? t : Math.floor(t * thresholds.linkScale))) as [
    number,
    number,
    number,
  ];

  const tiltOn = thresholds.tiltPhash >= 0 && thresholds.tiltDhash >= 0;
  const scaled = (t: number): number => (t < 0 ? t : Math.floor(t * thresholds.linkScale));
  const pairLimits: PairLimits = {
    cropContent: thresholds.cropContent,
    cropPhash: thresholds.cropPhash,
    hashes: limits,
    tilt: { phash: thresholds.tiltPhash, dhash: thresholds.tiltDhash },
    zoom: thresholds.zoom,
  };
  // At link level the crop rule allows a little less: two edits of one original (a crop and a
  // captioned copy) differ from each other more than either does from the original.
  const linkPairLimits: PairLimits = {
    cropContent: thresholds.cropContent - 0.05,
    cropPhash: scaled(thresholds.cropPhash),
    hashes: linkLimits,
    tilt: { phash: scaled(thresholds.tiltPhash), dhash: scaled(thresholds.tiltDhash) },
    zoom: scaled(thresholds.zoom),
  };
  // Only images in a candidate pair ever need their zoom boxes: packed on first use. Computed even
  // when the check is off, so that the evidence can report the distance.
  const zoomRows: Array<Uint32Array | undefined> = [];
  const zoomRow = (i: number): Uint32Array => {
    let row = zoomRows[i];
    if (!row) {
      row = new Uint32Array(ZOOM_WORDS_PER_ITEM);
      packZoomWords(items[i]?.hashes.zoom ?? [], row, 0);
      zoomRows[i] = row;
    }
    return row;
  };

  const contentOn = thresholds.content >= 0;
  const contentLimits = { ...DEFAULT_CONTENT_LIMITS, agreement: thresholds.content };
  // The tilt probe box is a central crop, clear of captions and borders: copies turned by up to 48°
  // agree ≥ 0.965 there (imagededup, synthetic), two mirror-symmetric studio photos 0.86.
  const tiltLimits = { ...contentLimits, agreement: Math.max(thresholds.content, TILT_CONTENT) };
  // to ≈ t(from) on the hashes; does it hold on the pixels?
  const checkedPairs = new Map<string, { match: ContentMatch; phash: number } | null>();
  const verified = (from: number, to: number, match: PairMatch, lim: PairLimits): boolean => {
    const a = items[from]?.hashes.content;
    const b = items[to]?.hashes.content;
    if (!contentOn || !a || !b) return true;
    const key = `${from},${to},${match.transform}`;
    let checked = checkedPairs.get(key);
    if (checked === undefined) {
      checked = null;
      for (const [ca, cb] of greyAwarePairs(a, b)) {
        const m = verifyContent(ca, cb, match.transform, contentLimits);
        if (m === null) continue;
        // Unaligned agreement needs nothing more; an alignment or a left-out band is a freedom that
        // sparse studio photos use to agree, so those also need the overlap's pHash (as crops do).
        const aligned = m.sx !== 1 || m.sy !== 1 || m.ox !== 0 || m.oy !== 0 || m.leftOut !== null;
        const found = { match: m, phash: aligned ? alignedPhashDistance(ca, cb, m, match.transform) : 0 };
        // The cached result serves the pair and the link limits alike: the lowest pHash is kept.
        if (checked === null || found.phash < checked.phash) checked = found;
        if (found.phash === 0) break;
      }
      checkedPairs.set(key, checked);
    }
    if (!checked || checked.phash > lim.cropPhash) return false;
    match.content = checked.match;
    return true;
  };

  const cropOn = contentOn && thresholds.cropProbe >= 0;
  const probes: Array<CropProbes | null | undefined> = [];
  const probesOf = (i: number): CropProbes | null => {
    let p = probes[i];
    if (p === undefined) {
      const hashes = items[i]?.hashes;
      p = hashes?.crop ?? (hashes?.content ? cropProbes(hashes.content) : null);
      probes[i] = p;
    }
    return p;
  };
  const cropMatch = (i: number, j: number, lim: PairLimits, mirrored = false): PairMatch | null => {
    const a = items[i]?.hashes.content;
    const b = items[j]?.hashes.content;
    // A flat image lies inside any other of its colour: "crop" means nothing there.
    if (!a || !b || isFlatContent(a) || isFlatContent(b)) return null;
    const pi = probesOf(i);
    const pj = probesOf(j);
    const hints = pi && pj ? probeAlignments(pi, pj, CROP_HINTS) : [];
    // The band an overlay may cover is placed in the second image's frame, so a caption on the
    // first image is only left out when the pair is measured the other way round.
    let checked: ContentMatch | null = null;
    for (const [ca, cb] of greyAwarePairs(a, b)) {
      const forward = cropAlignment(ca, cb, hints, lim);
      checked =
        forward.match ??
        (forward.best >= lim.cropContent - 0.2
          ? invertAlignment(cropAlignment(cb, ca, hints.map(invertAlignment), lim).match)
          : null);
      if (checked) break;
    }
    if (checked) return { ...variantMatch(words, i, j, 0, limits), content: checked, crop: true };
    if (!mirrored) return null;
    // A mirrored copy against a cropped one: neither is the other's crop until one is turned back.
    // Only asked when two groups are joined (does every pair link?), where nothing but the answer
    // is kept, and only when the hashes say the pair is closer mirrored than as it is.
    const t = DIHEDRAL_TRANSFORMS.indexOf('hflip');
    const turned = variantMatch(words, i, j, t, limits);
    if (turned.sum >= variantMatch(words, i, j, 0, limits).sum) return null;
    for (const [ca, cb] of greyAwarePairs(a, b)) {
      const m =
        cropAlignment(ca, cb, [], lim, 'hflip').match ?? cropAlignment(cb, ca, [], lim, 'hflip').match;
      if (m) return { ...turned, content: m, crop: true };
    }
    return null;
  };

  // A greyscale copy against its colour original. The hashes are made from BT.601 luma, and a copy
  // made greyscale another way (content.ts, GREY_MIXES) differs from it by more than the hash rule
  // allows where colours are saturated. The pixels decide: at the transform the hashes like best,
  // the colour side as each greyscale conversion would show it, with the overlap's pHash as for crops.
  const greyMatch = (
    i: number,
    j: number,
    a: ContentSignature,
    b: ContentSignature,
    lim: PairLimits,
  ): PairMatch | null => {
    if (isGreyContent(a) === isGreyContent(b)) return null;
    let closest: PairMatch | null = null;
    for (let t = 0; t < transforms; t++) {
      const m = variantMatch(words, i, j, t, lim.hashes);
      if (!closest || m.sum < closest.sum) closest = m;
    }
    if (!closest) return null;
    // No hash rule vouches for these pairs, so the pixels must agree as much as a crop's must.
    const greyLimits = { ...contentLimits, agreement: Math.max(contentLimits.agreement, lim.cropContent) };
    for (const [va, vb] of greyAwarePairs(a, b).slice(1)) {
      const m = verifyContent(va, vb, closest.transform, greyLimits);
      if (m && alignedPhashDistance(va, vb, m, closest.transform) <= lim.cropPhash)
        return { ...closest, content: m };
    }
    return null;
  };

  const evaluate = (
    i: number,
    j: number,
    lim: PairLimits,
    crop = true,
    mirroredCrops = false,
  ): PairMatch | null => {
    // The best transform (most agreeing hashes, then smallest total) among those that pass the hash
    // rule and, when on, the zoom verification; b ≈ t(a) is tried from both sides.
    let best: PairMatch | null = null;
    for (const [from, to, forward] of [
      [i, j, true],
      [j, i, false],
    ] as const) {
      for (let t = 0; t < transforms; t++) {
        const match = variantMatch(words, from, to, t, lim.hashes);
        if (match.agreeing < thresholds.minAgreeing || (best && !better(match, best))) continue;
        match.zoom = zoomDistance(zoomRow(from), t, zoomRow(to));
        if (lim.zoom >= 0 && match.zoom > lim.zoom) continue;
        if (!verified(from, to, match, lim)) continue;
        best = forward ? match : { ...match, transform: INVERSE[match.transform] };
      }
    }
    if (best) return best;
    const ci = items[i]?.hashes.content;
    const cj = items[j]?.hashes.content;
    const grey = contentOn && ci && cj ? greyMatch(i, j, ci, cj, lim) : null;
    if (grey) return grey;
    const tiltCheck =
      contentOn && ci && cj
        ? (forward: boolean, degrees: number, mirrored: boolean): boolean =>
            greyAwarePairs(ci, cj).some(
              ([vi, vj]) =>
                verifyTilt(forward ? vi : vj, forward ? vj : vi, degrees, mirrored, tiltLimits) !== null,
            )
        : null;
    const tilted = tiltOn ? tiltMatch(items[i]?.hashes, items[j]?.hashes, lim.tilt, tiltCheck) : null;
    // A turned copy is not aligned by content.ts (it only scales and shifts), but a flat image
    // matches any tilt probe of another flat one: those need the colour check at least.
    if (tilted && !(contentOn && isFlatPair(items[i]?.hashes.content, items[j]?.hashes.content)))
      return tilted;
    return cropOn && crop ? cropMatch(i, j, lim, mirroredCrops) : null;
  };

  // Candidates: pigeonhole over hashes. If k of the A active hashes must agree, any A-k+1 of them
  // contain an agreeing one, so querying those indices finds every pair the rule can accept.
  // Smaller radii are much cheaper to search, so the tightest hashes are queried.
  const active = HASH_KINDS.map((_, k) => k)
    .filter((k) => (limits[k] ?? -1) >= 0)
    .sort((x, y) => (limits[x] ?? 0) - (limits[y] ?? 0));
  const queried = active.slice(0, Math.max(0, active.length - thresholds.minAgreeing + 1));
  const candidates = new Set<number>();
  const addCandidate = (i: number, j: number): void => {
    if (i !== j) candidates.add(i < j ? i * n + j : j * n + i);
  };
  for (const k of queried) {
    // "j ≈ t(i)": every variant t of every image goes into one index (entry i·T + t), and each
    // image queries it once with its plain hash. Same pairs as querying with every variant, but
    // n queries instead of T·n, which is what the search time scales with.
    const radius = limits[k] ?? 0;
    const entries = new HashWordsBuilder(n * transforms);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < transforms; t++) {
        const offset = i * WORDS_PER_ITEM + t * WORDS_PER_VARIANT + k * WORDS_PER_HASH;
        entries.push(words[offset] ?? 0, words[offset + 1] ?? 0);
      }
    }
    const plain = new HashWordsBuilder(n);
    for (let j = 0; j < n; j++) {
      const offset = j * WORDS_PER_ITEM + k * WORDS_PER_HASH;
      plain.push(words[offset] ?? 0, words[offset + 1] ?? 0);
    }
    new HammingIndex(entries.words(), { maxRadius: radius }).forEachPairWithin(
      plain.words(),
      radius,
      (j, entry) => addCandidate(Math.floor(entry / transforms), j),
    );
  }

  if (tiltOn) {
    // Per probe angle |θ|, one index over the probes of every image and one query per image with
    // its unturned box at that angle. B = A turned by φ is found by A's probe at +φ or by B's probe
    // at −φ, so unmirrored probes with θ > 0 suffice; a mirror reverses the turn on one side only,
    // so mirrored probes are indexed for both signs.
    const angles = [...new Set((items[0]?.hashes.tilt.probes ?? []).map((p) => Math.abs(p.angle)))];
    for (const key of angles) {
      const entries = new HashWordsBuilder(n * 3);
      const owners: number[] = [];
      items.forEach((item, i) => {
        for (const probe of item.hashes.tilt.probes) {
          if (Math.abs(probe.angle) !== key) continue;
          const hashes =
            probe.angle > 0
              ? [probe.rotated.phash, probe.rotatedMirrored.phash]
              : [probe.rotatedMirrored.phash];
          for (const hash of hashes) {
            entries.push(hashHigh32(hash), hashLow32(hash));
            owners.push(i);
          }
        }
      });
      const boxes = new HashWordsBuilder(n);
      const boxOwners: number[] = [];
      items.forEach((item, j) => {
        const box = item.hashes.tilt.cropped[key];
        if (!box) return;
        boxes.push(hashHigh32(box.phash), hashLow32(box.phash));
        boxOwners.push(j);
      });
      new HammingIndex(entries.words(), { maxRadius: thresholds.tiltPhash }).forEachPairWithin(
        boxes.words(),
        thresholds.tiltPhash,
        (q, entry) => {
          const j = boxOwners[q] ?? 0;
          addCandidate(owners[entry] ?? j, j);
        },
      );
    }
  }

  // Crop candidates: each image's central box against the off-centre smaller boxes of all images.
  const cropCandidates = new Set<number>();
  if (cropOn) {
    const entries = new HashWordsBuilder(n * 8);
    const owners: number[] = [];
    const queries = new HashWordsBuilder(n);
    const queryOwners: number[] = [];
    items.forEach((_, i) => {
      const p = probesOf(i);
      if (!p) return;
      for (const h of p.index) {
        entries.push(hashHigh32(h), hashLow32(h));
        owners.push(i);
      }
      queries.push(hashHigh32(p.query), hashLow32(p.query));
      queryOwners.push(i);
    });
    if (owners.length > 0)
      new HammingIndex(entries.words(), { maxRadius: thresholds.cropProbe }).forEachPairWithin(
        queries.words(),
        thresholds.cropProbe,
        (q, entry) => {
          const i = owners[entry] ?? 0;
          const j = queryOwners[q] ?? 0;
          if (i === j) return;
          // Also when the pair is a hash candidate: one hash within its radius does not make the
          // hash rule pass, and a crop then still needs its own check.
          cropCandidates.add(i < j ? i * n + j : j * n + i);
        },
      );
  }

  const accepted: Array<{ i: number; j: number; match: PairMatch }> = [];
  for (const key of new Set([...candidates, ...cropCandidates])) {
    const i = Math.floor(key / n);
    const j = key - i * n;
    // The crop rule only for crop candidates: other near misses of the hashes are not searched.
    const match = evaluate(i, j, pairLimits, cropCandidates.has(key));
    if (match) accepted.push({ i, j, match });
  }
  accepted.sort((x, y) =>
    better(x.match, y.match) ? -1 : better(y.match, x.match) ? 1 : x.i - y.i || x.j - y.j,
  );

  const sets = new UnionFind(n);
  // The same cross pair comes up again at every accepted pair between the same two clusters, and a
  // crop or tilt check costs milliseconds: each is decided once.
  const linkable = new Map<number, boolean>();
  const link = (x: number, y: number): boolean => {
    const key = x < y ? x * n + y : y * n + x;
    let ok = linkable.get(key);
    if (ok === undefined) {
      ok = evaluate(Math.min(x, y), Math.max(x, y), linkPairLimits, true, true) !== null;
      linkable.set(key, ok);
    }
    return ok;
  };
  for (const { i, j } of accepted) {
    if (sets.find(i) === sets.find(j)) continue;
    if (canMerge(sets.membersOf(i), sets.membersOf(j), blocked, n, link)) sets.union(i, j);
  }

  const byRoot = new Map<number, PairEvidence[]>();
  for (const { i, j, match } of accepted) {
    const root = sets.find(i);
    if (root !== sets.find(j)) continue;
    const list = byRoot.get(root) ?? [];
    list.push(toEvidence(items, i, j, match, limits));
    byRoot.set(root, list);
  }
  const groups: NearDuplicateGroup[] = [];
  for (const [root, pairs] of byRoot) {
    const ids = sets
      .membersOf(root)
      .map((m) => items[m]?.id ?? 0)
      .sort((x, y) => x - y);
    groups.push({ ids, pairs });
  }
  return groups.sort((x, y) => (x.ids[0] ?? 0) - (y.ids[0] ?? 0));
}

/** Grows a list of hashes given as 32-bit word pairs. */
class HashWordsBuilder {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private length = 0;

  constructor(capacity: number) {
    this.hi = new Uint32Array(Math.max(1, capacity));
    this.lo = new Uint32Array(Math.max(1, capacity));
  }

  push(hi: number, lo: number): void {
    if (this.length === this.hi.length) {
      const grownHi = new Uint32Array(this.hi.length * 2);
      const grownLo = new Uint32Array(this.lo.length * 2);
      grownHi.set(this.hi);
      grownLo.set(this.lo);
      this.hi = grownHi;
      this.lo = grownLo;
    }
    this.hi[this.length] = hi;
    this.lo[this.length] = lo;
    this.length++;
  }

  words(): HashWords {
    return { hi: this.hi.subarray(0, this.length), lo: this.lo.subarray(0, this.length) };
  }
}

function resolveThresholds(options: DedupOptions): DedupThresholds {
  const t: DedupThresholds = {
    phash: options.phash ?? DEFAULT_DEDUP_THRESHOLDS.phash,
    dhash: options.dhash ?? DEFAULT_DEDUP_THRESHOLDS.dhash,
    blockhash: options.blockhash ?? DEFAULT_DEDUP_THRESHOLDS.blockhash,
    minAgreeing: options.minAgreeing ?? DEFAULT_DEDUP_THRESHOLDS.minAgreeing,
    matchTransforms: options.matchTransforms ?? DEFAULT_DEDUP_THRESHOLDS.matchTransforms,
    tiltPhash: options.tiltPhash ?? DEFAULT_DEDUP_THRESHOLDS.tiltPhash,
    tiltDhash: options.tiltDhash ?? DEFAULT_DEDUP_THRESHOLDS.tiltDhash,
    zoom: options.zoom ?? DEFAULT_DEDUP_THRESHOLDS.zoom,
    linkScale: options.linkScale ?? DEFAULT_DEDUP_THRESHOLDS.linkScale,
    content: options.content ?? DEFAULT_DEDUP_THRESHOLDS.content,
    cropProbe: options.cropProbe ?? DEFAULT_DEDUP_THRESHOLDS.cropProbe,
    cropContent: options.cropContent ?? DEFAULT_DEDUP_THRESHOLDS.cropContent,
    cropPhash: options.cropPhash ?? DEFAULT_DEDUP_THRESHOLDS.cropPhash,
  };
  for (const kind of [...HASH_KINDS, 'tiltPhash', 'tiltDhash', 'cropProbe', 'cropPhash'] as const) {
    const v = t[kind];
    if (!Number.isInteger(v) || v < -1 || v > 64)
      throw new EngineError(
        'INVALID_ARGUMENT',
        `expected an integer -1..64 for ${kind} but received ${String(v)}`,
      );
  }
  const zoomBits = ZOOM_SCALES.length * 64;
  if (!Number.isInteger(t.zoom) || t.zoom < -1 || t.zoom > zoomBits)
    throw new EngineError(
      'INVALID_ARGUMENT',
      `expected an integer -1..${zoomBits} for zoom but received ${String(t.zoom)}`,
    );
  if (![1, 2, 3].includes(t.minAgreeing))
    throw new EngineError(
      'INVALID_ARGUMENT',
      `expected 1, 2 or 3 for minAgreeing but received ${String(t.minAgreeing)}`,
    );
  if (!(t.cropContent >= 0 && t.cropContent <= 1))
    throw new EngineError(
      'INVALID_ARGUMENT',
      `expected a number 0..1 for cropContent but received ${String(t.cropContent)}`,
    );
  if (!(t.content === -1 || (t.content >= 0 && t.content <= 1)))
    throw new EngineError(
      'INVALID_ARGUMENT',
      `expected -1 or a number 0..1 for content but received ${String(t.content)}`,
    );
  if (!(t.linkScale >= 1))
    throw new EngineError(
      'INVALID_ARGUMENT',
      `expected a number ≥ 1 for linkScale but received ${String(t.linkScale)}`,
    );
  return t;
}

/** Hashes as 32-bit words: [item][transform][kind][hi, lo]. */
function packHashes(items: readonly DedupItem[]): Uint32Array {
  const words = new Uint32Array(items.length * WORDS_PER_ITEM);
  items.forEach((item, i) => {
    DIHEDRAL_TRANSFORMS.forEach((transform, t) => {
      const triple: HashTriple = transform === 'identity' ? item.hashes : item.hashes.variants[transform];
      HASH_KINDS.forEach((kind, k) => {
        const offset = i * WORDS_PER_ITEM + t * WORDS_PER_VARIANT + k * WORDS_PER_HASH;
        words[offset] = hashHigh32(triple[kind]);
        words[offset + 1] = hashLow32(triple[kind]);
      });
    });
  });
  return words;
}

/** Distances between transform t of i and the plain hashes of j ("j ≈ t(i)"). */
function variantMatch(
  words: Uint32Array,
  i: number,
  j: number,
  t: number,
  limits: [number, number, number],
): PairMatch {
  const base = j * WORDS_PER_ITEM;
  const offset = i * WORDS_PER_ITEM + t * WORDS_PER_VARIANT;
  const distances: [number, number, number] = [0, 0, 0];
  let agreeing = 0;
  let sum = 0;
  for (let k = 0; k < HASH_KINDS.length; k++) {
    const w = offset + k * WORDS_PER_HASH;
    const v = base + k * WORDS_PER_HASH;
    const d =
      popcount32(((words[w] ?? 0) ^ (words[v] ?? 0)) >>> 0) +
      popcount32(((words[w + 1] ?? 0) ^ (words[v + 1] ?? 0)) >>> 0);
    distances[k] = d;
    const limit = limits[k] ?? -1;
    if (limit >= 0) {
      sum += d;
      if (d <= limit) agreeing++;
    }
  }
  return { transform: DIHEDRAL_TRANSFORMS[t] ?? 'identity', distances, agreeing, sum };
}

function better(x: PairMatch, y: PairMatch): boolean {
  const xt = x.tilt === undefined && !x.crop ? 0 : 1;
  const yt = y.tilt === undefined && !y.crop ? 0 : 1;
  if (xt !== yt) return xt < yt;
  return x.agreeing > y.agreeing || (x.agreeing === y.agreeing && x.sum < y.sum);
}

/**
 * Tilt rule: some probe of one image (possibly mirrored) agrees with the unrotated box of the other
 * at the same angle, on pHash and dHash. Distances reported are those of the probe.
 */
function tiltMatch(
  a: ImageHashes | undefined,
  b: ImageHashes | undefined,
  limits: TiltLimits,
  check: ((forward: boolean, degrees: number, mirrored: boolean) => boolean) | null,
): PairMatch | null {
  if (!a || !b) return null;
  let best: PairMatch | null = null;
  for (const [from, to, forward] of [
    [a, b, true],
    [b, a, false],
  ] as const) {
    for (const probe of from.tilt.probes) {
      const box = to.tilt.cropped[Math.abs(probe.angle)];
      if (!box) continue;
      for (const mirrored of [false, true]) {
        const h = mirrored ? probe.rotatedMirrored : probe.rotated;
        const dp = hammingDistance(h.phash, box.phash);
        const dd = hammingDistance(h.dhash, box.dhash);
        if (dp > limits.phash || dd > limits.dhash) continue;
        if (best && dp + dd >= best.sum) continue;
        if (check && !check(forward, probe.angle, mirrored)) continue;
        // probe θ un-rotates `from`, so `from` ≈ `to` turned by −θ; seen from a: b ≈ a turned by ±θ.
        const angle = forward ? probe.angle : -probe.angle;
        const match: PairMatch = {
          transform: mirrored ? 'hflip' : 'identity',
          distances: [dp, dd, -1],
          agreeing: 0,
          sum: dp + dd,
          tilt: angle,
        };
        if (!best || match.sum < best.sum) best = match;
      }
    }
  }
  return best;
}

function blockedPairs(
  pairs: ReadonlyArray<readonly [number, number]>,
  indexOf: Map<number, number>,
  n: number,
): Set<number> {
  const blocked = new Set<number>();
  for (const [a, b] of pairs) {
    const i = indexOf.get(a);
    const j = indexOf.get(b);
    if (i === undefined || j === undefined || i === j) continue;
    blocked.add(i < j ? i * n + j : j * n + i);
  }
  return blocked;
}

/** Complete link: every cross pair must be linkable and none may be a "not a duplicate" pair. */
function canMerge(
  left: readonly number[],
  right: readonly number[],
  blocked: Set<number>,
  n: number,
  linkable: (i: number, j: number) => boolean,
): boolean {
  for (const x of left) {
    for (const y of right) {
      if (blocked.has(x < y ? x * n + y : y * n + x)) return false;
    }
  }
  for (const x of left) {
    for (const y of right) {
      if (!linkable(x, y)) return false;
    }
  }
  return true;
}

function toEvidence(
  items: readonly DedupItem[],
  i: number,
  j: number,
  match: PairMatch,
  limits: [number, number, number],
): PairEvidence {
  const idI = items[i]?.id ?? 0;
  const idJ = items[j]?.id ?? 0;
  const swap = idJ < idI;
  const distances = { phash: match.distances[0], dhash: match.distances[1], blockhash: match.distances[2] };
  const agreeing =
    match.tilt === undefined
      ? HASH_KINDS.filter((k, x) => (limits[x] ?? -1) >= 0 && distances[k] <= (limits[x] ?? -1))
      : [];
  const evidence: PairEvidence = {
    a: swap ? idJ : idI,
    b: swap ? idI : idJ,
    transform: swap ? INVERSE[match.transform] : match.transform,
    distances,
    agreeing,
  };
  if (match.tilt !== undefined) evidence.tiltDegrees = swap ? -match.tilt : match.tilt;
  if (match.zoom !== undefined) evidence.zoomDistance = match.zoom;
  if (match.content !== undefined) evidence.content = match.content;
  if (match.crop) evidence.crop = true;
  return evidence;
}

/**
 * The crop rule's content test: the first of the few best alignments that passes (with a caption
 * left out, a wrong scale can agree a little better than the right one), and the best agreement
 * seen (the other direction is only worth measuring when this one came close).
 */
function cropAlignment(
  a: ContentSignature,
  b: ContentSignature,
  hints: readonly Alignment[],
  lim: PairLimits,
  transform: DihedralTransform = 'identity',
): { match: ContentMatch | null; best: number } {
  const candidates = measureContentCandidates(
    a,
    b,
    transform,
    CROP_MIN_SCALE,
    hints,
    CROP_CANDIDATES,
    lim.cropContent,
  );
  const match =
    candidates.find(
      (m) =>
        m.agreement >= lim.cropContent &&
        m.hue >= DEFAULT_CONTENT_LIMITS.hue &&
        // The rule is for crops and overlays the global hashes cannot see past: at the same framing
        // without an overlay the hashes decide (front and back views of one studio shoot agree
        // ~0.91 on their sparse structure).
        (m.overlay || Math.max(Math.abs(1 - m.sx), Math.abs(1 - m.sy)) >= MIN_CROP) &&
        // Edges that agree are not yet the same picture: two people on one studio wall line up on
        // a few sparse edges. The low frequencies of the overlap must agree too.
        alignedPhashDistance(a, b, m, transform) <= lim.cropPhash,
    ) ?? null;
  return { match, best: candidates[0]?.agreement ?? 0 };
}

/** The same alignment seen from the other image (u_B = (u_A − o) / s). */
function invertAlignment<T extends Alignment | null>(m: T): T {
  if (m === null) return m;
  return { ...m, sx: 1 / m.sx, ox: -m.ox / m.sx, sy: 1 / m.sy, oy: -m.oy / m.sy };
}

/** Is either image flat and the pair not the same flat colour? */
function isFlatPair(a: ContentSignature | undefined, b: ContentSignature | undefined): boolean {
  if (!a || !b) return false;
  const m = measureContent(a, b, 'identity');
  return m.flat && m.agreement < 1;
}
