/**
 * One HNSW index (hnswlib, cosine space) whose labels are SQLite row ids. The vectors live only
 * here; SQLite holds everything else. hnswlib keeps deleted labels in its lookup table, so the set
 * of live labels is tracked beside it (and rebuilt on load by probing each label).
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { EngineError } from '../../common/errors';
import type { Logger } from '../../common/logger';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export type VectorKind = 'faces' | 'bodies' | 'backgrounds';

export interface VectorMatch {
  id: number;
  /** Cosine distance, 1 - cos(a, b), in [0, 2]. */
  distance: number;
}

export interface VectorIndex {
  readonly kind: VectorKind;
  /** Vector length, or null while the index is empty and no dimension was given. */
  readonly dim: number | null;
  add(id: number, vector: Float32Array | readonly number[]): void;
  remove(id: number): boolean;
  has(id: number): boolean;
  get(id: number): Float32Array | null;
  search(
    vector: Float32Array | readonly number[],
    k: number,
    filter?: (id: number) => boolean,
  ): VectorMatch[];
  size(): number;
  ids(): number[];
}

export interface HnswParams {
  m: number;
  efConstruction: number;
  efSearch: number;
  initialCapacity: number;
  /**
   * Vectors kept in memory beside the index. hnswlib's getPoint builds a JS array element by
   * element and dominated clustering time, so recently added or read vectors are cached (the files
   * stay the only persistent copy).
   */
  cacheEntries: number;
}

/** M=16, efConstruction=100: recall@17 0.9997 against exact search on 100k face-like vectors (bench:people); 48 halves the build time for 0.994. */
export const DEFAULT_HNSW_PARAMS: HnswParams = {
  m: 16,
  efConstruction: 100,
  efSearch: 64,
  initialCapacity: 1024,
  cacheEntries: 20_000,
};

const FILE_PATTERN = /^(faces|bodies|backgrounds)-d(\d+)\.hnsw$/;

export function indexFileName(kind: VectorKind, dim: number): string {
  return `${kind}-d${dim}.hnsw`;
}

/** Finds the stored file of a kind; the dimension is part of the name so one rename publishes both. */
export function findIndexFile(dir: string, kind: VectorKind): { file: string; dim: number } | null {
  if (!existsSync(dir)) return null;
  const found = readdirSync(dir)
    .map((name) => FILE_PATTERN.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === kind)
    .map((m) => ({ file: path.join(dir, m[0]), dim: Number(m[2]) }));
  return found[0] ?? null;
}

export class HnswVectorIndex implements VectorIndex {
  private index: Hnsw | null = null;
  private live = new Set<number>();
  /** Labels marked deleted: they keep their slot, and re-adding one reuses it. */
  private tombstones = new Set<number>();
  private readonly cache = new Map<number, Float32Array>();
  private currentDim: number | null;
  private dirty = false;

  constructor(
    readonly kind: VectorKind,
    private readonly dir: string,
    private readonly logger: Logger,
    fixedDim: number | null,
    private readonly params: HnswParams = DEFAULT_HNSW_PARAMS,
  ) {
    this.currentDim = fixedDim;
  }

  get dim(): number | null {
    return this.currentDim;
  }

  /** Loads the stored file if there is one. Returns false when it was missing or unreadable (index left empty). */
  load(): boolean {
    const stored = findIndexFile(this.dir, this.kind);
    if (stored === null) return false;
    if (this.currentDim !== null && stored.dim !== this.currentDim) {
      this.logger.warn('vector index has the wrong dimension; rebuilding empty', {
        kind: this.kind,
        stored: stored.dim,
        expected: this.currentDim,
      });
      return false;
    }
    const index = new HierarchicalNSW('cosine', stored.dim);
    try {
      index.readIndexSync(stored.file);
    } catch (error) {
      this.logger.warn('vector index unreadable; rebuilding empty', {
        kind: this.kind,
        file: stored.file,
        error: String(error),
      });
      return false;
    }
    const live = new Set<number>();
    const tombstones = new Set<number>();
    for (const label of index.getIdsList()) {
      try {
        index.getPoint(label);
        live.add(label);
      } catch {
        tombstones.add(label); // marked deleted: hnswlib answers "Label not found"
      }
    }
    index.setEf(this.params.efSearch);
    this.index = index;
    this.live = live;
    this.tombstones = tombstones;
    this.currentDim = stored.dim;
    return true;
  }

