/**
 * Converts a TF.js graph model to ONNX with the shared graph builder.
 *
 * 4-D activations are kept in NCHW inside the ONNX graph (ONNX Conv is NCHW); each value records
 * whether it is stored transposed, and we transpose back only where an op needs TF's NHWC view
 * (Reshape, graph outputs). Only the nodes that the requested outputs depend on are converted, so
 * "cut points" are simply the outputs you ask for: post-processing after them stays in TS.
 */
import { OnnxGraphBuilder, attr, type AttrValue, type Dim } from '../onnx/graph';
import type { TfjsAttr, TfjsGraphModelJson, TfjsNode, WeightTensor } from './tfjs-format';

export type BatchPolicy = 'dynamic' | 'fixed';

export interface ConvertOptions {
  graphName: string;
  /**
   * TF node names to expose, with the ONNX output name for each. `channels` keeps only
   * [start, end) of the last (channel) axis, e.g. the one class of a detection heatmap we use.
   */
  outputs: ReadonlyArray<{ node: string; name: string; channels?: readonly [number, number] }>;
  /** ONNX name of the (single) image input. */
  inputName: string;
  batch: BatchPolicy;
  /**
   * 'dynamic': accept any input height/width. Resize ops whose target size is baked in become
   * scale factors, computed from the spatial sizes the graph had at its original input size.
   */
  spatial?: 'fixed' | 'dynamic';
  fusePrelu?: boolean;
  metadata?: Record<string, string>;
}

export interface ConversionReport {
  bytes: Uint8Array;
  convertedNodes: number;
  onnxNodes: number;
  fusedPrelu: number;
  fixedBatchReshapes: number;
  inferredSpatialReshapes: number;
  opTypes: string[];
}

export class UnsupportedOpError extends Error {
  override readonly name = 'UnsupportedOpError';
  constructor(
    readonly op: string,
    readonly node: string,
    detail = '',
  ) {
    super(`Unsupported TF op ${op} at node "${node}"${detail ? `: ${detail}` : ''}`);
  }
}

