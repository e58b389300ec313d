/**
 * A small ONNX graph builder: the one writer behind both the TF.js converter and the networks
 * defined in code. Output is deterministic (insertion order, no timestamps), so a build can be
 * pinned by sha256.
 */
import {
  AttributeType,
  TensorDataType,
  encodeModel,
  type AttributeMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from './proto';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export type Dim = number | string;
export type ElemType = 'float32' | 'int32' | 'int64';
export type TensorValues = Float32Array | Int32Array | BigInt64Array;

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'tensor'; value: TensorValues; dims: readonly number[] };

export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttrValue => ({ kind: 'floats', value }),
};

const ELEM_CODE: Record<ElemType, number> = {
  float32: TensorDataType.FLOAT,
  int32: TensorDataType.INT32,
  int64: TensorDataType.INT64,
};

function tensorMessage(name: string, values: TensorValues, dims: readonly number[]): TensorMessage {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== values.length)
    throw new Error(
      `Tensor ${name}: dims [${dims.join(',')}] hold ${count} values but received ${values.length}`,
    );
  const dataType =
    values instanceof Float32Array
      ? TensorDataType.FLOAT
      : values instanceof Int32Array
        ? TensorDataType.INT32
        : TensorDataType.INT64;
  // raw_data is little-endian; every platform Node runs Sift on is little-endian, checked once here.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new Error('Big-endian hosts are not supported by the ONNX writer');
  const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  return { name, dims: [...dims], dataType, rawData };
}

function attributeMessage(name: string, a: AttrValue): AttributeMessage {
  switch (a.kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: a.value };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(a.value) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...a.value] };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...a.value] };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: tensorMessage('', a.value, a.dims) };
  }
}

function valueInfo(name: string, elem: ElemType, shape: readonly Dim[]): ValueInfoMessage {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_CODE[elem],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export interface ModelInfo {
  producer: string;
  docString?: string;
  metadata?: Record<string, string>;
}

export class OnnxGraphBuilder {
  private readonly nodes: NodeMessage[] = [];
  private readonly initializers: TensorMessage[] = [];
  private readonly inputs: ValueInfoMessage[] = [];
  private readonly outputs: ValueInfoMessage[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh value name derived from a hint; never collides with one already in the graph. */
  uniqueName(hint: string): string {
    let candidate = hint;
    while (this.names.has(candidate)) candidate = `${hint}__${++this.counter}`;
    this.names.add(candidate);
    return candidate;
  }

  input(name: string, elem: ElemType, shape: readonly Dim[]): string {
    this.names.add(name);
    this.inputs.push(valueInfo(name, elem, shape));
    return name;
  }

  output(name: string, elem: ElemType, shape: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elem, shape));
  }

  constant(hint: string, values: TensorValues, dims: readonly number[]): string {
    const name = this.uniqueName(hint);
    this.initializers.push(tensorMessage(name, values, dims));
    return name;
  }

  constFloat(
    hint: string,
    values: readonly number[] | Float32Array,
    dims: readonly number[] = [values.length],
  ): string {
    return this.constant(hint, values instanceof Float32Array ? values : Float32Array.from(values), dims);
  }

  constInt64(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(hint, BigInt64Array.from(values.map((v) => BigInt(v))), dims);
  }

  /** Adds a node; returns its output names (`outputs` are hints unless `exact`). */
  node(
    opType: string,
    inputs: readonly string[],
    options: {
      outputs?: readonly string[] | number;
      attrs?: Record<string, AttrValue>;
      name?: string;
      exactOutputs?: boolean;
    } = {},
  ): string[] {
    const nodeName = this.uniqueName(options.name ?? `${opType}_${this.nodes.length}`);
    const outs =
      typeof options.outputs === 'number' || options.outputs === undefined
        ? Array.from({ length: typeof options.outputs === 'number' ? options.outputs : 1 }, (_, k) =>
            this.uniqueName(`${nodeName}:${k}`),
          )
        : options.outputs.map((o) => (options.exactOutputs ? (this.names.add(o), o) : this.uniqueName(o)));
    const attribute = Object.entries(options.attrs ?? {}).map(([k, v]) => attributeMessage(k, v));
    this.nodes.push({ input: [...inputs], output: outs, name: nodeName, opType, attribute });
    return outs;
  }

  /** Single-output shorthand. */
  op(opType: string, inputs: readonly string[], attrs?: Record<string, AttrValue>, name?: string): string {
    const [out] = this.node(opType, inputs, { attrs, name });
    if (out === undefined) throw new Error('unreachable: node without output');
    return out;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  opTypes(): string[] {
    return this.nodes.map((n) => n.opType);
  }

  toBytes(info: ModelInfo): Uint8Array {
    const metadata = Object.entries(info.metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return encodeModel({
      irVersion: ONNX_IR_VERSION,
      producerName: info.producer,
      producerVersion: '1',
      docString: info.docString ?? '',
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      metadataProps: metadata.map(([key, value]) => ({ key, value })),
    });
  }
}
