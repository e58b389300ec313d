/** The vision pipeline behind src/engine/ml/index.ts. */
import { access } from 'node:fs/promises';
import { EngineError } from '../../../common/errors';
import type { Raster } from '../../../common/raster';
import { FACE_DESCRIPTOR_INPUT } from '../convert/face-descriptor-net';
import type { AnalyzeOptions, DetectedFace, DetectedPerson, VisionOptions, VisionPipeline, VisionResult } from '../index';
import { createModelRegistry, readManifest, type ModelRegistry, type VisionTask } from '../models/manifest';
import { createInferencePool, type InferencePool } from '../runtime/pool';
import type { TensorMap } from '../runtime/protocol';
import { chipAffine } from './align';
import { BLAZEFACE_INPUT, DEFAULT_TILE_PLAN, blazefaceBackAnchors, decodeTile, planTiles, weightedNms, type FaceCandidate } from './face-detect';
import { Pyramid, sampleAffine, squareCropAffine, toRgb } from './image';
import { backgroundDescriptor, bodyDescriptor, centernetGeometry, decodePersons, matchFacesToPersons } from './persons';
import { estimatePose, faceQuality, laplacianVariance } from './quality';

export const DEFAULT_FACE_MIN_SCORE = 0.6;
export const DEFAULT_PERSON_MIN_SCORE = 0.35;
/** Face chips per descriptor inference call (spread over the workers). */
export const CHIP_BATCH = 16;
const CHIP_FLOATS = FACE_DESCRIPTOR_INPUT * FACE_DESCRIPTOR_INPUT * 3;

const ANCHORS = blazefaceBackAnchors();

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new EngineError('MODEL', `Model output ${what} is missing`);
  return v;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('CANCELLED', 'Vision analysis cancelled');
}

