/**
 * Multi-index hashing (Norouzi, Punjani, Fleet): the 64 bits are cut into m chunks, each with an
 * exact-match table. Pigeonhole: if every chunk i differed by more than t_i bits, the total distance
 * would exceed Σ(t_i + 1); so with Σ t_i ≥ r − m + 1 two hashes within distance r agree to within
 * t_i bits on at least one chunk. A query visits only the buckets of keys within t_i of its own chunks
 * (t_i = −1 skips a chunk) and verifies the full distance. Results equal brute force.
 */
import { hashHigh32, hashLow32, popcount32, type Hash64 } from './hash64';

export interface HammingMatch {
  /** Position of the matching hash in the array given to the index. */
  index: number;
  distance: number;
}

/** Hashes as their high and low 32-bit words (same length), e.g. packed once for many indices. */
export interface HashWords {
  hi: Uint32Array;
  lo: Uint32Array;
}

export interface HammingIndexOptions {
  /** Largest radius that will usually be queried; used to choose the number of chunks. */
  maxRadius: number;
  /** Force a number of chunks (4..16); chosen from n and maxRadius when left out. */
  chunks?: number;
}

const MIN_CHUNKS = 4;
const MAX_CHUNKS = 16;
const PROBE_COST = 8;

interface ChunkTable {
  start: number;
  bits: number;
  /** CSR layout: members of key k are items[offsets[k] .. offsets[k + 1]). */
  offsets: Int32Array;
  items: Int32Array;
  /** The hashes' words in bucket order, so scanning a bucket reads memory sequentially. */
  itemHi: Uint32Array;
  itemLo: Uint32Array;
}

export class HammingIndex {
  readonly size: number;
  readonly chunkCount: number;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly tables: ChunkTable[];
  private readonly seen: Int32Array;
  private queryStamp = 0;
  private readonly probeCache = new Map<number, Array<Int32Array | null>>();

  constructor(hashes: readonly Hash64[] | HashWords, options: HammingIndexOptions) {
    if (!Number.isInteger(options.maxRadius) || options.maxRadius < 0 || options.maxRadius > 64) {
      throw new RangeError(`expected an integer 0..64 for maxRadius but received ${options.maxRadius}`);
    }
    const words = 'hi' in hashes ? hashes : null;
    if (words && words.hi.length !== words.lo.length)
      throw new RangeError(
        `expected as many low words as high words but received ${words.lo.length} and ${words.hi.length}`,
      );
    this.size = words ? words.hi.length : (hashes as readonly Hash64[]).length;
    this.chunkCount = options.chunks ?? chooseChunkCount(this.size, options.maxRadius);
    if (!Number.isInteger(this.chunkCount) || this.chunkCount < MIN_CHUNKS || this.chunkCount > MAX_CHUNKS) {
      throw new RangeError(
        `expected ${MIN_CHUNKS}..${MAX_CHUNKS} for chunks but received ${this.chunkCount}`,
      );
    }
    if (words) {
      this.hi = words.hi;
      this.lo = words.lo;
    } else {
      const list = hashes as readonly Hash64[];
      this.hi = new Uint32Array(this.size);
      this.lo = new Uint32Array(this.size);
      list.forEach((h, i) => {
        this.hi[i] = hashHigh32(h);
        this.lo[i] = hashLow32(h);
      });
    }
    this.seen = new Int32Array(this.size);
    this.tables = chunkLayout(this.chunkCount).map(({ start, bits }) =>
      buildTable(this.hi, this.lo, start, bits),
    );
  }

  /** Every indexed hash within `radius` of `hash`, in index order. */
  query(hash: Hash64, radius: number): HammingMatch[] {
    const matches: HammingMatch[] = [];
    this.forEachWithinWords(hashHigh32(hash), hashLow32(hash), radius, (index, distance) =>
      matches.push({ index, distance }),
    );
    return matches.sort((a, b) => a.index - b.index);
  }

  /** Calls `visit` once for every indexed hash within `radius` of `hash` (unordered). */
  forEachWithin(hash: Hash64, radius: number, visit: (index: number, distance: number) => void): void {
    this.forEachWithinWords(hashHigh32(hash), hashLow32(hash), radius, visit);
  }

