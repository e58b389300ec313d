/** The vision pipeline behind src/engine/ml/index.ts. */
import { access } from 'node:fs/promises';
import { EngineError } from '../../../common/errors';
import type { Raster } from '../../../common/raster';
import type {
  AnalyzeOptions,
  DetectedFace,
  DetectedPerson,
  FaceChipEmbedder,
  VisionOptions,
  VisionPipeline,
  VisionResult,
} from '../types';
import {
  FACE_DESCRIPTOR_INPUT,
  createModelRegistry,
  readManifest,
  type ModelRegistry,
  type VisionTask,
} from '../models/manifest';
import { createInferencePool, type InferencePool } from '../runtime/pool';
import type { TensorData, TensorMap } from '../runtime/protocol';
import { chipAffine } from './align';
import {
  DEFAULT_PASS_PLAN,
  DEFAULT_VERIFICATION,
  blazefaceBackAnchors,
  decodePass,
  planDetailPass,
  planPasses,
  supersededByDetail,
  needsVerification,
  verificationPass,
  passesVerification,
  verificationScore,
  weightedNms,
  type DetectionPass,
  type FaceCandidate,
} from './face-detect';
import { Pyramid, sampleAffine, toRgb } from './image';
import {
  CENTERNET_FEATURE_CHANNELS,
  backgroundDescriptor,
  type ColourImage,
  bodyDescriptor,
  centernetGeometry,
  choosePersons,
  decodePersons,
  FRAME_FIGURE_MIN_SCORE,
  matchFacesToPersons,
  visionVersion,
} from './persons';
import { estimatePose, faceQuality, laplacianVariance } from './quality';

export const DEFAULT_FACE_MIN_SCORE = 0.6;
export const DEFAULT_PERSON_MIN_SCORE = 0.3;
/** Face chips per descriptor inference call (spread over the workers). */
export const CHIP_BATCH = 16;
/** Verification crops per detector inference call. */
export const VERIFY_BATCH = 8;
/** Re-detections below this score cannot decide anything and are not decoded. */
const VERIFY_DECODE_MIN_SCORE = 0.05;
const CHIP_FLOATS = FACE_DESCRIPTOR_INPUT * FACE_DESCRIPTOR_INPUT * 3;

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new EngineError('MODEL', `Model output ${what} is missing`);
  return v;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('CANCELLED', 'Vision analysis cancelled');
}

/** Clothing colours read a pyramid level of 256-512 px: a person a fifth of a group photo wide still has some 50 px. */
function clothingImage(pyr: Pyramid, features: TensorData): ColourImage {
  const { width, height } = pyr.base;
  const level = pyr.level(Math.max(0, Math.floor(Math.log2(Math.max(width, height) / 256))));
  const channels = features.dims[3];
  if (channels !== CENTERNET_FEATURE_CHANNELS)
    throw new EngineError(
      'MODEL',
      `Expected ${CENTERNET_FEATURE_CHANNELS} person-detector feature channels but received ${channels}`,
    );
  return { img: level, scale: level.width / width };
}