interface Value {
  name: string;
  /** Rank of the logical (TF) tensor, when known. */
  rank: number | undefined;
  /** true: a 4-D TF NHWC tensor stored as NCHW in ONNX. */
  nchw: boolean;
  /** Spatial size at the model's original input size (4-D activations only). */
  hw?: [number, number];
  constant?: WeightTensor;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

function decodeString(a: TfjsAttr | undefined): string | undefined {
  return a?.s === undefined ? undefined : Buffer.from(a.s, 'base64').toString('utf8');
}
function intList(a: TfjsAttr | undefined): number[] {
  return (a?.list?.i ?? []).map((v) => Number(v));
}
function stringList(a: TfjsAttr | undefined): string[] {
  return (a?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}
function splitRef(ref: string): { node: string; index: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(ref);
  return { node: m?.[1] ?? ref, index: m?.[2] ? Number(m[2]) : 0 };
}

export function convertTfjsGraph(
  model: TfjsGraphModelJson,
  weights: ReadonlyMap<string, WeightTensor>,
  options: ConvertOptions,
): ConversionReport {
  const nodes = new Map<string, TfjsNode>(model.modelTopology.node.map((n) => [n.name, n]));
  const g = new OnnxGraphBuilder(options.graphName);
  const values = new Map<string, Value>();
  let fusedPrelu = 0;
  let fixedBatchReshapes = 0;
  let inferredSpatialReshapes = 0;

  const dataInputs = (n: TfjsNode): string[] => (n.input ?? []).filter((i) => !i.startsWith('^'));

  // Which nodes the requested outputs need (the cut).
  const needed = new Set<string>();
  const stack = options.outputs.map((o) => o.node);
  while (stack.length) {
    const name = stack.pop();
    if (name === undefined || needed.has(name)) continue;
    const n = nodes.get(name);
    if (!n) throw new Error(`Output or input node "${name}" is not in graph ${options.graphName}`);
    needed.add(name);
    for (const i of dataInputs(n)) stack.push(splitRef(i).node);
  }

  const constOf = (ref: string): WeightTensor | undefined => {
    const n = nodes.get(splitRef(ref).node);
    if (n?.op === 'Const') return weights.get(n.name);
    if (n?.op === 'Identity') return constOf(dataInputs(n)[0] ?? '');
    return undefined;
  };

  /** Matches TF.js' PReLU export: Add(Relu(x), k * (x - Abs(x))) == PRelu(x, 2k). */
  const matchPrelu = (n: TfjsNode): { x: string; slope: Float32Array } | undefined => {
    if (options.fusePrelu === false || (n.op !== 'Add' && n.op !== 'AddV2')) return undefined;
    const [a, b] = dataInputs(n);
    if (a === undefined || b === undefined) return undefined;
    for (const [reluRef, mulRef] of [
      [a, b],
      [b, a],
    ] as const) {
      const relu = nodes.get(splitRef(reluRef).node);
      if (relu?.op !== 'Relu') continue;
      const x = dataInputs(relu)[0];
      if (x === undefined) continue;
      let k: Float32Array | undefined = Float32Array.of(1);
      let foundSub = false;
      const walk = (ref: string): boolean => {
        const m = nodes.get(splitRef(ref).node);
        if (!m) return false;
        const c = constOf(ref);
        if (c) {
          const data = Float32Array.from(c.data);
          k =
            k && k.length === 1
              ? data.map((v) => v * (k?.[0] ?? 1))
              : data.length === 1 && k
                ? k.map((v) => v * (data[0] ?? 1))
                : undefined;
          return k !== undefined;
        }
        if (m.op === 'Mul') return dataInputs(m).every(walk);
        if (m.op === 'Sub' && !foundSub) {
          const [s0, s1] = dataInputs(m);
          const abs = nodes.get(splitRef(s1 ?? '').node);
          if (s0 === x && abs?.op === 'Abs' && dataInputs(abs)[0] === x) return (foundSub = true);
        }
        return false;
      };
      if (walk(mulRef) && foundSub && k) return { x, slope: k.map((v) => 2 * v) };
    }
    return undefined;
  };

  const emitConst = (ref: string, c: WeightTensor): Value => {
    const key = `const:${ref}`;
    const hit = values.get(key);
    if (hit) return hit;
    const name =
      c.dtype === 'float32'
        ? g.constant(splitRef(ref).node, Float32Array.from(c.data), c.shape)
        : g.constInt64(splitRef(ref).node, Array.from(c.data), c.shape);
    const v: Value = { name, rank: c.shape.length, nchw: false, constant: c };
    values.set(key, v);
    return v;
  };

  const toNative = (v: Value): string =>
    v.nchw ? g.op('Transpose', [v.name], { perm: attr.ints(NCHW_TO_NHWC) }) : v.name;

  /** Brings a constant operand into the layout of a NCHW activation for broadcasting. */
  const alignConst = (c: WeightTensor, hint: string): string => {
    const data = Float32Array.from(c.data);
    const count = data.length;
    if (count === 1) return g.constFloat(hint, data, []);
    const nontrivial = c.shape.filter((d) => d !== 1);
    if (nontrivial.length === 1 && c.shape[c.shape.length - 1] === count)
      return g.constFloat(hint, data, [count, 1, 1]);
    if (c.shape.length === 4) {
      const [n0 = 1, h = 1, w = 1, ch = 1] = c.shape;
      const t = new Float32Array(count);
      for (let i = 0; i < n0; i++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++)
            for (let k = 0; k < ch; k++)
              t[((i * ch + k) * h + y) * w + x] = data[((i * h + y) * w + x) * ch + k] ?? 0;
      return g.constFloat(hint, t, [n0, ch, h, w]);
    }
    throw new Error(
      `Cannot broadcast constant ${hint} of shape [${c.shape.join(',')}] against an NHWC activation`,
    );
  };

  const resolve = (ref: string): Value => {
    const { node: nodeName, index } = splitRef(ref);
    const key = index ? `${nodeName}:${index}` : nodeName;
    const hit = values.get(key);
    if (hit) return hit;
    const n = nodes.get(nodeName);
    if (!n) throw new Error(`Missing node ${nodeName}`);
    if (n.op === 'Const') {
      const c = weights.get(n.name);
      if (!c) throw new Error(`Const node "${n.name}" has no weights in the manifest`);
      return emitConst(ref, c);
    }
    if (index !== 0) throw new UnsupportedOpError(n.op, n.name, `output ${index} is not supported`);
    const v = convertNode(n);
    values.set(key, v);
    return v;
  };

  const convInputs = (n: TfjsNode): { x: Value; filter: WeightTensor; extra: string[] } => {
    const [xRef, fRef, ...extra] = dataInputs(n);
    const filter = constOf(fRef ?? '');
    if (!filter || xRef === undefined)
      throw new UnsupportedOpError(n.op, n.name, 'filter must be a constant');
    return { x: resolve(xRef), filter, extra };
  };

  const padAttrs = (n: TfjsNode): Record<string, AttrValue> => {
    const padding = decodeString(n.attr?.padding) ?? 'VALID';
    // TF SAME pads the odd extra pixel at the end: that is ONNX SAME_UPPER, not SAME_LOWER.
    if (padding === 'SAME') return { auto_pad: attr.string('SAME_UPPER') };
    if (padding === 'VALID') return { auto_pad: attr.string('VALID') };
    if (padding === 'EXPLICIT') {
      const e = intList(n.attr?.explicit_paddings);
      return { pads: attr.ints([e[2] ?? 0, e[4] ?? 0, e[3] ?? 0, e[5] ?? 0]) };
    }
    throw new UnsupportedOpError(n.op, n.name, `padding ${padding}`);
  };

  const checkNhwc = (n: TfjsNode): void => {
    const fmt = decodeString(n.attr?.data_format);
    if (fmt !== undefined && fmt !== 'NHWC') throw new UnsupportedOpError(n.op, n.name, `data_format ${fmt}`);
  };

  const activation = (n: TfjsNode, x: string, op: string, alpha?: string): string => {
    switch (op) {
      case 'Relu':
        return g.op('Relu', [x]);
      case 'Relu6':
        return g.op('Clip', [x, g.constFloat('zero', [0], []), g.constFloat('six', [6], [])]);
      case 'Elu':
        return g.op('Elu', [x]);
      case 'Sigmoid':
        return g.op('Sigmoid', [x]);
      case 'LeakyRelu':
        return g.op('LeakyRelu', [x], { alpha: attr.float(n.attr?.leakyrelu_alpha?.f ?? 0.2) });
      case 'Prelu': {
        const a = constOf(alpha ?? '');
        if (!a) throw new UnsupportedOpError(n.op, n.name, 'PReLU alpha must be constant');
        return g.op('PRelu', [x, alignConst(a, `${n.name}/alpha`)]);
      }
      default:
        throw new UnsupportedOpError(n.op, n.name, `fused activation ${op}`);
    }
  };

  const convertConv = (n: TfjsNode, depthwise: boolean): Value => {
    checkNhwc(n);
    const { x, filter, extra } = convInputs(n);
    const [kh = 1, kw = 1, cin = 1, cout = 1] = filter.shape;
    const src = filter.data;
    const outCh = depthwise ? cin * cout : cout;
    const w = new Float32Array(kh * kw * cin * cout);
    // TF filters are HWIO (depthwise: H W C multiplier); ONNX wants OIHW (depthwise: C*mult, 1, H, W).
    for (let y = 0; y < kh; y++)
      for (let xk = 0; xk < kw; xk++)
        for (let i = 0; i < cin; i++)
          for (let o = 0; o < cout; o++) {
            const v = src[((y * kw + xk) * cin + i) * cout + o] ?? 0;
            if (depthwise) w[((i * cout + o) * kh + y) * kw + xk] = v;
            else w[((o * cin + i) * kh + y) * kw + xk] = v;
          }
    const wName = g.constFloat(`${n.name}/weights`, w, depthwise ? [outCh, 1, kh, kw] : [cout, cin, kh, kw]);
    const fused = stringList(n.attr?.fused_ops);
    const inputs = [toNchw(x, n), wName];
    let rest = extra;
    if (fused[0] === 'BiasAdd') {
      const bias = constOf(rest[0] ?? '');
      if (!bias) throw new UnsupportedOpError(n.op, n.name, 'bias must be constant');
      inputs.push(g.constFloat(`${n.name}/bias`, Float32Array.from(bias.data), [outCh]));
      rest = rest.slice(1);
    } else if (fused.length > 0) throw new UnsupportedOpError(n.op, n.name, `fused ops ${fused.join('+')}`);
    const strides = intList(n.attr?.strides);
    const dil = intList(n.attr?.dilations);
    let padding = padAttrs(n);
    const dilated = (dil[1] ?? 1) > 1 || (dil[2] ?? 1) > 1;
    if (dilated && decodeString(n.attr?.padding) === 'SAME') {
      // ORT rejects auto_pad SAME_* with dilation: spell the pads out (extra pixel at the end, as TF).
      const total = [0, 1].map((d) => {
        const keff = (([kh, kw][d] ?? 1) - 1) * (dil[d + 1] ?? 1) + 1;
        const s = strides[d + 1] ?? 1;
        if (s === 1) return keff - 1;
        const size = x.hw?.[d];
        if (size === undefined)
          throw new UnsupportedOpError(n.op, n.name, 'dilated strided SAME conv needs a static input size');
        return Math.max((Math.ceil(size / s) - 1) * s + keff - size, 0);
      });
      const [th = 0, tw = 0] = total;
      padding = {
        pads: attr.ints([
          Math.floor(th / 2),
          Math.floor(tw / 2),
          th - Math.floor(th / 2),
          tw - Math.floor(tw / 2),
        ]),
      };
    }
    let out = g.op(
      'Conv',
      inputs,
      {
        kernel_shape: attr.ints([kh, kw]),
        strides: attr.ints([strides[1] ?? 1, strides[2] ?? 1]),
        dilations: attr.ints([dil[1] ?? 1, dil[2] ?? 1]),
        group: attr.int(depthwise ? cin : 1),
        ...padding,
      },
      n.name,
    );
    for (const op of fused.slice(1)) out = activation(n, out, op, rest[0]);
    return {
      name: out,
      rank: 4,
      nchw: true,
      hw: spatialOut(n, x.hw, [kh, kw], [strides[1] ?? 1, strides[2] ?? 1], [dil[1] ?? 1, dil[2] ?? 1]),
    };
  };

  const spatialOut = (
    n: TfjsNode,
    hw: [number, number] | undefined,
    k: [number, number],
    st: [number, number],
    dil: [number, number] = [1, 1],
  ): [number, number] | undefined => {
    if (!hw) return undefined;
    const padding = decodeString(n.attr?.padding) ?? 'VALID';
    const e = intList(n.attr?.explicit_paddings);
    return [0, 1].map((d) => {
      const size = hw[d] ?? 0;
      const keff = ((k[d] ?? 1) - 1) * (dil[d] ?? 1) + 1;
      const s = st[d] ?? 1;
      if (padding === 'SAME') return Math.ceil(size / s);
      const extra = padding === 'EXPLICIT' ? (e[2 + 2 * d] ?? 0) + (e[3 + 2 * d] ?? 0) : 0;
      return Math.floor((size + extra - keff) / s) + 1;
    }) as [number, number];
  };

  const broadcastHw = (
    a: [number, number] | undefined,
    b: [number, number] | undefined,
  ): [number, number] | undefined => (a && b ? [Math.max(a[0], b[0]), Math.max(a[1], b[1])] : (a ?? b));

  const toNchw = (v: Value, n: TfjsNode): string => {
    if (v.nchw) return v.name;
    if (v.rank !== 4)
      throw new UnsupportedOpError(n.op, n.name, `expected a 4-D input, got rank ${String(v.rank)}`);
    return g.op('Transpose', [v.name], { perm: attr.ints(NHWC_TO_NCHW) });
  };

  const binary = (n: TfjsNode, onnxOp: string): Value => {
    const [aRef, bRef] = dataInputs(n);
    if (aRef === undefined || bRef === undefined)
      throw new UnsupportedOpError(n.op, n.name, 'needs two inputs');
    const ca = constOf(aRef);
    const cb = constOf(bRef);
    if (ca && cb) throw new UnsupportedOpError(n.op, n.name, 'constant folding is not implemented');
    const va = ca ? undefined : resolve(aRef);
    const vb = cb ? undefined : resolve(bRef);
    const act = va ?? vb;
    if (!act) throw new Error('unreachable');
    if (
      act.nchw &&
      (!va || !vb || (va.nchw && vb.nchw) || (va.nchw ? (vb.rank ?? 0) : (va.rank ?? 0)) <= 1)
    ) {
      const operand = (v: Value | undefined, c: WeightTensor | undefined, hint: string): string =>
        v
          ? v.nchw
            ? v.name
            : v.rank !== undefined && v.rank <= 1
              ? g.op('Reshape', [v.name, g.constInt64('shape', [-1, 1, 1])])
              : v.name
          : alignConst(c as WeightTensor, hint);
      return {
        name: g.op(
          onnxOp,
          [operand(va, ca, `${n.name}/a`), operand(vb, cb, `${n.name}/b`)],
          undefined,
          n.name,
        ),
        rank: 4,
        nchw: true,
        hw: broadcastHw(va?.hw, vb?.hw),
      };
    }
    const plain = (v: Value | undefined, c: WeightTensor | undefined, hint: string): string =>
      v ? toNative(v) : emitConst(hint, c as WeightTensor).name;
    return {
      name: g.op(onnxOp, [plain(va, ca, aRef), plain(vb, cb, bRef)], undefined, n.name),
      rank: Math.max(va?.rank ?? ca?.shape.length ?? 0, vb?.rank ?? cb?.shape.length ?? 0),
      nchw: false,
    };
  };

  const unary = (n: TfjsNode, fn: (x: string) => string): Value => {
    const v = resolve(dataInputs(n)[0] ?? '');
    return { name: fn(v.name), rank: v.rank, nchw: v.nchw, hw: v.hw };
  };

  const convertNode = (n: TfjsNode): Value => {
    const prelu = matchPrelu(n);
    if (prelu) {
      fusedPrelu++;
      const x = resolve(prelu.x);
      const slope = x.nchw
        ? alignConst({ shape: [prelu.slope.length], dtype: 'float32', data: prelu.slope }, `${n.name}/slope`)
        : g.constFloat(`${n.name}/slope`, prelu.slope);
      return {
        name: g.op('PRelu', [x.name, slope], undefined, n.name),
        rank: x.rank,
        nchw: x.nchw,
        hw: x.hw,
      };
    }
    switch (n.op) {
      case 'Placeholder': {
        const dims = n.attr?.shape?.shape?.dim?.map((d) => Number(d.size ?? -1)) ?? [];
        if (dims.length !== 4)
          throw new UnsupportedOpError(n.op, n.name, 'only NHWC image inputs are supported');
        const names = ['N', 'H', 'W'];
        const shape: Dim[] = dims.map((d, k) =>
          k === 0 && options.batch === 'dynamic'
            ? 'N'
            : (k === 1 || k === 2) && options.spatial === 'dynamic'
              ? (names[k] ?? 'S')
              : d < 0
                ? `d${k}`
                : d,
        );
        if (options.batch === 'fixed' && dims[0] !== undefined && dims[0] < 0) shape[0] = 1;
        const input = g.input(options.inputName, 'float32', shape);
        const hw: [number, number] | undefined =
          (dims[1] ?? -1) > 0 && (dims[2] ?? -1) > 0 ? [dims[1] ?? 0, dims[2] ?? 0] : undefined;
        return {
          name: g.op('Transpose', [input], { perm: attr.ints(NHWC_TO_NCHW) }),
          rank: 4,
          nchw: true,
          hw,
        };
      }
      case 'Identity':
        return resolve(dataInputs(n)[0] ?? '');
      case '_FusedConv2D':
      case 'Conv2D':
        return convertConv(n, false);
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative':
        return convertConv(n, true);
      case 'Add':
      case 'AddV2':
        return binary(n, 'Add');
      case 'Sub':
        return binary(n, 'Sub');
      case 'Mul':
        return binary(n, 'Mul');
      case 'RealDiv':
        return binary(n, 'Div');
      case 'Maximum':
        return binary(n, 'Max');
      case 'Minimum':
        return binary(n, 'Min');
      case 'Relu':
      case 'Relu6':
      case 'Elu':
      case 'Sigmoid':
      case 'LeakyRelu':
        return unary(n, (x) => activation(n, x, n.op));
      case 'Tanh':
      case 'Abs':
      case 'Neg':
      case 'Exp':
        return unary(n, (x) => g.op(n.op, [x], undefined, n.name));
      case 'MaxPool':
      case 'AvgPool': {
        checkNhwc(n);
        const x = resolve(dataInputs(n)[0] ?? '');
        const k = intList(n.attr?.ksize);
        const s = intList(n.attr?.strides);
        const out = g.op(
          n.op === 'MaxPool' ? 'MaxPool' : 'AveragePool',
          [toNchw(x, n)],
          {
            kernel_shape: attr.ints([k[1] ?? 1, k[2] ?? 1]),
            strides: attr.ints([s[1] ?? 1, s[2] ?? 1]),
            ...padAttrs(n),
          },
          n.name,
        );
        return {
          name: out,
          rank: 4,
          nchw: true,
          hw: spatialOut(n, x.hw, [k[1] ?? 1, k[2] ?? 1], [s[1] ?? 1, s[2] ?? 1]),
        };
      }
      case 'Pad': {
        const [xRef, pRef] = dataInputs(n);
        const p = constOf(pRef ?? '');
        if (!p || xRef === undefined) throw new UnsupportedOpError(n.op, n.name, 'paddings must be constant');
        const x = resolve(xRef);
        const pd = Array.from(p.data);
        const rank = pd.length / 2;
        const order = x.nchw ? NHWC_TO_NCHW : Array.from({ length: rank }, (_, k) => k);
        const pads = [...order.map((d) => pd[2 * d] ?? 0), ...order.map((d) => pd[2 * d + 1] ?? 0)];
        const out = g.op(
          'Pad',
          [x.name, g.constInt64(`${n.name}/pads`, pads)],
          { mode: attr.string('constant') },
          n.name,
        );
        const hw: [number, number] | undefined =
          x.hw && x.nchw
            ? [x.hw[0] + (pd[2] ?? 0) + (pd[3] ?? 0), x.hw[1] + (pd[4] ?? 0) + (pd[5] ?? 0)]
            : undefined;
        return { name: out, rank: x.rank, nchw: x.nchw, hw };
      }
      case 'Reshape': {
        const [xRef, sRef] = dataInputs(n);
        const s = constOf(sRef ?? '');
        if (!s || xRef === undefined)
          throw new UnsupportedOpError(n.op, n.name, 'target shape must be constant');
        const shape = Array.from(s.data);
        const x = resolve(xRef);
        // A baked-in batch of 1 becomes "copy dim 0" so the graph accepts any batch.
        if (options.batch === 'dynamic' && shape[0] === 1 && shape.length >= 2) {
          shape[0] = 0;
          fixedBatchReshapes++;
        }
        // With a dynamic input size, a flattening reshape's spatial extent is not a constant any
        // more: the largest non-batch dim (the flattened H*W*anchors one) is inferred instead.
        if (options.spatial === 'dynamic' && !shape.includes(-1) && shape.length >= 2) {
          let at = 1;
          for (let k = 2; k < shape.length; k++) if ((shape[k] ?? 0) > (shape[at] ?? 0)) at = k;
          shape[at] = -1;
          inferredSpatialReshapes++;
        }
        const out = g.op('Reshape', [toNative(x), g.constInt64(`${n.name}/shape`, shape)], undefined, n.name);
        return { name: out, rank: shape.length, nchw: false };
      }
      case 'ConcatV2': {
        const refs = dataInputs(n);
        const axisC = constOf(refs[refs.length - 1] ?? '');
        if (!axisC) throw new UnsupportedOpError(n.op, n.name, 'axis must be constant');
        const parts = refs.slice(0, -1).map((r) => resolve(r));
        let axis = Number(axisC.data[0]);
        const rank = parts[0]?.rank ?? 4;
        if (axis < 0) axis += rank;
        if (parts.every((p) => p.nchw)) {
          const out = g.op(
            'Concat',
            parts.map((p) => p.name),
            { axis: attr.int(NHWC_TO_NCHW.indexOf(axis)) },
            n.name,
          );
          return { name: out, rank: 4, nchw: true, hw: parts[0]?.hw };
        }
        return {
          name: g.op('Concat', parts.map(toNative), { axis: attr.int(axis) }, n.name),
          rank,
          nchw: false,
        };
      }
      case 'Mean':
      case 'Max':
      case 'Sum': {
        const [xRef, aRef] = dataInputs(n);
        const a = constOf(aRef ?? '');
        if (!a || xRef === undefined) throw new UnsupportedOpError(n.op, n.name, 'axes must be constant');
        const x = resolve(xRef);
        const rank = x.rank ?? 4;
        const axes = Array.from(a.data, (v) => (v < 0 ? v + rank : v));
        const keep = n.attr?.keep_dims?.b === true;
        const onnxOp = n.op === 'Mean' ? 'ReduceMean' : n.op === 'Max' ? 'ReduceMax' : 'ReduceSum';
        if (x.nchw && keep) {
          const out = g.op(
            onnxOp,
            [x.name],
            { axes: attr.ints(axes.map((d) => NHWC_TO_NCHW.indexOf(d))), keepdims: attr.int(1) },
            n.name,
          );
          const hw: [number, number] | undefined = x.hw
            ? [axes.includes(1) ? 1 : x.hw[0], axes.includes(2) ? 1 : x.hw[1]]
            : undefined;
          return { name: out, rank: 4, nchw: true, hw };
        }
        if (onnxOp === 'ReduceSum') {
          const out = g.op(
            onnxOp,
            [toNative(x), g.constInt64(`${n.name}/axes`, axes)],
            { keepdims: attr.int(keep ? 1 : 0) },
            n.name,
          );
          return { name: out, rank: keep ? rank : rank - axes.length, nchw: false };
        }
        const out = g.op(
          onnxOp,
          [toNative(x)],
          { axes: attr.ints(axes), keepdims: attr.int(keep ? 1 : 0) },
          n.name,
        );
        return { name: out, rank: keep ? rank : rank - axes.length, nchw: false };
      }
      case 'ResizeBilinear':
      case 'ResizeNearestNeighbor': {
        const [xRef, sRef] = dataInputs(n);
        const size = constOf(sRef ?? '');
        if (!size || xRef === undefined) throw new UnsupportedOpError(n.op, n.name, 'size must be constant');
        const x = resolve(xRef);
        const xn = toNchw(x, n);
        const alignCorners = n.attr?.align_corners?.b === true;
        const halfPixel = n.attr?.half_pixel_centers?.b === true;
        const linear = n.op === 'ResizeBilinear';
        const mode = alignCorners
          ? 'align_corners'
          : halfPixel
            ? linear
              ? 'half_pixel'
              : 'tf_half_pixel_for_nn'
            : 'asymmetric';
        const target: [number, number] = [Number(size.data[0]), Number(size.data[1])];
        let resizeInputs: string[];
        if (options.spatial === 'dynamic') {
          if (!x.hw)
            throw new UnsupportedOpError(
              n.op,
              n.name,
              'spatial size unknown, cannot turn the fixed size into a scale',
            );
          const scales = [1, 1, target[0] / x.hw[0], target[1] / x.hw[1]];
          resizeInputs = [xn, '', g.constFloat(`${n.name}/scales`, scales)];
        } else {
          // Sizes must include N and C, which are dynamic: Shape(x)[0:2] ++ [h, w].
          const shape = g.op('Shape', [xn]);
          const nc = g.op('Slice', [shape, g.constInt64('s0', [0]), g.constInt64('s2', [2])]);
          resizeInputs = [
            xn,
            '',
            '',
            g.op('Concat', [nc, g.constInt64(`${n.name}/hw`, target)], { axis: attr.int(0) }),
          ];
        }
        const out = g.op(
          'Resize',
          resizeInputs,
          {
            mode: attr.string(linear ? 'linear' : 'nearest'),
            coordinate_transformation_mode: attr.string(mode),
            ...(linear ? {} : { nearest_mode: attr.string(alignCorners ? 'round_prefer_ceil' : 'floor') }),
          },
          n.name,
        );
        return { name: out, rank: 4, nchw: true, hw: target };
      }
      default:
        throw new UnsupportedOpError(n.op, n.name);
    }
  };

  for (const o of options.outputs) {
    let v = resolve(o.node);
    if (o.channels) {
      // Slice channels before going back to NHWC, so the dropped channels are never transposed.
      const axis = v.nchw ? 1 : (v.rank ?? 1) - 1;
      const sliced = g.op('Slice', [
        v.name,
        g.constInt64(`${o.name}/start`, [o.channels[0]]),
        g.constInt64(`${o.name}/end`, [o.channels[1]]),
        g.constInt64(`${o.name}/axis`, [axis]),
      ]);
      v = { ...v, name: sliced };
    }
    g.node('Identity', [toNative(v)], { outputs: [o.name], exactOutputs: true });
    g.output(
      o.name,
      'float32',
      Array.from({ length: v.rank ?? 0 }, (_, k) =>
        k === 0 && options.batch === 'dynamic' ? 'N' : `${o.name}_d${k}`,
      ),
    );
  }

  const bytes = g.toBytes({
    producer: 'sift-tfjs-to-onnx',
    docString: `Converted from TF.js graph ${options.graphName}`,
    metadata: options.metadata,
  });
  return {
    bytes,
    convertedNodes: needed.size,
    onnxNodes: g.nodeCount,
    fusedPrelu,
    fixedBatchReshapes,
    inferredSpatialReshapes,
    opTypes: [...new Set(g.opTypes())].sort(),
  };
}