  /** Same as forEachWithin with the hash given as its high and low 32-bit words. */
  forEachWithinWords(
    qHi: number,
    qLo: number,
    radius: number,
    visit: (index: number, distance: number) => void,
  ): void {
    if (!Number.isInteger(radius) || radius < 0)
      throw new RangeError(`expected a non-negative integer radius but received ${radius}`);
    const probes = this.probesFor(radius);
    this.queryStamp++;
    if (this.queryStamp === 0x7fffffff) {
      this.seen.fill(0);
      this.queryStamp = 1;
    }
    const stamp = this.queryStamp;
    const { seen, tables } = this;
    for (let c = 0; c < tables.length; c++) {
      const masks = probes[c];
      const table = tables[c];
      if (!masks || !table) continue;
      const key = chunkKey(qHi, qLo, table.start, table.bits);
      const { offsets, items, itemHi, itemLo } = table;
      for (let m = 0; m < masks.length; m++) {
        const k = key ^ (masks[m] ?? 0);
        const end = offsets[k + 1] ?? 0;
        for (let p = offsets[k] ?? 0; p < end; p++) {
          // The high word alone often exceeds the radius: skip the second popcount then.
          const dHi = popcount32(((itemHi[p] ?? 0) ^ qHi) >>> 0);
          if (dHi > radius) continue;
          const d = dHi + popcount32(((itemLo[p] ?? 0) ^ qLo) >>> 0);
          if (d > radius) continue;
          const i = items[p] ?? 0;
          if (seen[i] === stamp) continue;
          seen[i] = stamp;
          visit(i, d);
        }
      }
    }
  }

  /**
   * Calls `visit(q, index, distance)` once for every query q (given as words) and every indexed hash
   * within `radius` of it: the same pairs as `forEachWithinWords` for each query, in another order.
   * For many queries this is several times faster: per chunk and probe mask the queries are taken in
   * the order of their chunk key, so the tables are read nearly in sequence instead of at random
   * (random bucket reads, i.e. cache misses, are most of a query's cost on a large index).
   */
  forEachPairWithin(
    queries: HashWords,
    radius: number,
    visit: (query: number, index: number, distance: number) => void,
  ): void {
    if (!Number.isInteger(radius) || radius < 0)
      throw new RangeError(`expected a non-negative integer radius but received ${radius}`);
    const { hi: qHi, lo: qLo } = queries;
    if (qHi.length !== qLo.length)
      throw new RangeError(
        `expected as many low words as high words but received ${qLo.length} and ${qHi.length}`,
      );
    const count = qHi.length;
    const probes = this.probesFor(radius);
    const budgets = chunkBudgets(radius, this.chunkCount);
    const keys = new Int32Array(count);
    const order = new Int32Array(count);
    const { tables } = this;
    for (let c = 0; c < tables.length; c++) {
      const masks = probes[c];
      const table = tables[c];
      if (!masks || !table) continue;
      const { offsets, items, itemHi, itemLo, start, bits } = table;
      // Counting sort of the queries by their key in this chunk.
      const starts = new Int32Array((1 << bits) + 1);
      for (let q = 0; q < count; q++) {
        const key = chunkKey(qHi[q] ?? 0, qLo[q] ?? 0, start, bits);
        keys[q] = key;
        starts[key + 1] = (starts[key + 1] ?? 0) + 1;
      }
      for (let k = 0; k < 1 << bits; k++) starts[k + 1] = (starts[k + 1] ?? 0) + (starts[k] ?? 0);
      for (let q = 0; q < count; q++) {
        const key = keys[q] ?? 0;
        const at = starts[key] ?? 0;
        order[at] = q;
        starts[key] = at + 1;
      }
      for (let m = 0; m < masks.length; m++) {
        const mask = masks[m] ?? 0;
        for (let s = 0; s < count; s++) {
          const q = order[s] ?? 0;
          const hi = qHi[q] ?? 0;
          const lo = qLo[q] ?? 0;
          const k = (keys[q] ?? 0) ^ mask;
          const end = offsets[k + 1] ?? 0;
          for (let p = offsets[k] ?? 0; p < end; p++) {
            const xHi = ((itemHi[p] ?? 0) ^ hi) >>> 0;
            const dHi = popcount32(xHi);
            if (dHi > radius) continue;
            const xLo = ((itemLo[p] ?? 0) ^ lo) >>> 0;
            const d = dHi + popcount32(xLo);
            if (d > radius) continue;
            // Found in an earlier chunk already (within that chunk's budget): report once only.
            if (foundInEarlierChunk(xHi, xLo, c, tables, budgets)) continue;
            visit(q, items[p] ?? 0, d);
          }
        }
      }
    }
  }

  /** Per chunk, the key masks a query at `radius` probes (null = chunk skipped), cached per radius. */
  private probesFor(radius: number): Array<Int32Array | null> {
    const cached = this.probeCache.get(radius);
    if (cached) return cached;
    const budgets = chunkBudgets(radius, this.chunkCount);
    const probes = this.tables.map((table, c) => {
      const budget = budgets[c] ?? -1;
      return budget < 0 ? null : flipMasks(table.bits, budget);
    });
    this.probeCache.set(radius, probes);
    return probes;
  }