export function createVisionPipelineImpl(opts: VisionOptions): VisionPipeline & FaceChipEmbedder {
  const logger = opts.logger.child({ component: 'vision' });
  const faceMinScore = opts.faceMinScore ?? DEFAULT_FACE_MIN_SCORE;
  const personMinScore = opts.personMinScore ?? DEFAULT_PERSON_MIN_SCORE;
  const passPlan = {
    ...DEFAULT_PASS_PLAN,
    detailLongSide: opts.faceDetailLongSide ?? DEFAULT_PASS_PLAN.detailLongSide,
  };
  const detailMode = opts.faceDetailPass ?? 'auto';
  const verification = {
    ...DEFAULT_VERIFICATION,
    minScore: opts.faceMinVerification ?? DEFAULT_VERIFICATION.minScore,
  };
  let pool: InferencePool | undefined;
  let registry: Promise<ModelRegistry> | undefined;
  let disposed = false;

  const getRegistry = (): Promise<ModelRegistry> => {
    registry ??= (async () => {
      const r = createModelRegistry(opts.modelsDir, await readManifest(opts.modelsDir));
      for (const task of r.tasks) {
        const file = r.modelPath(r.forTask(task));
        await access(file).catch(() => {
          throw new EngineError(
            'MODEL',
            `Model file ${file} for task ${task} is missing; run \`npm run build:models\` (or ensureModels)`,
          );
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

  /** `owned`: the chips buffer is ours to give away (transferred to a worker instead of copied). */
  const embedChips = async (
    chips: Float32Array,
    count: number,
    signal?: AbortSignal,
    owned = false,
  ): Promise<Float32Array[]> => {
    const jobs: Array<Promise<TensorMap>> = [];
    for (let start = 0; start < count; start += CHIP_BATCH) {
      const n = Math.min(CHIP_BATCH, count - start);
      // One batch: hand the caller's buffer over as is (it is transferred, not copied).
      const whole =
        owned && start === 0 && n === count && chips.byteOffset === 0 && chips.length === count * CHIP_FLOATS;
      const data = whole ? chips : chips.slice(start * CHIP_FLOATS, (start + n) * CHIP_FLOATS);
      jobs.push(
        run(
          'face-embedding',
          { input: { data, dims: [n, FACE_DESCRIPTOR_INPUT, FACE_DESCRIPTOR_INPUT, 3] } },
          signal,
        ),
      );
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

  /** Runs the detector on passes of one input size as one batch; candidates per pass. */
  const detectPasses = async (
    pyr: Pyramid,
    passes: readonly DetectionPass[],
    minScore: number,
    signal?: AbortSignal,
  ): Promise<FaceCandidate[][]> => {
    const first = passes[0];
    if (!first) return [];
    const { inWidth, inHeight } = first;
    const per = inWidth * inHeight * 3;
    const input = new Float32Array(passes.length * per);
    passes.forEach((pass, i) => {
      if (pass.inWidth !== inWidth || pass.inHeight !== inHeight)
        throw new EngineError(
          'INTERNAL',
          `Expected batched detection passes of ${inWidth}x${inHeight} but received ${pass.inWidth}x${pass.inHeight}`,
        );
      sampleAffine(
        pyr,
        { a: pass.scale, b: 0, c: 0, d: pass.scale, e: pass.x, f: pass.y },
        {
          out: input,
          offset: i * per,
          width: inWidth,
          height: inHeight,
          scale: 1 / 127.5,
          bias: -1,
          fill: 0,
        },
      );
    });
    const res = await run(
      'face-detection',
      { input: { data: input, dims: [passes.length, inHeight, inWidth, 3] } },
      signal,
    );
    const [a16 = [], a8 = []] = blazefaceBackAnchors(inWidth, inHeight);
    const s16 = need(res.scores16, 'scores16');
    const s8 = need(res.scores8, 'scores8');
    if (s16.data.length !== passes.length * a16.length || s8.data.length !== passes.length * a8.length)
      throw new EngineError(
        'MODEL',
        `Face detector returned ${s16.data.length}+${s8.data.length} scores, expected ${passes.length}x(${a16.length}+${a8.length}) anchors`,
      );
    const b16 = need(res.boxes16, 'boxes16').data;
    const b8 = need(res.boxes8, 'boxes8').data;
    return passes.map((pass, i) =>
      decodePass(
        [
          { scores: s16.data, boxes: b16, anchors: a16, offset: i * a16.length * 16 },
          { scores: s8.data, boxes: b8, anchors: a8, offset: i * a8.length * 16 },
        ],
        pass,
        minScore,
      ),
    );
  };

  const detectPass = async (
    pyr: Pyramid,
    pass: DetectionPass,
    signal?: AbortSignal,
  ): Promise<FaceCandidate[]> => (await detectPasses(pyr, [pass], faceMinScore, signal))[0] ?? [];

  /**
   * Verification score of each candidate: the detector's second look at it (see VerificationPlan);
   * NaN for a candidate trusted on its detector score alone.
   */
  const verifyFaces = async (
    pyr: Pyramid,
    faces: readonly FaceCandidate[],
    signal?: AbortSignal,
  ): Promise<number[]> => {
    const doubtful = faces.filter((f) => needsVerification(f, verification));
    const jobs: Array<Promise<FaceCandidate[][]>> = [];
    for (let start = 0; start < doubtful.length; start += VERIFY_BATCH)
      jobs.push(
        detectPasses(
          pyr,
          doubtful.slice(start, start + VERIFY_BATCH).map((f) => verificationPass(f, verification)),
          VERIFY_DECODE_MIN_SCORE,
          signal,
        ),
      );
    const redetections = (await Promise.all(jobs)).flat();
    const scores = new Map(
      doubtful.map((f, i) => [f, verificationScore(f, redetections[i] ?? [], verification)]),
    );
    return faces.map((f) => scores.get(f) ?? NaN);
  };

  const describeScene = async (pyr: Pyramid, signal?: AbortSignal) => {
    const { width, height } = pyr.base;
    const geom = centernetGeometry(width, height);
    // The raster scaled into the top-left of a canvas whose sides are multiples of 32; the padding
    // falls outside the image and is filled with black by the sampler.
    const canvas = new Float32Array(geom.width * geom.height * 3);
    sampleAffine(
      pyr,
      { a: 1 / geom.scale, b: 0, c: 0, d: 1 / geom.scale, e: 0, f: 0 },
      { out: canvas, offset: 0, width: geom.width, height: geom.height, scale: 1, bias: 0, fill: 0 },
    );
    const res = await run(
      'person-detection',
      { input: { data: canvas, dims: [1, geom.height, geom.width, 3] } },
      signal,
    );
    return {
      geom,
      heatmap: need(res.person_heatmap, 'person_heatmap'),
      ltrb: need(res.ltrb, 'ltrb'),
      features: need(res.features, 'features'),
    };
  };

  return {
    async describePersons(raster, boxes, o) {
      const pyr = new Pyramid(toRgb(raster));
      const scene = await describeScene(pyr, o?.signal);
      const clothing = clothingImage(pyr, scene.features);
      return boxes.map(([x, y, w, h]) =>
        bodyDescriptor(scene.features, clothing, scene.geom, [x, y, x + w, y + h]),
      );
    },
    async analyze(raster: Raster, analyzeOpts: AnalyzeOptions = {}): Promise<VisionResult> {
      const { signal, onProgress } = analyzeOpts;
      throwIfAborted(signal);
      if (raster.width < 1 || raster.height < 1)
        throw new EngineError(
          'INVALID_ARGUMENT',
          `Expected a non-empty raster for vision analysis but received ${raster.width}x${raster.height}`,
        );
      const started = performance.now();
      const pyr = new Pyramid(toRgb(raster));
      const { width, height } = pyr.base;
      onProgress?.({ stage: 'detect', done: 0, total: 3 });
      const [globalPass, fullDetailPass] = planPasses(width, height, passPlan);
      if (!globalPass) throw new EngineError('INTERNAL', 'no face detection pass planned');
      // Stage 1, in parallel: the global face pass and CenterNet (persons + features).
      const [globalFaces, scene] = await Promise.all([
        detectPass(pyr, globalPass, signal),
        describeScene(pyr, signal),
      ]);
      throwIfAborted(signal);
      const personCands = choosePersons(
        decodePersons(
          scene.heatmap,
          scene.ltrb,
          scene.geom,
          Math.min(personMinScore, FRAME_FIGURE_MIN_SCORE),
        ),
        personMinScore,
        height,
      ).map((p) => ({
        score: p.score,
        box: [
          Math.max(0, p.box[0]),
          Math.max(0, p.box[1]),
          Math.min(width, p.box[2]),
          Math.min(height, p.box[3]),
        ] as [number, number, number, number],
      }));
      // Stage 2: the detail pass, only where it can add faces (see planDetailPass).
      const detailPass = fullDetailPass
        ? planDetailPass(fullDetailPass, globalPass, personCands, globalFaces, detailMode)
        : undefined;
      const detailFaces = detailPass ? await detectPass(pyr, detailPass, signal) : [];
      const keptGlobal = detailPass ? supersededByDetail(globalFaces, globalPass, detailPass) : globalFaces;
      const merged = weightedNms([...keptGlobal, ...detailFaces], 0.3);
      // Verification drops what the second look does not confirm; NaN: trusted, not looked at again.
      const verified = await verifyFaces(pyr, merged, signal);
      const passes = merged.map((c, i) =>
        passesVerification(c, verified[i] ?? Number.NaN, personCands, verification),
      );
      const faceCands = merged.filter((_, i) => passes[i]);
      const verificationOf = verified.filter((_, i) => passes[i]);
      throwIfAborted(signal);
      onProgress?.({ stage: 'embed', done: 1, total: 3 });

      const chips = new Float32Array(faceCands.length * CHIP_FLOATS);
      faceCands.forEach((c, i) =>
        sampleAffine(pyr, chipAffine(c.keypoints), {
          out: chips,
          offset: i * CHIP_FLOATS,
          width: FACE_DESCRIPTOR_INPUT,
          height: FACE_DESCRIPTOR_INPUT,
          scale: 1,
          bias: 0,
          fill: 0,
        }),
      );
      const quality = faceCands.map((c, i) =>
        faceQuality({
          score: c.score,
          faceWidth: c.box[2] - c.box[0],
          laplacianVariance: laplacianVariance(chips, i * CHIP_FLOATS, FACE_DESCRIPTOR_INPUT),
          pose: estimatePose(c.keypoints),
        }),
      );
      const embeddings = faceCands.length ? await embedChips(chips, faceCands.length, signal, true) : [];
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
          qualityParts: Number.isNaN(verificationOf[i])
            ? q.parts
            : { ...q.parts, verification: verificationOf[i] ?? 0 },
          embedding: embeddings[i] ?? new Float32Array(128),
        };
      });

      const faceOf = matchFacesToPersons(personCands, faceCands);
      // Colour statistics read a pyramid level about 128-256 px on its long side.
      const colourLevel = pyr.level(Math.max(0, Math.floor(Math.log2(Math.max(width, height) / 128))));
      const colour = { img: colourLevel, scale: colourLevel.width / width };
      const clothing = clothingImage(pyr, scene.features);
      const persons: DetectedPerson[] = personCands.map((p, i) => ({
        box: [p.box[0], p.box[1], p.box[2] - p.box[0], p.box[3] - p.box[1]],
        score: p.score,
        descriptor: bodyDescriptor(scene.features, clothing, scene.geom, p.box),
        faceIndex: faceOf[i] ?? null,
      }));
      const background = backgroundDescriptor(
        scene.features,
        colour,
        scene.geom,
        { width, height },
        personCands.map((p) => p.box),
      );
      const r = await getRegistry();
      onProgress?.({ stage: 'done', done: 3, total: 3 });
      const ms = performance.now() - started;
      if (ms > 2000)
        logger.info('slow vision analysis', { ms: Math.round(ms), width, height, faces: faces.length });
      return { faces, persons, background, modelVersion: visionVersion(r.version) };
    },
    embedChips: (chips, count, o) => embedChips(chips, count, o?.signal),
    inferenceTime: () => pool?.inferenceTime() ?? {},
    async dispose() {
      disposed = true;
      await pool?.dispose();
      pool = undefined;
    },
  };
}
