/**
 * Reading TF.js artefacts from disk: graph models (model.json + binary shards) and plain weight
 * manifests (face-api). Quantised weights (float16, uint8, uint16) are expanded to float32 here,
 * exactly as TF.js does when it loads them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface TfjsQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
  original_dtype?: string;
}

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: TfjsQuantization;
}

export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

export interface TfjsAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { i?: Array<string | number>; s?: string[]; f?: number[] };
  shape?: { dim?: Array<{ size?: string | number }>; unknownRank?: boolean };
}

export interface TfjsNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfjsAttr>;
}

export interface TfjsGraphModelJson {
  format?: string;
  modelTopology: { node: TfjsNode[]; versions?: Record<string, unknown>; library?: unknown };
  weightsManifest: TfjsWeightGroup[];
}

export interface WeightTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Splits concatenated shard bytes into named float32/int32 tensors, dequantising on the way. */
export function decodeWeights(
  specs: readonly TfjsWeightSpec[],
  bytes: Uint8Array,
): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const storedAs = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES[storedAs];
    if (size === undefined) throw new Error(`Weight ${spec.name}: unsupported stored dtype ${storedAs}`);
    if (offset + count * size > bytes.byteLength)
      throw new Error(
        `Weight ${spec.name}: shards end before its data (need ${offset + count * size} bytes, have ${bytes.byteLength})`,
      );
    const q = spec.quantization;
    let data: Float32Array | Int32Array;
    if (spec.dtype === 'int32' && !q) {
      data = new Int32Array(count);
      for (let k = 0; k < count; k++) data[k] = view.getInt32(offset + 4 * k, true);
    } else if (spec.dtype === 'bool') {
      data = new Int32Array(count);
      for (let k = 0; k < count; k++) data[k] = view.getUint8(offset + k);
    } else {
      const f = new Float32Array(count);
      if (!q) for (let k = 0; k < count; k++) f[k] = view.getFloat32(offset + 4 * k, true);
      else if (q.dtype === 'float16')
        for (let k = 0; k < count; k++) f[k] = float16ToFloat32(view.getUint16(offset + 2 * k, true));
      else {
        const scale = q.scale ?? 1;
        const min = q.min ?? 0;
        for (let k = 0; k < count; k++)
          f[k] =
            (q.dtype === 'uint8' ? view.getUint8(offset + k) : view.getUint16(offset + 2 * k, true)) * scale +
            min;
      }
      data = spec.dtype === 'int32' ? Int32Array.from(f, (v) => Math.round(v)) : f;
    }
    out.set(spec.name, {
      shape: [...spec.shape],
      dtype: spec.dtype === 'float32' ? 'float32' : 'int32',
      data,
    });
    offset += count * size;
  }
  return out;
}

export async function readShards(
  dir: string,
  groups: readonly TfjsWeightGroup[],
): Promise<{ specs: TfjsWeightSpec[]; bytes: Uint8Array; files: string[] }> {
  const files = groups.flatMap((g) => g.paths);
  const parts = await Promise.all(files.map((p) => readFile(path.join(dir, p))));
  const total = parts.reduce((a, b) => a + b.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return { specs: groups.flatMap((g) => g.weights), bytes, files };
}

export interface LoadedGraphModel {
  json: TfjsGraphModelJson;
  weights: Map<string, WeightTensor>;
  specs: TfjsWeightSpec[];
  bytes: Uint8Array;
}

export async function loadTfjsGraphModel(modelJsonPath: string): Promise<LoadedGraphModel> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as TfjsGraphModelJson;
  if (!Array.isArray(json.modelTopology?.node))
    throw new Error(`${modelJsonPath} is not a TF.js graph model (no modelTopology.node)`);
  const { specs, bytes } = await readShards(path.dirname(modelJsonPath), json.weightsManifest);
  return { json, weights: decodeWeights(specs, bytes), specs, bytes };
}

export async function loadTfjsWeightManifest(manifestPath: string): Promise<Map<string, WeightTensor>> {
  const groups = JSON.parse(await readFile(manifestPath, 'utf8')) as TfjsWeightGroup[];
  const { specs, bytes } = await readShards(path.dirname(manifestPath), groups);
  return decodeWeights(specs, bytes);
}