  /** All pairs (i < j) of indexed hashes within `radius`, sorted by i then j. */
  pairsWithin(radius: number): Array<[number, number, number]> {
    const pairs: Array<[number, number, number]> = [];
    const row: Array<[number, number, number]> = [];
    for (let i = 0; i < this.size; i++) {
      row.length = 0;
      this.forEachWithinWords(this.hi[i] ?? 0, this.lo[i] ?? 0, radius, (j, d) => {
        if (j > i) row.push([i, j, d]);
      });
      row.sort((a, b) => a[1] - b[1]);
      for (const p of row) pairs.push(p);
    }
    return pairs;
  }
}

/** Whether the difference (xHi, xLo) is within budget on some chunk before `chunk`. */
function foundInEarlierChunk(
  xHi: number,
  xLo: number,
  chunk: number,
  tables: readonly ChunkTable[],
  budgets: readonly number[],
): boolean {
  for (let c = 0; c < chunk; c++) {
    const table = tables[c];
    const budget = budgets[c] ?? -1;
    if (table && budget >= 0 && popcount32(chunkKey(xHi, xLo, table.start, table.bits)) <= budget)
      return true;
  }
  return false;
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

/** Per-chunk error budgets t_i (−1 = skip) with Σ t_i = r − m + 1, larger chunks get the extra bits. */
function chunkBudgets(radius: number, chunks: number): number[] {
  const total = radius - chunks + 1;
  const base = Math.floor(total / chunks);
  const extra = total - base * chunks;
  return Array.from({ length: chunks }, (_, c) => base + (c < extra ? 1 : 0));
}

/** Bits [start, start + bits) of the 64-bit word pair, counted from the most significant bit. */
function chunkKey(hi: number, lo: number, start: number, bits: number): number {
  const end = start + bits;
  const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  if (end <= 32) return (hi >>> (32 - end)) & mask;
  if (start >= 32) return (lo >>> (64 - end)) & mask;
  const loBits = end - 32;
  const fromHi = (hi & ((1 << (32 - start)) - 1)) << loBits;
  const fromLo = loBits === 32 ? lo : lo >>> (32 - loBits);
  return (fromHi | fromLo) & mask;
}

function buildTable(hi: Uint32Array, lo: Uint32Array, start: number, bits: number): ChunkTable {
  const n = hi.length;
  const keys = new Int32Array(n);
  const offsets = new Int32Array((1 << bits) + 1);
  for (let i = 0; i < n; i++) {
    const key = chunkKey(hi[i] ?? 0, lo[i] ?? 0, start, bits);
    keys[i] = key;
    offsets[key + 1] = (offsets[key + 1] ?? 0) + 1;
  }
  for (let k = 0; k < 1 << bits; k++) offsets[k + 1] = (offsets[k + 1] ?? 0) + (offsets[k] ?? 0);
  const fill = offsets.slice(0, 1 << bits);
  const items = new Int32Array(n);
  const itemHi = new Uint32Array(n);
  const itemLo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i] ?? 0;
    const at = fill[key] ?? 0;
    items[at] = i;
    itemHi[at] = hi[i] ?? 0;
    itemLo[at] = lo[i] ?? 0;
    fill[key] = at + 1;
  }
  return { start, bits, offsets, items, itemHi, itemLo };
}

const maskCache = new Map<number, Int32Array>();

/** All `bits`-bit masks with at most `radius` bits set (0 first), cached. */
function flipMasks(bits: number, radius: number): Int32Array {
  const cacheKey = bits * 100 + radius;
  const cached = maskCache.get(cacheKey);
  if (cached) return cached;
  const masks: number[] = [0];
  const extend = (mask: number, from: number, left: number): void => {
    for (let b = from; b < bits; b++) {
      const next = mask | (1 << b);
      masks.push(next);
      if (left > 1) extend(next, b + 1, left - 1);
    }
  };
  if (radius > 0) extend(0, 0, Math.min(radius, bits));
  const result = Int32Array.from(masks);
  maskCache.set(cacheKey, result);
  return result;
}

function binomialSum(n: number, k: number): number {
  if (k < 0) return 0;
  let total = 0;
  let term = 1;
  for (let i = 0; i <= Math.min(k, n); i++) {
    total += term;
    term = (term * (n - i)) / (i + 1);
  }
  return total;
}

/**
 * Picks m minimising Σ keys probed × (PROBE_COST + expected bucket size) for uniformly spread
 * hashes: a probe is a random memory access, a bucket entry a sequential read.
 */
function chooseChunkCount(n: number, maxRadius: number): number {
  let best = MIN_CHUNKS;
  let bestCost = Infinity;
  for (let m = MIN_CHUNKS; m <= MAX_CHUNKS; m++) {
    const budgets = chunkBudgets(maxRadius, m);
    const cost = chunkLayout(m).reduce(
      (sum, { bits }, c) => sum + binomialSum(bits, budgets[c] ?? -1) * (PROBE_COST + n / 2 ** bits),
      0,
    );
    if (cost < bestCost) {
      bestCost = cost;
      best = m;
    }
  }
  return best;
}
