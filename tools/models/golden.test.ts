/**
 * Golden tests: every built model against an independent TF.js (cpu backend) execution of its
 * source. Converted graphs run the original TF.js graph model; the hand-written descriptor graph
 * runs a TF.js re-implementation of face-api's forward pass from the same weights.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger';
import { faceDescriptorReference } from './convert/face-descriptor-tfjs-reference';
import { loadTfjsGraphModel, loadTfjsWeightManifest } from './convert/tfjs-format';
import { DEFAULT_MODELS_DIR, PACKAGE_ROOT } from '../../src/engine/paths';
import { ensureModelFiles, packageDir } from './build';
import {
  createModelRegistry,
  readManifest,
  type ModelRegistry,
  type ModelSpec,
} from '../../src/engine/ml/models/manifest';

let registry: ModelRegistry;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await ensureModelFiles(DEFAULT_MODELS_DIR, silentLogger, { resolveFrom: PACKAGE_ROOT });
  registry = createModelRegistry(DEFAULT_MODELS_DIR, await readManifest(DEFAULT_MODELS_DIR));
});

/** Smooth pseudo-image in 0..255 (deterministic). */
function image(n: number, h: number, w: number, seed: number): Float32Array {
  const out = new Float32Array(n * h * w * 3);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 3; c++)
          out[((b * h + y) * w + x) * 3 + c] =
            127.5 + 127.5 * Math.sin((x * (c + 1) * 0.05 + y * 0.031 * (b + 1) + seed) * 1.3);
  return out;
}

function compare(want: Float32Array, got: Float32Array): { maxDiff: number; scale: number } {
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((want[i] ?? 0) - (got[i] ?? NaN)));
    scale = Math.max(scale, Math.abs(want[i] ?? 0));
  }
  return { maxDiff, scale };
}

async function tfjsGraphGolden(
  task: 'face-detection' | 'person-detection',
  size: number,
  normalise: (v: number) => number,
  checkItems: readonly number[],
): Promise<void> {
  const spec: ModelSpec = registry.forTask(task);
  const dir = await packageDir(spec, PACKAGE_ROOT);
  const src = await loadTfjsGraphModel(path.join(dir, spec.source.entry));
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: src.json.modelTopology,
      weightSpecs: src.specs,
      weightData: src.bytes.slice().buffer,
    }),
  );
  const session = await ort.InferenceSession.create(registry.modelPath(spec), { intraOpNumThreads: 1 });
  try {
    // Batch of 2 through ORT (dynamic batch), each item against a batch-1 TF.js run.
    const x = image(2, size, size, 0.3).map(normalise);
    const got = await session.run({ [spec.input.name]: new ort.Tensor('float32', x, [2, size, size, 3]) });
    const per = size * size * 3;
    for (const b of checkItems) {
      const outs = model.execute(
        tf.tensor4d(x.slice(b * per, (b + 1) * per), [1, size, size, 3]),
        spec.convert.outputs.map((o) => o.node),
      ) as tf.Tensor[];
      spec.convert.outputs.forEach((o, k) => {
        const full = outs[k]?.dataSync() as Float32Array;
        const channels = outs[k]?.shape[3] ?? 1;
        const [c0, c1] = o.channels ?? [0, channels];
        // Outputs sliced in-graph: take the same channels from TF.js' full output.
        const want = o.channels ? full.filter((_, i) => i % channels >= c0 && i % channels < c1) : full;
        const all = got[o.name]?.data as Float32Array;
        const { maxDiff, scale } = compare(want, all.slice(b * want.length, (b + 1) * want.length));
        // float32 noise: ~1e-6 relative, accumulated over a few dozen layers.
        expect(scale, `${o.name} scale`).toBeGreaterThan(0);
        console.info(
          `[golden] ${task} ${o.name} item ${b}: max abs diff ${maxDiff.toExponential(2)}, output scale ${scale.toFixed(3)}`,
        );
        expect(
          maxDiff / Math.max(scale, 1e-3),
          `${o.name} batch ${b}: max abs diff ${maxDiff} at output scale ${scale}`,
        ).toBeLessThan(2e-5);
      });
      tf.dispose(outs);
    }
  } finally {
    await session.release();
    model.dispose();
  }
}

describe('golden: built ONNX models vs TF.js cpu', () => {
  it('face-detection (BlazeFace back) matches the TF.js graph model on all four outputs', async () => {
    await tfjsGraphGolden('face-detection', 256, (v) => v / 127.5 - 1, [0, 1]);
  });

  it('person-detection (MB3 CenterNet, cut before TopK) matches the TF.js graph model at its native 512x512', async () => {
    // TF.js needs ~9 s per 512x512 CenterNet run on the cpu backend: check the second batch item only.
    await tfjsGraphGolden('person-detection', 512, (v) => v, [1]);
  });

  it('face-embedding (dlib ResNet-34) matches a TF.js forward pass of the face-api weights (cosine >= 0.9999)', async () => {
    const spec = registry.forTask('face-embedding');
    const dir = await packageDir(spec, PACKAGE_ROOT);
    const weights = await loadTfjsWeightManifest(path.join(dir, spec.source.entry));
    const n = 3;
    const x = image(n, 150, 150, 1.1);
    const want = faceDescriptorReference(weights, x, n);
    const session = await ort.InferenceSession.create(registry.modelPath(spec), { intraOpNumThreads: 1 });
    try {
      const got = (await session.run({ input: new ort.Tensor('float32', x, [n, 150, 150, 3]) })).descriptor
        ?.data as Float32Array;
      expect(got.length).toBe(n * 128);
      for (let b = 0; b < n; b++) {
        let dot = 0,
          na = 0,
          nb = 0;
        for (let i = b * 128; i < (b + 1) * 128; i++) {
          dot += (got[i] ?? 0) * (want[i] ?? 0);
          na += (got[i] ?? 0) ** 2;
          nb += (want[i] ?? 0) ** 2;
        }
        const cosine = dot / Math.sqrt(na * nb);
        console.info(`[golden] face-embedding item ${b}: 1 - cosine ${(1 - cosine).toExponential(2)}`);
        expect(cosine).toBeGreaterThanOrEqual(0.9999);
        expect(Math.abs(Math.sqrt(na) - Math.sqrt(nb)) / Math.sqrt(nb)).toBeLessThan(1e-4);
      }
      // Different inputs must give clearly different descriptors (the comparison is not vacuous).
      let dot01 = 0;
      for (let i = 0; i < 128; i++) dot01 += (got[i] ?? 0) * (got[128 + i] ?? 0);
      expect(dot01).not.toBeCloseTo(0, 8);
    } finally {
      await session.release();
    }
  });
});
