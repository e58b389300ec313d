import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder, attr } from './graph';
import { decodeModel } from './proto';

async function run(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

describe('ONNX graph builder', () => {
  it('writes a model ORT runs: Conv (SAME_UPPER, stride 2) + bias + Relu with hand-computed values', async () => {
    const g = new OnnxGraphBuilder('conv');
    g.input('x', 'float32', ['N', 1, 4, 4]);
    // 2x2 kernel of ones, stride 2, on a 4x4 ramp: each output sums one 2x2 block.
    const y = g.op(
      'Conv',
      ['x', g.constFloat('w', [1, 1, 1, 1], [1, 1, 2, 2]), g.constFloat('b', [-10], [1])],
      {
        kernel_shape: attr.ints([2, 2]),
        strides: attr.ints([2, 2]),
        auto_pad: attr.string('SAME_UPPER'),
      },
    );
    g.node('Relu', [y], { outputs: ['y'], exactOutputs: true });
    g.output('y', 'float32', ['N', 1, 2, 2]);
    const x = Float32Array.from({ length: 16 }, (_, i) => i);
    const out = await run(g.toBytes({ producer: 'test' }), { x: new ort.Tensor('float32', x, [1, 1, 4, 4]) });
    // blocks: 0+1+4+5=10, 2+3+6+7=18, 8+9+12+13=42, 10+11+14+15=50; minus 10, relu
    expect(Array.from(out.y?.data as Float32Array)).toEqual([0, 8, 32, 40]);
  });

  it('supports int64 constants, float/int/ints/string attributes and dynamic batch', async () => {
    const g = new OnnxGraphBuilder('misc');
    g.input('x', 'float32', ['N', 6]);
    const r = g.op('Reshape', ['x', g.constInt64('shape', [0, 2, 3])]);
    const m = g.op('ReduceMean', [r], { axes: attr.ints([2]), keepdims: attr.int(0) });
    const l = g.op('LeakyRelu', [m], { alpha: attr.float(0.5) });
    g.node('Identity', [l], { outputs: ['y'], exactOutputs: true });
    g.output('y', 'float32', ['N', 2]);
    const x = Float32Array.from([1, 2, 3, -4, -5, -6, 7, 8, 9, 10, 11, 12]);
    const out = await run(g.toBytes({ producer: 'test' }), { x: new ort.Tensor('float32', x, [2, 6]) });
    expect(Array.from(out.y?.data as Float32Array)).toEqual([2, -2.5, 8, 11]);
  });

  it('round-trips through the protobuf schema with metadata sorted and bytes deterministic', () => {
    const build = () => {
      const g = new OnnxGraphBuilder('meta');
      g.input('x', 'float32', [1]);
      g.node('Identity', ['x'], { outputs: ['y'], exactOutputs: true });
      g.output('y', 'float32', [1]);
      return g.toBytes({ producer: 'p', metadata: { z: '1', a: '2' } });
    };
    const bytes = build();
    expect(Buffer.from(bytes).equals(Buffer.from(build()))).toBe(true);
    const m = decodeModel(bytes);
    expect(m.producerName).toBe('p');
    expect(m.metadataProps.map((p) => p.key)).toEqual(['a', 'z']);
    expect(m.graph.node[0]?.opType).toBe('Identity');
    expect(m.opsetImport[0]?.version).toBe(17);
  });

  it('never reuses a value name and rejects tensors whose data does not fill their dims', () => {
    const g = new OnnxGraphBuilder('names');
    expect(g.uniqueName('a')).toBe('a');
    expect(g.uniqueName('a')).not.toBe('a');
    expect(() => g.constFloat('bad', [1, 2, 3], [2, 2])).toThrow(/dims \[2,2\] hold 4 values but received 3/);
  });
});
