/**
 * Multi-index hashing (Norouzi et al.): the 64 bits are cut into m chunks, each with an exact-match
 * table. By the pigeonhole principle, two hashes within distance r agree to within ⌊r/m⌋ bits on at
 * least one chunk, so a query only visits the buckets of keys within ⌊r/m⌋ of its own chunks and then
 * verifies the full distance. Results are exact (same as brute force), without touching all pairs.
 */
import { hashHigh32, hashLow32, popcount32, type Hash64 } from './hash64';

export interface HammingMatch {
  /** Position of the matching hash in the array given to the index. */
  index: number;
  distance: number;
}

export interface HammingIndexOptions {
  /** Largest radius that will be queried; used to choose the number of chunks. */
  maxRadius: number;
  /** Force a number of chunks (4..16); chosen from n and maxRadius when left out. */
  chunks?: number;
}

const MIN_CHUNKS = 4;
const MAX_CHUNKS = 16;

interface ChunkTable {
  shift: bigint;
  mask: bigint;
  bits: number;
  /** CSR layout: members of key k are items[offsets[k] .. offsets[k + 1]). */
  offsets: Int32Array;
  items: Int32Array;
}

export class HammingIndex {
  readonly size: number;
  readonly chunkCount: number;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly tables: ChunkTable[];
  private readonly seen: Int32Array;
  private queryStamp = 0;

  constructor(hashes: readonly Hash64[], options: HammingIndexOptions) {
    if (!Number.isInteger(options.maxRadius) || options.maxRadius < 0 || options.maxRadius > 64) {
      throw new RangeError(`expected an integer 0..64 for maxRadius but received ${options.maxRadius}`);
    }
    this.size = hashes.length;
    this.chunkCount = options.chunks ?? chooseChunkCount(hashes.length, options.maxRadius);
    if (!Number.isInteger(this.chunkCount) || this.chunkCount < MIN_CHUNKS || this.chunkCount > MAX_CHUNKS) {
      throw new RangeError(`expected ${MIN_CHUNKS}..${MAX_CHUNKS} for chunks but received ${this.chunkCount}`);
    }
    this.hi = new Uint32Array(hashes.length);
    this.lo = new Uint32Array(hashes.length);
    hashes.forEach((h, i) => {
      this.hi[i] = hashHigh32(h);
      this.lo[i] = hashLow32(h);
    });
    this.seen = new Int32Array(hashes.length);
    this.tables = chunkLayout(this.chunkCount).map(({ start, bits }) => buildTable(hashes, start, bits));
  }

  /** Every indexed hash within `radius` of `hash` (radius ≤ 64), in index order. */
  query(hash: Hash64, radius: number): HammingMatch[] {
    const matches: HammingMatch[] = [];
    this.forEachWithin(hash, radius, (index, distance) => matches.push({ index, distance }));
    return matches.sort((a, b) => a.index - b.index);
  }

  /** Calls `visit` once for every indexed hash within `radius` of `hash` (unordered). */
  forEachWithin(hash: Hash64, radius: number, visit: (index: number, distance: number) => void): void {
    if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`expected a non-negative integer radius but received ${radius}`);
    const subRadius = Math.floor(radius / this.chunkCount);
    const qHi = hashHigh32(hash);
    const qLo = hashLow32(hash);
    this.queryStamp++;
    if (this.queryStamp === 0x7fffffff) {
      this.seen.fill(0);
      this.queryStamp = 1;
    }
    const stamp = this.queryStamp;
    for (const table of this.tables) {
      const key = Number((hash >> table.shift) & table.mask);
      forEachKeyWithin(key, table.bits, subRadius, (k) => {
        const end = table.offsets[k + 1] ?? 0;
        for (let p = table.offsets[k] ?? 0; p < end; p++) {
          const i = table.items[p] ?? 0;
          if (this.seen[i] === stamp) continue;
          this.seen[i] = stamp;
          const d = popcount32(((this.hi[i] ?? 0) ^ qHi) >>> 0) + popcount32(((this.lo[i] ?? 0) ^ qLo) >>> 0);
          if (d <= radius) visit(i, d);
        }
      });
    }
  }

  /** All pairs (i < j) of indexed hashes within `radius`, sorted by i then j. */
  pairsWithin(radius: number): Array<[number, number, number]> {
    const pairs: Array<[number, number, number]> = [];
    for (let i = 0; i < this.size; i++) {
      const h = (BigInt(this.hi[i] ?? 0) << 32n) | BigInt(this.lo[i] ?? 0);
      const row: Array<[number, number, number]> = [];
      this.forEachWithin(h, radius, (j, d) => {
        if (j > i) row.push([i, j, d]);
      });
      row.sort((a, b) => a[1] - b[1]);
      for (const p of row) pairs.push(p);
    }
    return pairs;
  }
}

/** Contiguous chunks from the most significant bit, sizes differing by at most one. */
function chunkLayout(chunks: number): Array<{ start: number; bits: number }> {
  const layout: Array<{ start: number; bits: number }> = [];
  let start = 0;
  for (let c = 0; c < chunks; c++) {
    const bits = Math.floor(64 / chunks) + (c < 64 % chunks ? 1 : 0);
    layout.push({ start, bits });
    start += bits;
  }
  return layout;
}

function buildTable(hashes: readonly Hash64[], start: number, bits: number): ChunkTable {
  const shift = BigInt(64 - start - bits);
  const mask = (1n << BigInt(bits)) - 1n;
  const keys = new Int32Array(hashes.length);
  const offsets = new Int32Array((1 << bits) + 1);
  hashes.forEach((h, i) => {
    const key = Number((h >> shift) & mask);
    keys[i] = key;
    offsets[key + 1] = (offsets[key + 1] ?? 0) + 1;
  });
  for (let k = 0; k < 1 << bits; k++) offsets[k + 1] = (offsets[k + 1] ?? 0) + (offsets[k] ?? 0);
  const fill = offsets.slice(0, 1 << bits);
  const items = new Int32Array(hashes.length);
  for (let i = 0; i < hashes.length; i++) {
    const key = keys[i] ?? 0;
    const at = fill[key] ?? 0;
    items[at] = i;
    fill[key] = at + 1;
  }
  return { shift, mask, bits, offsets, items };
}

/** Visits every `bits`-bit key within Hamming distance `radius` of `key` (each exactly once). */
function forEachKeyWithin(key: number, bits: number, radius: number, visit: (k: number) => void): void {
  visit(key);
  const flip = (current: number, from: number, left: number): void => {
    for (let b = from; b < bits; b++) {
      const next = current ^ (1 << b);
      visit(next);
      if (left > 1) flip(next, b + 1, left - 1);
    }
  };
  if (radius > 0) flip(key, 0, Math.min(radius, bits));
}

function binomialSum(n: number, k: number): number {
  let total = 0;
  let term = 1;
  for (let i = 0; i <= Math.min(k, n); i++) {
    total += term;
    term = (term * (n - i)) / (i + 1);
  }
  return total;
}

/** Picks m minimising (keys probed) × (1 + expected bucket size) for uniformly spread hashes. */
function chooseChunkCount(n: number, maxRadius: number): number {
  let best = MIN_CHUNKS;
  let bestCost = Infinity;
  for (let m = MIN_CHUNKS; m <= MAX_CHUNKS; m++) {
    const bits = Math.ceil(64 / m);
    const probes = m * binomialSum(bits, Math.floor(maxRadius / m));
    const cost = probes * (1 + n / 2 ** bits);
    if (cost < bestCost) {
      bestCost = cost;
      best = m;
    }
  }
  return best;
}