export function createVisionPipelineImpl(opts: VisionOptions): VisionPipeline {
  const logger = opts.logger.child({ component: 'vision' });
  const faceMinScore = opts.faceMinScore ?? DEFAULT_FACE_MIN_SCORE;
  const personMinScore = opts.personMinScore ?? DEFAULT_PERSON_MIN_SCORE;
  const tilePlan = { ...DEFAULT_TILE_PLAN, gridLevels: opts.faceTileLevels ?? DEFAULT_TILE_PLAN.gridLevels };
  let pool: InferencePool | undefined;
  let registry: Promise<ModelRegistry> | undefined;
  let disposed = false;

  const getRegistry = (): Promise<ModelRegistry> => {
    registry ??= (async () => {
      const r = createModelRegistry(opts.modelsDir, await readManifest(opts.modelsDir));
      for (const task of r.tasks) {
        const file = r.modelPath(r.forTask(task));
        await access(file).catch(() => {
          throw new EngineError('MODEL', `Model file ${file} for task ${task} is missing; run \`npm run build:models\` (or ensureModels)`);
        });
      }
      return r;
    })();
    registry.catch(() => (registry = undefined));
    return registry;
  };

  const run = async (task: VisionTask, inputs: TensorMap, signal?: AbortSignal): Promise<TensorMap> => {
    if (disposed) throw new EngineError('CANCELLED', 'Vision pipeline is disposed');
    const r = await getRegistry();
    pool ??= createInferencePool({ workers: opts.workers, logger });
    return pool.run(r.modelPath(r.forTask(task)), inputs, { signal });
  };

  const embedChips = async (chips: Float32Array, count: number, signal?: AbortSignal): Promise<Float32Array[]> => {
    const jobs: Array<Promise<TensorMap>> = [];
    for (let start = 0; start < count; start += CHIP_BATCH) {
      const n = Math.min(CHIP_BATCH, count - start);
      const data = chips.slice(start * CHIP_FLOATS, (start + n) * CHIP_FLOATS);
      jobs.push(run('face-embedding', { input: { data, dims: [n, FACE_DESCRIPTOR_INPUT, FACE_DESCRIPTOR_INPUT, 3] } }, signal));
    }
    const out: Float32Array[] = [];
    for (const res of await Promise.all(jobs)) {
      const d = need(res.descriptor, 'descriptor');
      const n = d.dims[0] ?? 0;
      for (let i = 0; i < n; i++) {
        const v = d.data.slice(i * 128, (i + 1) * 128);
        let s = 0;
        for (const x of v) s += x * x;
        const norm = Math.sqrt(s) || 1;
        for (let k = 0; k < 128; k++) v[k] = (v[k] ?? 0) / norm;
        out.push(v);
      }
    }
    return out;
  };

  const detectFaces = async (pyr: Pyramid, signal?: AbortSignal): Promise<FaceCandidate[]> => {
    const { width, height } = pyr.base;
    const tiles = planTiles(width, height, tilePlan);
    const per = BLAZEFACE_INPUT * BLAZEFACE_INPUT * 3;
    const input = new Float32Array(tiles.length * per);
    tiles.forEach((t, i) =>
      sampleAffine(pyr, squareCropAffine(t.x, t.y, t.side, BLAZEFACE_INPUT), { out: input, offset: i * per, width: BLAZEFACE_INPUT, height: BLAZEFACE_INPUT, scale: 1 / 127.5, bias: -1, fill: 0 }),
    );
    const res = await run('face-detection', { input: { data: input, dims: [tiles.length, BLAZEFACE_INPUT, BLAZEFACE_INPUT, 3] } }, signal);
    const s16 = need(res.scores16, 'scores16').data;
    const s8 = need(res.scores8, 'scores8').data;
    const b16 = need(res.boxes16, 'boxes16').data;
    const b8 = need(res.boxes8, 'boxes8').data;
    const [a16 = [], a8 = []] = ANCHORS;
    const candidates: FaceCandidate[] = [];
    tiles.forEach((tile, i) => {
      candidates.push(
        ...decodeTile(
          [
            { scores: s16, boxes: b16, anchors: a16, offset: i * a16.length * 16 },
            { scores: s8, boxes: b8, anchors: a8, offset: i * a8.length * 16 },
          ],
          tile,
          { width, height },
          faceMinScore,
        ),
      );
    });
    return weightedNms(candidates, 0.3);
  };

  const describeScene = async (pyr: Pyramid, signal?: AbortSignal) => {
    const { width, height } = pyr.base;
    const geom = centernetGeometry(width, height);
    const canvas = new Float32Array(geom.width * geom.height * 3);
    // Top-left aligned, scaled raster; the rest stays black (padding to a multiple of 32).
    const sw = Math.min(geom.width, Math.round(width * geom.scale));
    const sh = Math.min(geom.height, Math.round(height * geom.scale));
    const tmp = new Float32Array(sw * sh * 3);
    sampleAffine(pyr, { a: width / sw, b: 0, c: 0, d: height / sh, e: 0, f: 0 }, { out: tmp, offset: 0, width: sw, height: sh, scale: 1, bias: 0, fill: 0 });
    for (let y = 0; y < sh; y++) canvas.set(tmp.subarray(y * sw * 3, (y + 1) * sw * 3), y * geom.width * 3);
    const res = await run('person-detection', { input: { data: canvas.slice(), dims: [1, geom.height, geom.width, 3] } }, signal);
    return { geom, canvas, heatmap: need(res.heatmap, 'heatmap'), ltrb: need(res.ltrb, 'ltrb'), features: need(res.features, 'features') };
  };

  return {
    async analyze(raster: Raster, analyzeOpts: AnalyzeOptions = {}): Promise<VisionResult> {
      const { signal, onProgress } = analyzeOpts;
      throwIfAborted(signal);
      if (raster.width < 1 || raster.height < 1) throw new EngineError('INVALID_ARGUMENT', `Expected a non-empty raster for vision analysis but received ${raster.width}x${raster.height}`);
      const started = performance.now();
      const pyr = new Pyramid(toRgb(raster));
      const { width, height } = pyr.base;
      onProgress?.({ stage: 'detect', done: 0, total: 3 });
      const [faceCands, scene] = await Promise.all([detectFaces(pyr, signal), describeScene(pyr, signal)]);
      throwIfAborted(signal);
      onProgress?.({ stage: 'embed', done: 1, total: 3 });

      const chips = new Float32Array(faceCands.length * CHIP_FLOATS);
      faceCands.forEach((c, i) =>
        sampleAffine(pyr, chipAffine(c.keypoints), { out: chips, offset: i * CHIP_FLOATS, width: FACE_DESCRIPTOR_INPUT, height: FACE_DESCRIPTOR_INPUT, scale: 1, bias: 0, fill: 0 }),
      );
      const quality = faceCands.map((c, i) =>
        faceQuality({ score: c.score, faceWidth: c.box[2] - c.box[0], laplacianVariance: laplacianVariance(chips, i * CHIP_FLOATS, FACE_DESCRIPTOR_INPUT), pose: estimatePose(c.keypoints) }),
      );
      const embeddings = faceCands.length ? await embedChips(chips, faceCands.length, signal) : [];
      throwIfAborted(signal);
      onProgress?.({ stage: 'describe', done: 2, total: 3 });

      const faces: DetectedFace[] = faceCands.map((c, i) => {
        const x1 = Math.max(0, c.box[0]);
        const y1 = Math.max(0, c.box[1]);
        const x2 = Math.min(width, c.box[2]);
        const y2 = Math.min(height, c.box[3]);
        const q = quality[i] ?? { quality: 0, parts: {} };
        return {
          box: [x1, y1, Math.max(0, x2 - x1), Math.max(0, y2 - y1)],
          score: c.score,
          landmarks: c.keypoints.map(([x, y]) => [x, y] as [number, number]),
          quality: q.quality,
          qualityParts: q.parts,
          embedding: embeddings[i] ?? new Float32Array(128),
        };
      });

      const personCands = decodePersons(scene.heatmap, scene.ltrb, scene.geom, personMinScore).map((p) => ({
        score: p.score,
        box: [Math.max(0, p.box[0]), Math.max(0, p.box[1]), Math.min(width, p.box[2]), Math.min(height, p.box[3])] as [number, number, number, number],
      }));
      const faceOf = matchFacesToPersons(personCands, faceCands);
      const persons: DetectedPerson[] = personCands.map((p, i) => ({
        box: [p.box[0], p.box[1], p.box[2] - p.box[0], p.box[3] - p.box[1]],
        score: p.score,
        descriptor: bodyDescriptor(scene.features, scene.canvas, scene.geom, p.box),
        faceIndex: faceOf[i] ?? null,
      }));
      const background = backgroundDescriptor(scene.features, scene.canvas, scene.geom, { width, height }, personCands.map((p) => p.box));
      const r = await getRegistry();
      onProgress?.({ stage: 'done', done: 3, total: 3 });
      const ms = performance.now() - started;
      if (ms > 2000) logger.info('slow vision analysis', { ms: Math.round(ms), width, height, faces: faces.length });
      return { faces, persons, background, modelVersion: r.version };
    },
    embedChips: (chips, count, o) => embedChips(chips, count, o?.signal),
    async dispose() {
      disposed = true;
      await pool?.dispose();
      pool = undefined;
    },
  };
}
