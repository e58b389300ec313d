/**
 * The vision domain: the scan's vision stage (faces, bodies and a background per photo, stored in
 * SQLite and the HNSW indexes) and the read-outs of what it found. Models are loaded on the first
 * scan with vision, so a library scanned with --no-ml never loads them.
 */
import path from 'node:path';
import type { BodyExport, FaceExport } from '../../common/contract/types';
import { iou, type Rect } from '../../common/geometry';
import type { Logger } from '../../common/logger';
import type { Raster } from '../../common/raster';
import type { Db } from '../db/open';
import { openVectorIndexes, type VectorIndexes } from '../index/vector-indexes';
import { createVisionPipeline, ensureModels, type VisionPipeline, type VisionResult } from '../ml';
import { createModelRegistry, readManifest } from '../ml/models/manifest';
import { BODY_DESCRIPTOR_DIM, visionVersion } from '../ml/vision/persons';
import type { VisionStage } from '../scan/scan-job';
import type { StoredBox, VisionRepository } from './repository';

/**
 * The library's vector indexes, opened on first use (`get`). An explicit handle, so that a library
 * scanned without vision never opens them and closing knows whether there is anything to save.
 */
export interface LibraryVectors {
  get(this: void): VectorIndexes;
  /** Saves the indexes if they are open. */
  save(): void;
  close(): void;
}

export function libraryVectors(options: {
  dataDir: string;
  db: Db;
  repo: VisionRepository;
  logger: Logger;
}): LibraryVectors {
  let opened: VectorIndexes | null = null;
  const get = (): VectorIndexes => {
    if (opened) return opened;
    // The body dimension is fixed so that descriptors of an older version are dropped (and recomputed) rather than mixed.
    const v = openVectorIndexes({
      dir: path.join(options.dataDir, 'vectors'),
      db: options.db,
      logger: options.logger,
      bodyDim: BODY_DESCRIPTOR_DIM,
    });
    if (v.missingContentIds.length > 0) {
      // Vectors lost (crash before save, deleted file): make those contents analysed again.
      options.repo.forgetRuns(v.missingContentIds);
      options.logger.warn(
        'vector index was missing vectors; those photos will be analysed again on the next scan',
        { contents: v.missingContentIds.length },
      );
    }
    return (opened = v);
  };
  return {
    get,
    save: () => opened?.save(),
    close() {
      if (!opened) return;
      opened.save();
      opened.close();
      opened = null;
    },
  };
}

export interface VisionService {
  /** The scan's vision stage; loads (and if needed builds) the models on first use. */
  stage(): Promise<VisionStage>;
  faceCount(): number;
  exportFaces(withEmbeddings: boolean): FaceExport[];
  exportBodies(): BodyExport[];
  dispose(): Promise<void>;
}

/** Vectors are saved at least this often during a long scan, so a crash loses little work. */
const SAVE_EVERY_MS = 30_000;

