/**
 * The model compiler's driver (build-time tooling: the engine only verifies its output, see
 * src/engine/ml/models/verify.ts). Builds the ONNX files listed in models/manifest.json from their npm sources. Idempotent: a model
 * whose output exists with the pinned sha256 is skipped. Source files are verified against their
 * pinned sha256 before anything is converted; the output is checked after.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../../src/common/logger';
import { EngineError } from '../../src/common/errors';
import { readManifest, type ModelSpec } from '../../src/engine/ml/models/manifest';
import { fileSha256, sha256Hex } from '../../src/engine/ml/models/verify';
import { buildFaceDescriptorNet } from './convert/face-descriptor-net';
import { loadTfjsGraphModel, loadTfjsWeightManifest } from './convert/tfjs-format';
import { convertTfjsGraph } from './convert/tfjs-to-onnx';

/** Directory of an installed npm package, checked against the manifest's exact version. */
export async function packageDir(spec: ModelSpec, resolveFrom: string): Promise<string> {
  const require = createRequire(path.join(resolveFrom, 'noop.js'));
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${spec.source.package}/package.json`);
  } catch {
    throw new EngineError(
      'MODEL',
      `Model ${spec.id}: npm package ${spec.source.package} is not installed (needed ${spec.source.version})`,
    );
  }
  const pkg = JSON.parse(await readFile(pkgJson, 'utf8')) as { version?: string };
  if (pkg.version !== spec.source.version)
    throw new EngineError(
      'MODEL',
      `Model ${spec.id}: expected ${spec.source.package}@${spec.source.version} but found version ${String(pkg.version)}`,
    );
  return path.dirname(pkgJson);
}

export async function verifySources(spec: ModelSpec, dir: string): Promise<void> {
  for (const [file, expected] of Object.entries(spec.source.files)) {
    const actual = await fileSha256(path.join(dir, file));
    if (actual === undefined)
      throw new EngineError(
        'MODEL',
        `Model ${spec.id}: source file ${spec.source.package}/${file} is missing`,
      );
    if (actual !== expected)
      throw new EngineError(
        'MODEL',
        `Model ${spec.id}: source file ${spec.source.package}/${file} has sha256 ${actual}, manifest pins ${expected}`,
      );
  }
}

/** Converts one model from its (verified) sources to ONNX bytes. */
export async function buildModelBytes(spec: ModelSpec, dir: string): Promise<Uint8Array> {
  const entry = path.join(dir, spec.source.entry);
  const metadata = {
    'sift.model_id': spec.id,
    'sift.task': spec.task,
    'sift.source': `${spec.source.package}@${spec.source.version}/${spec.source.entry}`,
  };
  switch (spec.source.kind) {
    case 'tfjs-graph': {
      const model = await loadTfjsGraphModel(entry);
      return convertTfjsGraph(model.json, model.weights, {
        graphName: spec.id,
        inputName: spec.input.name,
        outputs: spec.convert.outputs,
        batch: spec.convert.batch,
        spatial: spec.convert.spatial,
        metadata,
      }).bytes;
    }
    case 'face-api-recognition':
      return buildFaceDescriptorNet(await loadTfjsWeightManifest(entry), metadata);
  }
}

export interface EnsureOptions {
  /** Where npm packages are resolved from (default: the repository holding modelsDir). */
  resolveFrom?: string;
  /** Report built hashes instead of failing when the manifest has no output sha256 yet. */
  allowUnpinned?: boolean;
}

export interface EnsureResult {
  built: Array<{ id: string; sha256: string; ms: number }>;
  skipped: string[];
}

export async function ensureModelFiles(
  modelsDir: string,
  logger: Logger,
  options: EnsureOptions = {},
): Promise<EnsureResult> {
  const manifest = await readManifest(modelsDir);
  const result: EnsureResult = { built: [], skipped: [] };
  await mkdir(path.join(modelsDir, 'build'), { recursive: true });
  for (const spec of manifest.models) {
    const out = path.join(modelsDir, spec.output.file);
    const existing = await fileSha256(out);
    if (existing !== undefined && existing === spec.output.sha256) {
      result.skipped.push(spec.id);
      continue;
    }
    const started = Date.now();
    const dir = await packageDir(spec, options.resolveFrom ?? path.dirname(path.resolve(modelsDir)));
    await verifySources(spec, dir);
    const bytes = await buildModelBytes(spec, dir);
    const hash = sha256Hex(bytes);
    if (spec.output.sha256 === '') {
      if (!options.allowUnpinned)
        throw new EngineError(
          'MODEL',
          `Model ${spec.id}: manifest has no output sha256; built ${hash} (run build:models --pin to record it)`,
        );
    } else if (hash !== spec.output.sha256) {
      throw new EngineError(
        'MODEL',
        `Model ${spec.id}: built ONNX has sha256 ${hash} but the manifest pins ${spec.output.sha256} (converter or source changed)`,
      );
    }
    const tmp = `${out}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, out);
    const ms = Date.now() - started;
    result.built.push({ id: spec.id, sha256: hash, ms });
    logger.info('built model', { id: spec.id, task: spec.task, bytes: bytes.byteLength, ms });
  }
  return result;
}
