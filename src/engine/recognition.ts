/**
 * Recognition glue: the vision stage of the scan (faces, bodies, backgrounds stored in SQLite
 * and the HNSW indexes), then people clustering and series grouping. Models and indexes are
 * loaded lazily: a library scanned with --no-ml never loads them.
 */
import path from 'node:path';
import type { ApiHandlers } from '../common/contract/api';
import type { LibraryStatus, ShotReason } from '../common/contract/types';
import type { Logger } from '../common/logger';
import type { Raster } from '../common/raster';
import type { Db } from './db/open';
import type { JobContext } from './jobs/runner';
import { openVectorIndexes, type VectorIndexes } from './index/vector-indexes';
import { createVisionPipeline, ensureModels, type VisionPipeline, type VisionResult } from './ml';
import { createModelRegistry, readManifest } from './ml/models/manifest';
import { BODY_DESCRIPTOR_DIM, visionVersion } from './ml/vision/persons';
import { createPeopleService } from './people/service';
import type { VisionStage } from './scan/scan-job';
import { createSeriesService, type RedundantShot } from './series/service';

export interface Recognition {
  visionStage(): Promise<VisionStage>;
  afterScan(ctx: JobContext): Promise<void>;
  cluster(ctx: JobContext): Promise<void>;
  group(ctx: JobContext): Promise<void>;
  people: ApiHandlers['people'];
  series: ApiHandlers['series'];
  counts(): Pick<LibraryStatus, 'faces' | 'people' | 'series'>;
  redundantFiles(): Array<{ fileId: number; why: ShotReason[] }>;
  redundant(): RedundantShot[];
  exportFaces(withEmbeddings: boolean): FaceExport[];
  exportBodies(): BodyExport[];
  dispose(): Promise<void>;
}

export interface FaceExport {
  path: string;
  box: Box;
  score: number;
  quality: number;
  embedding?: number[];
}

export interface BodyExport {
  path: string;
  box: Box;
  score: number;
  face: Box | null;
}

type Box = [number, number, number, number];

