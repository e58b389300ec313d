/**
 * Per-op tests for the TF.js -> ONNX converter: tiny TF.js graph models are written in code, run in
 * TF.js (cpu backend) and, converted, in ONNX Runtime; outputs must agree to float32 noise.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeWeights,
  float16ToFloat32,
  type TfjsAttr,
  type TfjsGraphModelJson,
  type TfjsNode,
  type TfjsWeightSpec,
  type WeightTensor,
} from './tfjs-format';
import { UnsupportedOpError, convertTfjsGraph, type ConvertOptions } from './tfjs-to-onnx';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const ints = (...v: number[]): TfjsAttr => ({ list: { i: v.map(String) } });
const str = (s: string): TfjsAttr => ({ s: b64(s) });
const strs = (...v: string[]): TfjsAttr => ({ list: { s: v.map(b64) } });

interface ConstDef {
  shape: number[];
  data: number[];
  dtype?: 'float32' | 'int32';
}

interface TestGraph {
  json: TfjsGraphModelJson;
  weights: Map<string, WeightTensor>;
  specs: TfjsWeightSpec[];
  bytes: Uint8Array;
}

function makeGraph(inputShape: number[], nodes: TfjsNode[], consts: Record<string, ConstDef>): TestGraph {
  const specs: TfjsWeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  const constNodes: TfjsNode[] = [];
  for (const [name, c] of Object.entries(consts)) {
    const dtype = c.dtype ?? 'float32';
    specs.push({ name, shape: c.shape, dtype });
    const arr = dtype === 'float32' ? Float32Array.from(c.data) : Int32Array.from(c.data);
    chunks.push(new Uint8Array(arr.buffer));
    constNodes.push({
      name,
      op: 'Const',
      attr: { dtype: { type: dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32' } },
    });
  }
  const bytes = new Uint8Array(chunks.reduce((s, c) => s + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  const placeholder: TfjsNode = {
    name: 'input',
    op: 'Placeholder',
    attr: {
      dtype: { type: 'DT_FLOAT' },
      shape: { shape: { dim: inputShape.map((size) => ({ size: String(size) })) } },
    } as Record<string, TfjsAttr>,
  };
  const json: TfjsGraphModelJson = {
    format: 'graph-model',
    modelTopology: { node: [placeholder, ...constNodes, ...nodes], versions: { producer: 1 } },
    weightsManifest: [{ paths: ['w.bin'], weights: specs }],
  };
  return { json, weights: decodeWeights(specs, bytes), specs, bytes };
}

async function runTfjs(
  g: TestGraph,
  x: Float32Array,
  shape: number[],
  output: string,
): Promise<{ data: Float32Array; shape: number[] }> {
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: g.json.modelTopology,
      weightSpecs: g.specs,
      weightData: g.bytes.slice().buffer,
    }),
  );
  const y = model.execute(tf.tensor(x, shape), output) as tf.Tensor;
  const out = { data: y.dataSync() as Float32Array, shape: y.shape };
  y.dispose();
  return out;
}

async function runOnnx(
  bytes: Uint8Array,
  x: Float32Array,
  shape: number[],
): Promise<{ data: Float32Array; shape: number[] }> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const r = await s.run({ input: new ort.Tensor('float32', x, shape) });
  const y = r.y;
  if (!y) throw new Error('no output y');
  await s.release();
  return { data: y.data as Float32Array, shape: y.dims.map(Number) };
}

const pseudo = (n: number, seed = 1): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + seed) * 1.5);
const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

async function expectSame(
  g: TestGraph,
  output: string,
  inputShape: number[],
  options: Partial<ConvertOptions> = {},
): Promise<ReturnType<typeof convertTfjsGraph>> {
  const rep = convertTfjsGraph(g.json, g.weights, {
    graphName: 't',
    inputName: 'input',
    outputs: [{ node: output, name: 'y' }],
    batch: 'dynamic',
    ...options,
  });
  const x = pseudo(count(inputShape));
  const want = await runTfjs(g, x, inputShape, output);
  const got = await runOnnx(rep.bytes, x, inputShape);
  expect(got.shape).toEqual(want.shape);
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < want.data.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((want.data[i] ?? 0) - (got.data[i] ?? 0)));
    scale = Math.max(scale, Math.abs(want.data[i] ?? 0));
  }
  expect(scale).toBeGreaterThan(0);
  expect(maxDiff).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
  return rep;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tfjs-to-onnx per-op conversion (vs TF.js cpu)', () => {
  it('Conv2D SAME stride 2 with odd total padding puts the extra pixel at the end; BiasAdd+Relu fused', async () => {
    const g = makeGraph(
      [1, -1, -1, 2],
      [
        {
          name: 'conv',
          op: '_FusedConv2D',
          input: ['input', 'w', 'b'],
          attr: {
            strides: ints(1, 2, 2, 1),
            padding: str('SAME'),
            data_format: str('NHWC'),
            dilations: ints(1, 1, 1, 1),
            fused_ops: strs('BiasAdd', 'Relu'),
            num_args: { i: '1' },
          },
        },
      ],
      { w: { shape: [3, 3, 2, 4], data: [...pseudo(72, 2)] }, b: { shape: [4], data: [0.1, -0.2, 0.3, 0] } },
    );
    await expectSame(g, 'conv', [1, 8, 8, 2]);
    await expectSame(g, 'conv', [1, 7, 7, 2]);
  });

  it('Conv2D VALID + Relu6, and a plain Conv2D with dilation', async () => {
    const g = makeGraph(
      [1, 6, 5, 3],
      [
        {
          name: 'c1',
          op: '_FusedConv2D',
          input: ['input', 'w', 'b'],
          attr: {
            strides: ints(1, 1, 1, 1),
            padding: str('VALID'),
            dilations: ints(1, 1, 1, 1),
            fused_ops: strs('BiasAdd', 'Relu6'),
            num_args: { i: '1' },
          },
        },
        {
          name: 'c2',
          op: 'Conv2D',
          input: ['c1', 'w2'],
          attr: { strides: ints(1, 1, 1, 1), padding: str('SAME'), dilations: ints(1, 2, 2, 1) },
        },
      ],
      {
        w: { shape: [2, 2, 3, 2], data: [...pseudo(24, 3)].map((v) => v * 3) },
        b: { shape: [2], data: [0.5, -0.5] },
        w2: { shape: [3, 3, 2, 2], data: [...pseudo(36, 4)] },
      },
    );
    await expectSame(g, 'c2', [1, 6, 5, 3]);
  });

  it('DepthwiseConv2dNative with channel multiplier, SAME stride 2 on an even size (asymmetric padding)', async () => {
    const g = makeGraph(
      [1, 8, 8, 3],
      [
        {
          name: 'dw',
          op: 'DepthwiseConv2dNative',
          input: ['input', 'w'],
          attr: { strides: ints(1, 2, 2, 1), padding: str('SAME'), dilations: ints(1, 1, 1, 1) },
        },
      ],
      { w: { shape: [3, 3, 3, 2], data: [...pseudo(54, 5)] } },
    );
    await expectSame(g, 'dw', [1, 8, 8, 3]);
  });

  it('MaxPool SAME and AvgPool SAME (padding excluded from the average)', async () => {
    const g = makeGraph(
      [1, 7, 7, 2],
      [
        {
          name: 'mp',
          op: 'MaxPool',
          input: ['input'],
          attr: { ksize: ints(1, 3, 3, 1), strides: ints(1, 2, 2, 1), padding: str('SAME') },
        },
        {
          name: 'ap',
          op: 'AvgPool',
          input: ['mp'],
          attr: { ksize: ints(1, 2, 2, 1), strides: ints(1, 2, 2, 1), padding: str('SAME') },
        },
      ],
      {},
    );
    await expectSame(g, 'ap', [1, 7, 7, 2]);
  });

  it('Pad + Reshape with a baked-in batch of 1 accepts batch 2 (each item equals a batch-1 TF.js run)', async () => {
    const g = makeGraph(
      [1, 4, 4, 2],
      [
        { name: 'pad', op: 'Pad', input: ['input', 'p'] },
        {
          name: 'dw',
          op: 'DepthwiseConv2dNative',
          input: ['pad', 'w'],
          attr: { strides: ints(1, 1, 1, 1), padding: str('VALID'), dilations: ints(1, 1, 1, 1) },
        },
        { name: 'rs', op: 'Reshape', input: ['dw', 's'] },
      ],
      {
        p: { shape: [4, 2], data: [0, 0, 1, 0, 0, 1, 0, 0], dtype: 'int32' },
        w: { shape: [1, 1, 2, 1], data: [2, -3] },
        s: { shape: [3], data: [1, -1, 2], dtype: 'int32' },
      },
    );
    const rep = convertTfjsGraph(g.json, g.weights, {
      graphName: 't',
      inputName: 'input',
      outputs: [{ node: 'rs', name: 'y' }],
      batch: 'dynamic',
    });
    expect(rep.fixedBatchReshapes).toBe(1);
    const one = 4 * 4 * 2;
    const x = pseudo(2 * one, 7);
    const got = await runOnnx(rep.bytes, x, [2, 4, 4, 2]);
    expect(got.shape).toEqual([2, 25, 2]);
    for (let b = 0; b < 2; b++) {
      const want = await runTfjs(g, x.slice(b * one, (b + 1) * one), [1, 4, 4, 2], 'rs');
      const slice = got.data.slice(b * want.data.length, (b + 1) * want.data.length);
      want.data.forEach((v, i) => expect(Math.abs(v - (slice[i] ?? NaN))).toBeLessThan(1e-6));
    }
  });

  it('spatially dynamic conversion: a flattening Reshape infers its spatial extent, so other input sizes run', async () => {
    const g = makeGraph(
      [1, 4, 4, 2],
      [
        {
          name: 'conv',
          op: 'Conv2D',
          input: ['input', 'w'],
          attr: { strides: ints(1, 2, 2, 1), padding: str('SAME'), dilations: ints(1, 1, 1, 1) },
        },
        { name: 'rs', op: 'Reshape', input: ['conv', 's'] },
      ],
      {
        w: { shape: [3, 3, 2, 3], data: [...pseudo(54, 9)] },
        s: { shape: [3], data: [1, 12, 1], dtype: 'int32' },
      },
    );
    const rep = await expectSame(g, 'rs', [1, 4, 4, 2], { spatial: 'dynamic' });
    expect(rep.inferredSpatialReshapes).toBe(1);
    const bigger = await runOnnx(rep.bytes, pseudo(2 * 8 * 6 * 2), [2, 8, 6, 2]);
    expect(bigger.shape).toEqual([2, 4 * 3 * 3, 1]);
  });

  it('ConcatV2 on channels, per-channel Mul/Sub/Add constants, Mean with and without keep_dims', async () => {
    const g = makeGraph(
      [1, 5, 6, 2],
      [
        { name: 'cat', op: 'ConcatV2', input: ['input', 'input', 'axis'] },
        { name: 'mul', op: 'Mul', input: ['k', 'cat'] },
        { name: 'sub', op: 'Sub', input: ['mul', 'scalar'] },
        { name: 'mean', op: 'Mean', input: ['sub', 'axes'], attr: { keep_dims: { b: true } } },
        { name: 'add', op: 'AddV2', input: ['sub', 'mean'] },
        { name: 'sig', op: 'Sigmoid', input: ['add'] },
        { name: 'flat', op: 'Mean', input: ['sig', 'axes'], attr: { keep_dims: { b: false } } },
      ],
      {
        axis: { shape: [], data: [3], dtype: 'int32' },
        k: { shape: [4], data: [1, -2, 0.5, 3] },
        scalar: { shape: [], data: [0.25] },
        axes: { shape: [2], data: [1, 2], dtype: 'int32' },
      },
    );
    await expectSame(g, 'sig', [1, 5, 6, 2]);
    await expectSame(g, 'flat', [1, 5, 6, 2]);
  });

  it.each([
    ['asymmetric', false, false],
    ['half_pixel', false, true],
    ['align_corners', true, false],
  ])('ResizeBilinear (%s)', async (_mode, alignCorners, halfPixel) => {
    const g = makeGraph(
      [1, 4, 5, 2],
      [
        {
          name: 'rs',
          op: 'ResizeBilinear',
          input: ['input', 'size'],
          attr: { align_corners: { b: alignCorners }, half_pixel_centers: { b: halfPixel } },
        },
      ],
      { size: { shape: [2], data: [8, 10], dtype: 'int32' } },
    );
    await expectSame(g, 'rs', [1, 4, 5, 2]);
    await expectSame(g, 'rs', [1, 4, 5, 2], { spatial: 'dynamic' });
  });

  it("fuses TF.js' PReLU export (Relu/Abs/Sub/Mul) into one PRelu", async () => {
    const g = makeGraph(
      [1, 3, 3, 2],
      [
        { name: 'relu', op: 'Relu', input: ['input'] },
        { name: 'abs', op: 'Abs', input: ['input'] },
        { name: 'sub', op: 'Sub', input: ['input', 'abs'] },
        { name: 'mul', op: 'Mul', input: ['alpha', 'sub'] },
        { name: 'mul2', op: 'Mul', input: ['mul', 'half'] },
        { name: 'prelu', op: 'AddV2', input: ['relu', 'mul2'] },
      ],
      { alpha: { shape: [2], data: [0.2, 0.7] }, half: { shape: [], data: [0.5] } },
    );
    const rep = await expectSame(g, 'prelu', [1, 3, 3, 2]);
    expect(rep.fusedPrelu).toBe(1);
    expect(rep.opTypes).toContain('PRelu');
    expect(rep.opTypes).not.toContain('Abs');
    const unfused = convertTfjsGraph(g.json, g.weights, {
      graphName: 't',
      inputName: 'input',
      outputs: [{ node: 'prelu', name: 'y' }],
      batch: 'dynamic',
      fusePrelu: false,
    });
    expect(unfused.opTypes).toContain('Abs');
  });

  it('fails naming the unsupported op and its node, but ignores ops past the cut', () => {
    const g = makeGraph(
      [1, 2, 2, 1],
      [
        { name: 'relu', op: 'Relu', input: ['input'] },
        { name: 'my/topk', op: 'TopKV2', input: ['relu', 'k'] },
      ],
      { k: { shape: [], data: [1], dtype: 'int32' } },
    );
    const convert = (node: string) =>
      convertTfjsGraph(g.json, g.weights, {
        graphName: 't',
        inputName: 'input',
        outputs: [{ node, name: 'y' }],
        batch: 'dynamic',
      });
    expect(() => convert('my/topk')).toThrow(UnsupportedOpError);
    expect(() => convert('my/topk')).toThrow(/TopKV2 at node "my\/topk"/);
    expect(convert('relu').convertedNodes).toBe(2);
  });

  it('is deterministic: the same graph converts to identical bytes', () => {
    const g = makeGraph([1, 4, 4, 1], [{ name: 'relu', op: 'Relu', input: ['input'] }], {});
    const once = () =>
      convertTfjsGraph(g.json, g.weights, {
        graphName: 't',
        inputName: 'input',
        outputs: [{ node: 'relu', name: 'y' }],
        batch: 'dynamic',
      }).bytes;
    expect(Buffer.from(once()).equals(Buffer.from(once()))).toBe(true);
  });
});

describe('TF.js weight decoding', () => {
  it('expands float16 values', () => {
    expect(float16ToFloat32(0x3c00)).toBe(1);
    expect(float16ToFloat32(0xc000)).toBe(-2);
    expect(float16ToFloat32(0x3555)).toBeCloseTo(0.333251953125, 10);
    expect(float16ToFloat32(0x0001)).toBeCloseTo(5.960464477539063e-8, 15);
    expect(float16ToFloat32(0x7c00)).toBe(Infinity);
  });

  it('dequantises uint8 / uint16 with scale and min, and reads float16 shards in order', () => {
    const bytes = new Uint8Array([0, 10, 255, 0x00, 0x00, 0xff, 0xff, 0x00, 0x3c, 0x00, 0xc0]);
    const w = decodeWeights(
      [
        { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'b', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 2, min: 1 } },
        { name: 'c', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      ],
      bytes,
    );
    expect(Array.from(w.get('a')?.data ?? [])).toEqual([-1, 4, 126.5]);
    expect(Array.from(w.get('b')?.data ?? [])).toEqual([1, 131071]);
    expect(Array.from(w.get('c')?.data ?? [])).toEqual([1, -2]);
  });

  it('fails clearly when shards are shorter than the manifest says', () => {
    expect(() => decodeWeights([{ name: 'x', shape: [4], dtype: 'float32' }], new Uint8Array(8))).toThrow(
      /x: shards end before its data/,
    );
  });
});
