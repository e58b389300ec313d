/**
 * The dlib ResNet-34 face descriptor (as shipped by face-api.js) written as an ONNX graph from its
 * TF.js weight manifest. Architecture follows face-api's FaceRecognitionNet: 7x7/2 conv, 3x3/2 max
 * pool, residual stages 32-64-128-256 (down-sampling blocks add a 2x2 average-pooled, zero-padded
 * shortcut), global average pool, 256x128 projection. Every conv is conv + bias, then a per-channel
 * affine "scale" layer (folded into the conv here: exact up to float rounding).
 *
 * Input: NHWC float32 [N,150,150,3], RGB 0..255 (normalisation is inside the graph).
 * Output: "descriptor" [N,128], not normalised (face-api returns it raw; callers L2-normalise).
 */
import { FACE_DESCRIPTOR_INPUT } from '../../../src/engine/ml/models/manifest';
import { OnnxGraphBuilder, attr } from '../onnx/graph';
import type { WeightTensor } from './tfjs-format';

export const FACE_DESCRIPTOR_MEAN_RGB = [122.782, 117.001, 104.298] as const;
export const FACE_DESCRIPTOR_DIVISOR = 255;

type Weights = ReadonlyMap<string, WeightTensor>;

function need(weights: Weights, name: string): WeightTensor {
  const w = weights.get(name);
  if (!w) throw new Error(`Face descriptor weights lack "${name}"`);
  return w;
}

interface Builder {
  g: OnnxGraphBuilder;
  weights: Weights;
}

/** conv (HWIO filters) + bias, then x*scale.weights + scale.biases, optional ReLU. */
function convLayer(
  b: Builder,
  x: string,
  prefix: string,
  stride: number,
  relu: boolean,
  padding: 'same' | 'valid',
): string {
  const filters = need(b.weights, `${prefix}/conv/filters`);
  const bias = need(b.weights, `${prefix}/conv/bias`);
  const scaleW = need(b.weights, `${prefix}/scale/weights`);
  const scaleB = need(b.weights, `${prefix}/scale/biases`);
  const [kh = 1, kw = 1, cin = 1, cout = 1] = filters.shape;
  const w = new Float32Array(kh * kw * cin * cout);
  for (let y = 0; y < kh; y++)
    for (let xk = 0; xk < kw; xk++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) {
          const s = scaleW.data[o] ?? 1;
          w[((o * cin + i) * kh + y) * kw + xk] =
            (filters.data[((y * kw + xk) * cin + i) * cout + o] ?? 0) * s;
        }
  const fusedBias = new Float32Array(cout);
  for (let o = 0; o < cout; o++)
    fusedBias[o] = (bias.data[o] ?? 0) * (scaleW.data[o] ?? 1) + (scaleB.data[o] ?? 0);
  const out = b.g.op(
    'Conv',
    [
      x,
      b.g.constFloat(`${prefix}/W`, w, [cout, cin, kh, kw]),
      b.g.constFloat(`${prefix}/B`, fusedBias, [cout]),
    ],
    {
      kernel_shape: attr.ints([kh, kw]),
      strides: attr.ints([stride, stride]),
      auto_pad: attr.string(padding === 'same' ? 'SAME_UPPER' : 'VALID'),
    },
    prefix,
  );
  return relu ? b.g.op('Relu', [out]) : out;
}

function residual(b: Builder, x: string, prefix: string): string {
  let out = convLayer(b, x, `${prefix}/conv1`, 1, true, 'same');
  out = convLayer(b, out, `${prefix}/conv2`, 1, false, 'same');
  return b.g.op('Relu', [b.g.op('Add', [out, x])]);
}

/**
 * Down-sampling block. Spatial sizes are static (150x150 input), so the zero row/column face-api
 * appends when the strided conv comes out one smaller than the pooled shortcut is known here.
 */
function residualDown(
  b: Builder,
  x: string,
  prefix: string,
  size: number,
  cin: number,
  cout: number,
): { out: string; size: number } {
  let out = convLayer(b, x, `${prefix}/conv1`, 2, true, 'valid');
  out = convLayer(b, out, `${prefix}/conv2`, 1, false, 'same');
  const convSize = Math.floor((size - 3) / 2) + 1;
  const poolSize = Math.floor((size - 2) / 2) + 1;
  let pooled = b.g.op('AveragePool', [x], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  if (convSize !== poolSize)
    out = b.g.op(
      'Pad',
      [out, b.g.constInt64(`${prefix}/pad`, [0, 0, 0, 0, 0, 0, poolSize - convSize, poolSize - convSize])],
      { mode: attr.string('constant') },
    );
  if (cin !== cout)
    pooled = b.g.op('Pad', [pooled, b.g.constInt64(`${prefix}/chpad`, [0, 0, 0, 0, 0, cout - cin, 0, 0])], {
      mode: attr.string('constant'),
    });
  return { out: b.g.op('Relu', [b.g.op('Add', [pooled, out])]), size: poolSize };
}

export function buildFaceDescriptorNet(weights: Weights, metadata: Record<string, string> = {}): Uint8Array {
  const g = new OnnxGraphBuilder('face_descriptor_resnet34');
  const b: Builder = { g, weights };
  const input = g.input('input', 'float32', ['N', FACE_DESCRIPTOR_INPUT, FACE_DESCRIPTOR_INPUT, 3]);
  let x = g.op('Transpose', [input], { perm: attr.ints([0, 3, 1, 2]) });
  x = g.op('Sub', [x, g.constFloat('mean_rgb', [...FACE_DESCRIPTOR_MEAN_RGB], [3, 1, 1])]);
  x = g.op('Div', [x, g.constFloat('divisor', [FACE_DESCRIPTOR_DIVISOR], [])]);
  x = convLayer(b, x, 'conv32_down', 2, true, 'valid');
  let size = Math.floor((FACE_DESCRIPTOR_INPUT - 7) / 2) + 1;
  x = g.op('MaxPool', [x], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]) });
  size = Math.floor((size - 3) / 2) + 1;
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(b, x, p);
  const stages: Array<[string, number, number, string[]]> = [
    ['conv64_down', 32, 64, ['conv64_1', 'conv64_2', 'conv64_3']],
    ['conv128_down', 64, 128, ['conv128_1', 'conv128_2']],
    ['conv256_down', 128, 256, ['conv256_1', 'conv256_2']],
    ['conv256_down_out', 256, 256, []],
  ];
  for (const [down, cin, cout, blocks] of stages) {
    const r = residualDown(b, x, down, size, cin, cout);
    x = r.out;
    size = r.size;
    for (const p of blocks) x = residual(b, x, p);
  }
  const pooled = g.op('ReduceMean', [x], { axes: attr.ints([2, 3]), keepdims: attr.int(0) });
  const fc = need(weights, 'fc');
  g.node('MatMul', [pooled, g.constFloat('fc', Float32Array.from(fc.data), fc.shape)], {
    outputs: ['descriptor'],
    exactOutputs: true,
  });
  g.output('descriptor', 'float32', ['N', 128]);
  return g.toBytes({
    producer: 'sift-face-descriptor-builder',
    docString: 'dlib ResNet-34 face descriptor (face-api.js weights)',
    metadata,
  });
}