function iou(a: Box, b: Box): number {
  const x1 = Math.max(a[0], b[0]);
  const y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

export function createRecognition(deps: { db: Db; dataDir: string; modelsDir: string; logger: Logger; onChange: () => void }): Recognition {
  const { db, logger } = deps;
  let vectors: VectorIndexes | null = null;
  let pipeline: VisionPipeline | null = null;

  const indexes = (): VectorIndexes => {
    if (vectors) return vectors;
    // The body dimension is fixed so that descriptors of an older version are dropped (and recomputed) rather than mixed.
    vectors = openVectorIndexes({ dir: path.join(deps.dataDir, 'vectors'), db, logger: logger.child({ part: 'vectors' }), bodyDim: BODY_DESCRIPTOR_DIM });
    if (vectors.missingContentIds.length > 0) {
      // Vectors lost (crash before save, deleted file): make those contents analysed again.
      const forget = db.prepare<[number]>('DELETE FROM vision_runs WHERE content_id = ?');
      db.transaction(() => {
        for (const id of vectors?.missingContentIds ?? []) forget.run(id);
      })();
      logger.warn('vector index was missing vectors; those photos will be analysed again on the next scan', { contents: vectors.missingContentIds.length });
    }
    return vectors;
  };

  const people = createPeopleService({ db, vectors: lazyVectors(), logger: logger.child({ part: 'people' }), onChange: deps.onChange });
  const series = createSeriesService({ db, vectors: lazyVectors(), logger: logger.child({ part: 'series' }) });

  function lazyVectors(): VectorIndexes {
    // Services receive a proxy so that opening the indexes waits until they are first used.
    return new Proxy({} as VectorIndexes, { get: (_t, key) => indexes()[key as keyof VectorIndexes] });
  }

  const q = {
    visionDone: db.prepare<[number, string]>('SELECT 1 FROM vision_runs WHERE content_id = ? AND model_version = ?').pluck(),
    facesOf: db.prepare<[number]>('SELECT id, x, y, w, h FROM faces WHERE content_id = ? ORDER BY idx'),
    bodiesOf: db.prepare<[number]>('SELECT id, x, y, w, h FROM bodies WHERE content_id = ? ORDER BY idx'),
    insertFace: db.prepare(
      `INSERT INTO faces (content_id, idx, x, y, w, h, score, quality, quality_parts, landmarks, model_version)
       VALUES (@content, @idx, @x, @y, @w, @h, @score, @quality, @parts, @landmarks, @version) RETURNING id`,
    ),
    updateFace: db.prepare(
      `UPDATE faces SET idx = @idx, x = @x, y = @y, w = @w, h = @h, score = @score, quality = @quality, quality_parts = @parts,
       landmarks = @landmarks, model_version = @version WHERE id = @id`,
    ),
    deleteFace: db.prepare<[number]>('DELETE FROM faces WHERE id = ?'),
    parkFaces: db.prepare<[number]>('UPDATE faces SET idx = -1 - idx WHERE content_id = ?'),
    parkBodies: db.prepare<[number]>('UPDATE bodies SET idx = -1 - idx WHERE content_id = ?'),
    insertBody: db.prepare(
      `INSERT INTO bodies (content_id, idx, x, y, w, h, score, face_id, model_version)
       VALUES (@content, @idx, @x, @y, @w, @h, @score, @face, @version) RETURNING id`,
    ),
    updateBody: db.prepare(`UPDATE bodies SET idx = @idx, x = @x, y = @y, w = @w, h = @h, score = @score, face_id = @face, model_version = @version WHERE id = @id`),
    deleteBody: db.prepare<[number]>('DELETE FROM bodies WHERE id = ?'),
    run: db.prepare<[number, string, number, string | null]>(
      'INSERT INTO vision_runs (content_id, model_version, at, error) VALUES (?, ?, ?, ?) ON CONFLICT(content_id) DO UPDATE SET model_version = excluded.model_version, at = excluded.at, error = excluded.error',
    ),
    countFaces: db.prepare('SELECT COUNT(*) FROM faces').pluck(),
    countPeople: db.prepare('SELECT COUNT(*) FROM people WHERE hidden = 0').pluck(),
    countSeries: db.prepare('SELECT COUNT(*) FROM series').pluck(),
    fileOfPath: db.prepare<[string]>("SELECT id FROM files WHERE path = ? AND state = 'ok'").pluck(),
    allFaces: db.prepare(
      `SELECT fa.id, f.path, fa.x, fa.y, fa.w, fa.h, fa.score, fa.quality FROM faces fa JOIN files f ON f.content_id = fa.content_id
       WHERE f.state = 'ok' ORDER BY f.path, fa.idx`,
    ),
    allBodies: db.prepare(
      `SELECT b.id, f.path, b.x, b.y, b.w, b.h, b.score, fa.x AS fx, fa.y AS fy, fa.w AS fw, fa.h AS fh FROM bodies b
       JOIN files f ON f.content_id = b.content_id LEFT JOIN faces fa ON fa.id = b.face_id
       WHERE f.state = 'ok' ORDER BY f.path, b.idx`,
    ),
  };

  /** Keeps row ids (and so the user's person assignments) for detections that match the previous run. */
  function matchRows(previous: Array<{ id: number; x: number; y: number; w: number; h: number }>, boxes: Box[]): Array<number | null> {
    const used = new Set<number>();
    return boxes.map((box) => {
      let best: { id: number; score: number } | null = null;
      for (const p of previous) {
        if (used.has(p.id)) continue;
        const s = iou(box, [p.x, p.y, p.w, p.h]);
        if (s > 0.5 && (!best || s > best.score)) best = { id: p.id, score: s };
      }
      if (best) used.add(best.id);
      return best?.id ?? null;
    });
  }

  function store(contentId: number, result: VisionResult, scale: number): void {
    const v = indexes();
    const scaleBox = (b: Box): Box => [b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale];
    const faceBoxes = result.faces.map((f) => scaleBox(f.box));
    const bodyBoxes = result.persons.map((p) => scaleBox(p.box));
    const oldFaces = q.facesOf.all(contentId) as Array<{ id: number; x: number; y: number; w: number; h: number }>;
    const oldBodies = q.bodiesOf.all(contentId) as Array<{ id: number; x: number; y: number; w: number; h: number }>;
    const version = result.modelVersion;
    db.transaction(() => {
      // Park the old rows' indexes out of the way of UNIQUE(content_id, idx) while they are matched.
      q.parkFaces.run(contentId);
      q.parkBodies.run(contentId);
      const matchedFaces = matchRows(oldFaces, faceBoxes);
      for (const old of oldFaces) if (!matchedFaces.includes(old.id)) q.deleteFace.run(old.id);
      const faceIds = result.faces.map((f, idx) => {
        const [x, y, w, h] = faceBoxes[idx] as Box;
        const landmarks = JSON.stringify(f.landmarks.map(([lx, ly]) => [lx * scale, ly * scale]));
        const row = { content: contentId, idx, x, y, w, h, score: f.score, quality: f.quality, parts: JSON.stringify(f.qualityParts), landmarks, version };
        const existing = matchedFaces[idx];
        if (existing != null) {
          q.updateFace.run({ ...row, id: existing });
          return existing;
        }
        return (q.insertFace.get(row) as { id: number }).id;
      });
      const matchedBodies = matchRows(oldBodies, bodyBoxes);
      for (const old of oldBodies) if (!matchedBodies.includes(old.id)) q.deleteBody.run(old.id);
      const bodyIds = result.persons.map((p, idx) => {
        const [x, y, w, h] = bodyBoxes[idx] as Box;
        const face = p.faceIndex === null ? null : (faceIds[p.faceIndex] ?? null);
        const row = { content: contentId, idx, x, y, w, h, score: p.score, face, version };
        const existing = matchedBodies[idx];
        if (existing != null) {
          q.updateBody.run({ ...row, id: existing });
          return existing;
        }
        return (q.insertBody.get(row) as { id: number }).id;
      });
      q.run.run(contentId, version, Date.now(), null);
      // Vectors go in with the rows; a crash before the index is saved is caught by the consistency check.
      for (const old of oldFaces) if (!faceIds.includes(old.id)) v.faces.remove(old.id);
      for (const old of oldBodies) if (!bodyIds.includes(old.id)) v.bodies.remove(old.id);
      faceIds.forEach((id, idx) => v.faces.add(id, (result.faces[idx] as { embedding: Float32Array }).embedding));
      bodyIds.forEach((id, idx) => v.bodies.add(id, (result.persons[idx] as { descriptor: Float32Array }).descriptor));
      v.backgrounds.add(contentId, result.background);
    })();
  }

  async function cluster(ctx: JobContext): Promise<void> {
    await people.cluster({ signal: ctx.signal, onProgress: (done, total, s) => ctx.progress(`people: ${s}`, done, total) });
    indexes().save();
  }

  async function group(ctx: JobContext): Promise<void> {
    const report = (done: number, total: number, s: string): void => ctx.progress(`series: ${s}`, done, total);
    await series.group({ signal: ctx.signal, onProgress: report });
    // Series are the shoots that people without a recognisable face are found in. When that changes
    // who is where, series are grouped again so that they name those people (people born in a series
    // stay inside it; a faceless match can only add a person the photo's series already shows).
    if (people.afterSeries().changed) await series.group({ signal: ctx.signal, onProgress: report });
  }

  let stage: VisionStage | null = null;
  let modelVersion = '';
  let savedAt = Date.now();

  return {
    async visionStage() {
      if (stage) return stage;
      await ensureModels(deps.modelsDir, logger);
      modelVersion = visionVersion(createModelRegistry(deps.modelsDir, await readManifest(deps.modelsDir)).version);
      pipeline = createVisionPipeline({ modelsDir: deps.modelsDir, logger: logger.child({ part: 'vision' }) });
      indexes();
      stage = {
        needs: (contentId) => q.visionDone.get(contentId, modelVersion) === undefined,
        analyze: async (contentId: number, raster: Raster, fullSize, signal) => {
          const active = pipeline as VisionPipeline;
          let result: VisionResult;
          try {
            result = await active.analyze(raster, { signal });
          } catch (error) {
            if (signal.aborted) throw error;
            q.run.run(contentId, modelVersion, Date.now(), error instanceof Error ? error.message : String(error));
            logger.warn('vision failed on a photo', { contentId, error: String(error) });
            return;
          }
          store(contentId, result, fullSize.width / raster.width);
          if (Date.now() - savedAt > 30_000) {
            indexes().save();
            savedAt = Date.now();
          }
        },
      };
      return stage;
    },
    async afterScan(ctx) {
      indexes().save();
      savedAt = Date.now();
      await cluster(ctx);
      await group(ctx);
    },
    cluster,
    group,
    people,
    series,
    counts: () => ({ faces: q.countFaces.get() as number, people: q.countPeople.get() as number, series: q.countSeries.get() as number }),
    redundantFiles: () =>
      series
        .redundant()
        .filter((s) => !s.keep)
        .map((s) => ({ fileId: q.fileOfPath.get(s.path) as number | undefined, why: s.why }))
        .filter((r): r is { fileId: number; why: ShotReason[] } => r.fileId !== undefined),
    redundant: () => series.redundant(),
    exportFaces(withEmbeddings) {
      const rows = q.allFaces.all() as Array<{ id: number; path: string; x: number; y: number; w: number; h: number; score: number; quality: number }>;
      return rows.map((r) => {
        const face: FaceExport = { path: r.path, box: [r.x, r.y, r.w, r.h].map((n) => Math.round(n)) as Box, score: r.score, quality: r.quality };
        if (withEmbeddings) {
          const vec = indexes().faces.get(r.id);
          if (vec) face.embedding = Array.from(vec);
        }
        return face;
      });
    },
    exportBodies() {
      const rows = q.allBodies.all() as Array<{ path: string; x: number; y: number; w: number; h: number; score: number; fx: number | null; fy: number; fw: number; fh: number }>;
      return rows.map((r) => ({
        path: r.path,
        box: [r.x, r.y, r.w, r.h].map((n) => Math.round(n)) as Box,
        score: r.score,
        face: r.fx === null ? null : ([r.fx, r.fy, r.fw, r.fh].map((n) => Math.round(n)) as Box),
      }));
    },
    async dispose() {
      if (vectors) {
        vectors.save();
        vectors.close();
      }
      await pipeline?.dispose();
    },
  };
}