  add(id: number, vector: Float32Array | readonly number[]): void {
    if (!Number.isInteger(id) || id <= 0)
      throw new EngineError(
        'INVALID_ARGUMENT',
        `expected a positive integer id for ${this.kind} but received ${id}`,
      );
    const index = this.ensureIndex(vector.length);
    if (vector.length !== this.currentDim) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `expected a vector of ${this.currentDim} for ${this.kind} but received ${vector.length}`,
      );
    }
    const hasSlot = this.live.has(id) || this.tombstones.has(id);
    if (!hasSlot && index.getCurrentCount() >= index.getMaxElements()) {
      index.resizeIndex(Math.max(this.params.initialCapacity, Math.ceil(index.getMaxElements() * 1.5)));
    }
    // Re-adding a label (live or marked deleted) updates it in place and clears the deletion mark.
    index.addPoint(Array.from(vector), id);
    this.tombstones.delete(id);
    this.live.add(id);
    this.remember(id, normalized(vector));
    this.dirty = true;
  }

  remove(id: number): boolean {
    if (this.index === null || !this.live.has(id)) return false;
    this.index.markDelete(id);
    this.live.delete(id);
    this.cache.delete(id);
    this.tombstones.add(id);
    this.dirty = true;
    return true;
  }

  has(id: number): boolean {
    return this.live.has(id);
  }

  /** The stored (L2-normalised) vector. The array may be shared with the cache: do not modify it. */
  get(id: number): Float32Array | null {
    if (this.index === null || !this.live.has(id)) return null;
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const vector = Float32Array.from(this.index.getPoint(id));
    this.remember(id, vector);
    return vector;
  }

  private remember(id: number, vector: Float32Array): void {
    if (this.params.cacheEntries <= 0) return;
    this.cache.delete(id);
    this.cache.set(id, vector);
    if (this.cache.size > this.params.cacheEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
  }

  search(
    vector: Float32Array | readonly number[],
    k: number,
    filter?: (id: number) => boolean,
  ): VectorMatch[] {
    if (this.index === null || this.live.size === 0 || k <= 0) return [];
    if (vector.length !== this.currentDim) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `expected a query of ${this.currentDim} for ${this.kind} but received ${vector.length}`,
      );
    }
    const wanted = Math.min(k, this.live.size);
    this.index.setEf(Math.max(this.params.efSearch, wanted));
    const result =
      filter === undefined
        ? this.index.searchKnn(Array.from(vector), wanted)
        : this.index.searchKnn(Array.from(vector), wanted, filter);
    const matches: VectorMatch[] = [];
    result.neighbors.forEach((id, i) =>
      matches.push({ id, distance: Math.max(0, result.distances[i] ?? 2) }),
    );
    return matches;
  }

  size(): number {
    return this.live.size;
  }

  ids(): number[] {
    return [...this.live].sort((a, b) => a - b);
  }

  /** Labels marked deleted but still occupying slots. */
  deletedCount(): number {
    return this.tombstones.size;
  }

  isDirty(): boolean {
    return this.dirty;
  }

  /**
   * Writes the index atomically (temp file, fsync by hnswlib's close, rename). When more than a
   * quarter of the slots are tombstones the index is rebuilt compactly first.
   */
  save(): void {
    if (this.index === null || this.currentDim === null) return;
    if (this.tombstones.size > 0 && this.tombstones.size > this.live.size / 3) this.compact();
    const target = path.join(this.dir, indexFileName(this.kind, this.currentDim));
    const temp = `${target}.tmp-${process.pid}`;
    this.index.writeIndexSync(temp);
    renameSync(temp, target);
    // A dimension change (bodies/backgrounds model swapped) leaves an older file behind.
    for (const name of readdirSync(this.dir)) {
      const m = FILE_PATTERN.exec(name);
      if (m !== null && m[1] === this.kind && Number(m[2]) !== this.currentDim)
        rmSync(path.join(this.dir, name), { force: true });
    }
    this.dirty = false;
  }

  close(): void {
    this.index = null;
    this.live.clear();
    this.tombstones.clear();
    this.cache.clear();
  }

  private ensureIndex(dim: number): Hnsw {
    if (this.index !== null) return this.index;
    if (this.currentDim === null) this.currentDim = dim;
    const index = new HierarchicalNSW('cosine', this.currentDim);
    index.initIndex({
      maxElements: this.params.initialCapacity,
      m: this.params.m,
      efConstruction: this.params.efConstruction,
      randomSeed: 100,
    });
    index.setEf(this.params.efSearch);
    this.index = index;
    return index;
  }

  private compact(): void {
    const old = this.index;
    if (old === null || this.currentDim === null) return;
    const index = new HierarchicalNSW('cosine', this.currentDim);
    index.initIndex({
      maxElements: Math.max(this.params.initialCapacity, Math.ceil(this.live.size * 1.25)),
      m: this.params.m,
      efConstruction: this.params.efConstruction,
      randomSeed: 100,
    });
    index.setEf(this.params.efSearch);
    for (const id of this.live) index.addPoint(old.getPoint(id), id);
    this.logger.info('vector index compacted', {
      kind: this.kind,
      live: this.live.size,
      dropped: this.tombstones.size,
    });
    this.index = index;
    this.tombstones.clear();
  }
}

function normalized(vector: Float32Array | readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  let sum = 0;
  for (const x of out) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0 && Math.abs(norm - 1) > 1e-6)
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / norm;
  return out;
}
