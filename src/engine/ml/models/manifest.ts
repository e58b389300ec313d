/** models/manifest.json: schema, loading and the task -> model registry. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EngineError } from '../../../common/errors';

export const VISION_TASKS = ['face-detection', 'person-detection', 'face-embedding'] as const;
export type VisionTask = (typeof VISION_TASKS)[number];

/**
 * Side (px) of the square RGB chip the face-embedding model takes: the pipeline crops and aligns
 * chips at this size before the model is loaded, and the converter writes the graph for it. The
 * registry refuses a manifest whose face-embedding input shape says otherwise.
 */
export const FACE_DESCRIPTOR_INPUT = 150;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex sha256');

const modelSchema = z.object({
  id: z.string().min(1),
  task: z.enum(VISION_TASKS),
  description: z.string(),
  source: z.object({
    kind: z.enum(['tfjs-graph', 'face-api-recognition']),
    package: z.string(),
    version: z.string(),
    entry: z.string(),
    files: z.record(z.string(), sha256),
  }),
  convert: z.object({
    outputs: z
      .array(
        z.object({
          node: z.string(),
          name: z.string(),
          meaning: z.string(),
          channels: z.tuple([z.number().int(), z.number().int()]).optional(),
        }),
      )
      .min(1),
    batch: z.enum(['dynamic', 'fixed']),
    spatial: z.enum(['dynamic', 'fixed']),
  }),
  output: z.object({
    file: z.string().regex(/^build\/[\w.@-]+\.onnx$/),
    sha256: z.union([sha256, z.literal('')]),
  }),
  input: z.object({
    name: z.string(),
    layout: z.literal('NHWC'),
    shape: z.array(z.number().int()).length(4),
    color: z.literal('RGB'),
    normalization: z.object({ scale: z.number(), offset: z.number(), formula: z.string() }),
  }),
  crop: z.string(),
  license: z.string(),
  keypoints: z.array(z.string()).optional(),
  anchors: z
    .object({ strides: z.array(z.number()), perCell: z.array(z.number()), offset: z.number() })
    .optional(),
});

const manifestSchema = z.object({
  $comment: z.string().optional(),
  version: z.literal(1),
  models: z.array(modelSchema).min(1),
});

export type ModelSpec = z.infer<typeof modelSchema>;
export type ModelManifest = z.infer<typeof manifestSchema>;

export function parseManifest(json: unknown, where = 'manifest'): ModelManifest {
  const r = manifestSchema.safeParse(json);
  if (!r.success)
    throw new EngineError(
      'MODEL',
      `Invalid model manifest ${where}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

export async function readManifest(modelsDir: string): Promise<ModelManifest> {
  const file = path.join(modelsDir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new EngineError('MODEL', `Cannot read model manifest ${file}: ${(error as Error).message}`);
  }
  return parseManifest(JSON.parse(text) as unknown, file);
}

export interface ModelRegistry {
  readonly tasks: readonly VisionTask[];
  /** The model serving a task; unknown tasks fail naming the valid ones. */
  forTask(task: string): ModelSpec;
  /** Absolute path of the built ONNX file for a model. */
  modelPath(spec: ModelSpec): string;
  /** A stable string naming all models in use (goes into every VisionResult). */
  readonly version: string;
}

export function createModelRegistry(modelsDir: string, manifest: ModelManifest): ModelRegistry {
  const byTask = new Map<string, ModelSpec>();
  for (const m of manifest.models) {
    if (byTask.has(m.task))
      throw new EngineError('MODEL', `Model manifest lists two models for task "${m.task}"`);
    byTask.set(m.task, m);
  }
  const embedding = byTask.get('face-embedding');
  if (embedding) {
    const [, height, width, channels] = embedding.input.shape;
    if (height !== FACE_DESCRIPTOR_INPUT || width !== FACE_DESCRIPTOR_INPUT || channels !== 3)
      throw new EngineError(
        'MODEL',
        `Model ${embedding.id}: expected input shape [N,${FACE_DESCRIPTOR_INPUT},${FACE_DESCRIPTOR_INPUT},3] for face-embedding but the manifest says [${embedding.input.shape.join(',')}]`,
      );
  }
  const tasks = Object.freeze([...byTask.keys()].sort()) as readonly VisionTask[];
  const version = manifest.models
    .map((m) => `${m.task}=${m.id}@${m.output.sha256.slice(0, 12) || 'unpinned'}`)
    .sort()
    .join(';');
  return Object.freeze({
    tasks,
    version,
    forTask(task: string): ModelSpec {
      const spec = byTask.get(task);
      if (!spec)
        throw new EngineError('MODEL', `Unknown vision task "${task}"; valid tasks: ${tasks.join(', ')}`);
      return spec;
    },
    modelPath: (spec: ModelSpec) => path.join(modelsDir, spec.output.file),
  });
}