export function createVisionService(deps: {
  repo: VisionRepository;
  vectors: LibraryVectors;
  modelsDir: string;
  logger: Logger;
}): VisionService {
  const { repo, vectors, logger } = deps;
  let pipeline: VisionPipeline | null = null;
  let stage: VisionStage | null = null;
  let savedAt = Date.now();

  /** Keeps row ids (and so the user's person assignments) for detections that match the previous run. */
  function matchRows(previous: readonly StoredBox[], boxes: readonly Rect[]): Array<number | null> {
    const used = new Set<number>();
    return boxes.map((box) => {
      let best: { id: number; score: number } | null = null;
      for (const p of previous) {
        if (used.has(p.id)) continue;
        const s = iou(box, p.box);
        if (s > 0.5 && (!best || s > best.score)) best = { id: p.id, score: s };
      }
      if (best) used.add(best.id);
      return best?.id ?? null;
    });
  }

  function store(contentId: number, result: VisionResult, scale: number): void {
    const v = vectors.get();
    const scaleBox = (b: Rect): Rect => [b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale];
    const faceBoxes = result.faces.map((f) => scaleBox(f.box));
    const bodyBoxes = result.persons.map((p) => scaleBox(p.box));
    const oldFaces = repo.faceBoxes(contentId);
    const oldBodies = repo.bodyBoxes(contentId);
    const version = result.modelVersion;
    repo.transaction(() => {
      repo.park(contentId);
      const matchedFaces = matchRows(oldFaces, faceBoxes);
      for (const old of oldFaces) if (!matchedFaces.includes(old.id)) repo.deleteFace(old.id);
      const faceIds = result.faces.map((f, idx) => {
        const face = {
          idx,
          box: faceBoxes[idx] as Rect,
          score: f.score,
          quality: f.quality,
          qualityParts: f.qualityParts,
          landmarks: f.landmarks.map(([lx, ly]): [number, number] => [lx * scale, ly * scale]),
        };
        const existing = matchedFaces[idx];
        if (existing != null) {
          repo.updateFace(existing, face, version);
          return existing;
        }
        return repo.insertFace(contentId, face, version);
      });
      const matchedBodies = matchRows(oldBodies, bodyBoxes);
      for (const old of oldBodies) if (!matchedBodies.includes(old.id)) repo.deleteBody(old.id);
      const bodyIds = result.persons.map((p, idx) => {
        const body = {
          idx,
          box: bodyBoxes[idx] as Rect,
          score: p.score,
          faceId: p.faceIndex === null ? null : (faceIds[p.faceIndex] ?? null),
        };
        const existing = matchedBodies[idx];
        if (existing != null) {
          repo.updateBody(existing, body, version);
          return existing;
        }
        return repo.insertBody(contentId, body, version);
      });
      repo.recordRun(contentId, version, null);
      // Vectors go in with the rows; a crash before the index is saved is caught by the consistency check.
      for (const old of oldFaces) if (!faceIds.includes(old.id)) v.faces.remove(old.id);
      for (const old of oldBodies) if (!bodyIds.includes(old.id)) v.bodies.remove(old.id);
      faceIds.forEach((id, idx) =>
        v.faces.add(id, (result.faces[idx] as { embedding: Float32Array }).embedding),
      );
      bodyIds.forEach((id, idx) =>
        v.bodies.add(id, (result.persons[idx] as { descriptor: Float32Array }).descriptor),
      );
      v.backgrounds.add(contentId, result.background);
    });
  }

  const round = (b: Rect): Rect => b.map((n) => Math.round(n)) as Rect;

  return {
    async stage() {
      if (stage) return stage;
      await ensureModels(deps.modelsDir, logger);
      const modelVersion = visionVersion(
        createModelRegistry(deps.modelsDir, await readManifest(deps.modelsDir)).version,
      );
      const active = (pipeline = createVisionPipeline({
        modelsDir: deps.modelsDir,
        logger: logger.child({ part: 'vision' }),
      }));
      vectors.get();
      stage = {
        needs: (contentId) => !repo.analysed(contentId, modelVersion),
        analyze: async (contentId: number, raster: Raster, fullSize, signal) => {
          let result: VisionResult;
          try {
            result = await active.analyze(raster, { signal });
          } catch (error) {
            if (signal.aborted) throw error;
            repo.recordRun(contentId, modelVersion, error instanceof Error ? error.message : String(error));
            logger.warn('vision failed on a photo', { contentId, error: String(error) });
            return;
          }
          store(contentId, result, fullSize.width / raster.width);
          if (Date.now() - savedAt > SAVE_EVERY_MS) {
            vectors.save();
            savedAt = Date.now();
          }
        },
      };
      return stage;
    },
    faceCount: () => repo.countFaces(),
    exportFaces(withEmbeddings) {
      return repo.exportFaces().map((r) => {
        const face: FaceExport = { path: r.path, box: round(r.box), score: r.score, quality: r.quality };
        if (withEmbeddings) {
          const vec = vectors.get().faces.get(r.id);
          if (vec) face.embedding = Array.from(vec);
        }
        return face;
      });
    },
    exportBodies: () =>
      repo.exportBodies().map((r) => ({
        path: r.path,
        box: round(r.box),
        score: r.score,
        face: r.face === null ? null : round(r.face),
      })),
    async dispose() {
      await pipeline?.dispose();
    },
  };
}
