/**
 * Golden test against face-api's own execution: `computeFaceDescriptor` of @vladmandic/face-api
 * (its Node build, TF.js cpu backend) on real face chips, versus Sift's ONNX descriptor graph on
 * the same pixels. This checks the hand-written graph against the original code path, not a
 * re-implementation.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger';
import { DEFAULT_MODELS_DIR, PACKAGE_ROOT } from '../../src/engine/paths';
import { ensureModelFiles, packageDir } from './build';
import { createModelRegistry, readManifest, type ModelRegistry } from '../../src/engine/ml/models/manifest';
import { datasetsRoot } from '../../src/engine/testing';

interface Tensor3D {
  dispose(): void;
}
interface FaceApi {
  tf: {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    tensor3d(values: Float32Array, shape: [number, number, number]): Tensor3D;
  };
  nets: { faceRecognitionNet: { loadFromDisk(dir: string): Promise<void> } };
  computeFaceDescriptor(input: Tensor3D): Promise<Float32Array | Float32Array[]>;
}

const require = createRequire(import.meta.url);
let faceapi: FaceApi;
let registry: ModelRegistry;

// The face crops are shipped in test/fixtures (face-api.js examples, MIT).
const datasets = datasetsRoot();
const CHIPS = ['amy/amy1.png', 'howard/howard2.png', 'penny/penny3.png', 'raj/raj4.png'];

beforeAll(async () => {
  faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  await faceapi.tf.setBackend('cpu');
  await faceapi.tf.ready();
  await ensureModelFiles(DEFAULT_MODELS_DIR, silentLogger, { resolveFrom: PACKAGE_ROOT });
  registry = createModelRegistry(DEFAULT_MODELS_DIR, await readManifest(DEFAULT_MODELS_DIR));
  const spec = registry.forTask('face-embedding');
  await faceapi.nets.faceRecognitionNet.loadFromDisk(
    path.join(await packageDir(spec, PACKAGE_ROOT), path.dirname(spec.source.entry)),
  );
});

async function chip(file: string): Promise<Float32Array> {
  const { data } = await sharp(path.join(datasets, 'faces/images', file))
    .removeAlpha()
    .resize(150, 150, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Float32Array.from(data);
}

describe("face descriptor vs face-api's computeFaceDescriptor", () => {
  it('matches on real face chips (cosine ≥ 0.9999) and separates different people', async () => {
    const chips = await Promise.all(CHIPS.map(chip));
    const want: Float32Array[] = [];
    for (const c of chips) {
      const t = faceapi.tf.tensor3d(c, [150, 150, 3]);
      const d = await faceapi.computeFaceDescriptor(t);
      t.dispose();
      want.push(Array.isArray(d) ? (d[0] as Float32Array) : d);
    }
    const batch = new Float32Array(chips.length * 150 * 150 * 3);
    chips.forEach((c, i) => batch.set(c, i * c.length));
    const session = await ort.InferenceSession.create(
      registry.modelPath(registry.forTask('face-embedding')),
      { intraOpNumThreads: 1 },
    );
    try {
      const out = (
        await session.run({ input: new ort.Tensor('float32', batch, [chips.length, 150, 150, 3]) })
      ).descriptor?.data as Float32Array;
      const cos = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
        let dot = 0,
          na = 0,
          nb = 0;
        for (let i = 0; i < 128; i++) {
          dot += (a[i] ?? 0) * (b[i] ?? 0);
          na += (a[i] ?? 0) ** 2;
          nb += (b[i] ?? 0) ** 2;
        }
        return dot / Math.sqrt(na * nb);
      };
      const got = chips.map((_, i) => out.subarray(i * 128, (i + 1) * 128));
      for (let i = 0; i < chips.length; i++) {
        const c = cos(got[i] as Float32Array, want[i] as Float32Array);
        expect(c, `${CHIPS[i]}: 1 - cos = ${(1 - c).toExponential(2)}`).toBeGreaterThanOrEqual(0.9999);
      }
      // Not vacuous: different people are clearly apart in face-api's own space.
      expect(cos(want[0] as Float32Array, want[1] as Float32Array)).toBeLessThan(0.95);
    } finally {
      await session.release();
    }
  });
});
