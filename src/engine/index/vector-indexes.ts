/**
 * The three vector indexes of a library (faces, bodies, backgrounds), persisted beside the
 * database. On open they are reconciled with SQLite:
 * - labels with no row (a crash after deleting rows, a stale file) are removed;
 * - rows with no vector (a crash before save, a lost or corrupt file) are reported in `missing`,
 *   and `missingContentIds` names the contents whose vision must run again to restore them.
 */
import { mkdirSync } from 'node:fs';
import type { Logger } from '../../common/logger';
import type { Db } from '../db/open';
import { createVisionRepository } from '../vision/repository';
import {
  DEFAULT_HNSW_PARAMS,
  HnswVectorIndex,
  type HnswParams,
  type VectorIndex,
  type VectorKind,
} from './vector-index';

export const FACE_VECTOR_DIM = 128;

export interface MissingVectors {
  faces: number[];
  bodies: number[];
  backgrounds: number[];
}

export interface VectorIndexes {
  faces: VectorIndex;
  bodies: VectorIndex;
  backgrounds: VectorIndex;
  /** Rows (faces.id, bodies.id, contents.id) that exist in SQLite but have no vector. */
  missing: MissingVectors;
  /** Contents whose vision analysis must be re-run to refill `missing`, sorted. */
  missingContentIds: number[];
  /** Labels that had no row and were removed while opening. */
  removedStray: MissingVectors;
  save(): void;
  close(): void;
}

export interface OpenVectorIndexesOptions {
  dir: string;
  db: Db;
  logger: Logger;
  /** Dimensions of body and background descriptors; taken from the first vector when left out. */
  bodyDim?: number;
  backgroundDim?: number;
  hnsw?: Partial<HnswParams>;
}

export function openVectorIndexes(options: OpenVectorIndexesOptions): VectorIndexes {
  const { dir, db } = options;
  const logger = options.logger.child({ component: 'vector-index' });
  mkdirSync(dir, { recursive: true });
  const params = { ...DEFAULT_HNSW_PARAMS, ...options.hnsw };
  const make = (kind: VectorKind, dim: number | null): HnswVectorIndex => {
    const index = new HnswVectorIndex(kind, dir, logger, dim, params);
    index.load();
    return index;
  };
  // Face vectors are all kept in memory (128 floats, 51 MB per 100k faces): clustering reads them all.
  const faces = new HnswVectorIndex('faces', dir, logger, FACE_VECTOR_DIM, {
    ...params,
    cacheEntries: options.hnsw?.cacheEntries ?? 2_000_000,
  });
  faces.load();
  const bodies = make('bodies', options.bodyDim ?? null);
  const backgrounds = make('backgrounds', options.backgroundDim ?? null);

  const rows = createVisionRepository(db);
  const expected: Record<VectorKind, number[]> = {
    faces: rows.faceIds(),
    bodies: rows.bodyIds(),
    // A background vector exists for every content whose vision run succeeded.
    backgrounds: rows.analysedContentIds(),
  };
  const missing: MissingVectors = { faces: [], bodies: [], backgrounds: [] };
  const removedStray: MissingVectors = { faces: [], bodies: [], backgrounds: [] };
  for (const index of [faces, bodies, backgrounds]) {
    const known = new Set(expected[index.kind]);
    for (const id of index.ids()) {
      if (!known.has(id)) {
        index.remove(id);
        removedStray[index.kind].push(id);
      }
    }
    missing[index.kind] = expected[index.kind].filter((id) => !index.has(id));
  }

  const contents = new Set<number>(missing.backgrounds);
  for (const id of missing.faces) {
    const c = rows.contentOfFace(id);
    if (c !== null) contents.add(c);
  }
  for (const id of missing.bodies) {
    const c = rows.contentOfBody(id);
    if (c !== null) contents.add(c);
  }
  const missingContentIds = [...contents].sort((a, b) => a - b);
  const counts = (m: MissingVectors) => ({
    faces: m.faces.length,
    bodies: m.bodies.length,
    backgrounds: m.backgrounds.length,
  });
  if (missingContentIds.length > 0)
    logger.warn('vectors missing; vision must re-run for some contents', {
      ...counts(missing),
      contents: missingContentIds.length,
    });
  if (removedStray.faces.length + removedStray.bodies.length + removedStray.backgrounds.length > 0) {
    logger.info('stray vectors removed', counts(removedStray));
  }

  let closed = false;
  return {
    faces,
    bodies,
    backgrounds,
    missing,
    missingContentIds,
    removedStray,
    save() {
      if (closed) return;
      for (const index of [faces, bodies, backgrounds]) if (index.isDirty()) index.save();
    },
    close() {
      if (closed) return;
      for (const index of [faces, bodies, backgrounds]) {
        if (index.isDirty()) index.save();
        index.close();
      }
      closed = true;
    },
  };
}
