/**
 * End-to-end quality tests of the vision stage on the dev dataset (shared/datasets/dev/faces,
 * override with $SIFT_DATASETS): detection on tight identity crops, verification accuracy at the
 * exported threshold, face counts on group photos, descriptor invariants, cancellation.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/logger';
import { ANALYSIS_LONG_SIDE, type Raster } from '../../../common/raster';
import {
  FACE_MATCH_THRESHOLD,
  cosineDistance,
  createVisionPipeline,
  ensureModels,
  type FaceChipEmbedder,
  type VisionPipeline,
  type VisionResult,
} from '../index';
import { datasetsRoot } from '../../testing';
import { DEFAULT_MODELS_DIR } from '../../paths';
import groupFixture from './fixtures/group-faces.json';

// Shipped in test/fixtures (face-api.js examples, MIT).
const FACES = path.join(datasetsRoot(), 'faces');

async function loadRaster(file: string, pad = 0): Promise<Raster> {
  const { data, info } = await sharp(file)
    .rotate()
    .resize(ANALYSIS_LONG_SIDE, ANALYSIS_LONG_SIDE, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .extend({ top: pad, bottom: pad, left: pad, right: pad, extendWith: 'copy' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

let pipeline: VisionPipeline & FaceChipEmbedder;
const groupResults = new Map<string, { raster: Raster; result: VisionResult }>();

beforeAll(async () => {
  await ensureModels(DEFAULT_MODELS_DIR, silentLogger);
  pipeline = createVisionPipeline({ modelsDir: DEFAULT_MODELS_DIR, logger: silentLogger, workers: 2 });
  for (const name of Object.keys(groupFixture).filter((k) => k.endsWith('.jpg'))) {
    const raster = await loadRaster(path.join(FACES, 'group', name));
    groupResults.set(name, { raster, result: await pipeline.analyze(raster) });
  }
});

afterAll(async () => {
  await pipeline.dispose();
});

describe('vision pipeline on the dev faces', () => {
  it('finds a face in every identity crop and verifies all pairs at FACE_MATCH_THRESHOLD with >= 0.97 accuracy', async () => {
    const identities = JSON.parse(await readFile(path.join(FACES, 'identities.json'), 'utf8')) as Record<
      string,
      string
    >;
    const entries = Object.entries(identities);
    expect(entries).toHaveLength(40);
    const found: Array<{ id: string; embedding: Float32Array }> = [];
    const missed: string[] = [];
    for (const [file, id] of entries) {
      // The crops are tight (the face touches the border): pad before detection.
      const raster = await loadRaster(path.join(FACES, file), 32);
      const { faces } = await pipeline.analyze(raster);
      const largest = faces.reduce<(typeof faces)[number] | undefined>(
        (best, f) => (!best || f.box[2] * f.box[3] > best.box[2] * best.box[3] ? f : best),
        undefined,
      );
      if (largest) found.push({ id, embedding: largest.embedding });
      else missed.push(file);
    }
    expect(missed).toEqual([]);
    let correct = 0,
      total = 0,
      sameTotal = 0,
      sameOk = 0;
    for (let i = 0; i < found.length; i++)
      for (let j = i + 1; j < found.length; j++) {
        const a = found[i],
          b = found[j];
        if (!a || !b) continue;
        const same = a.id === b.id;
        const match = cosineDistance(a.embedding, b.embedding) < FACE_MATCH_THRESHOLD;
        total++;
        if (match === same) correct++;
        if (same) {
          sameTotal++;
          if (match) sameOk++;
        }
      }
    const accuracy = correct / total;
    console.info(
      `[quality] verification: ${total} pairs, accuracy ${accuracy.toFixed(4)} at cosine distance < ${FACE_MATCH_THRESHOLD}; same-person pairs matched ${sameOk}/${sameTotal}`,
    );
    expect(total).toBe(780);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    // Guard against a degenerate threshold: most same-person pairs must match.
    expect(sameOk / sameTotal).toBeGreaterThan(0.8);
  });

  it.each(Object.entries(groupFixture).filter(([k]) => k.endsWith('.jpg')))(
    'group photo %s yields the hand-counted number of faces',
    (name, expected) => {
      const r = groupResults.get(name);
      const count =
        typeof expected === 'object' && expected !== null && 'faces' in expected ? expected.faces : NaN;
      console.info(
        `[quality] ${name}: ${r?.result.faces.length} faces (expected ${count}), ${r?.result.persons.length} persons`,
      );
      expect(r?.result.faces).toHaveLength(count);
    },
  );

  it.each([
    ['bbt4.jpg', 400, 6],
    ['bbt3.jpg', 450, 5],
    ['bbt5.jpg', 450, 5],
  ])(
    'finds the small faces of %s shrunk to %i px inside a 1600x1200 photo (detail pass)',
    async (name, width, expected) => {
      const small = await sharp(path.join(FACES, 'group', name))
        .resize(width)
        .toBuffer();
      const { data, info } = await sharp({
        create: { width: 1600, height: 1200, channels: 3, background: { r: 120, g: 130, b: 110 } },
      })
        .composite([{ input: small, left: 500, top: 500 }])
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const raster: Raster = {
        data: new Uint8Array(data),
        width: info.width,
        height: info.height,
        channels: 3,
      };
      const { faces } = await pipeline.analyze(raster);
      console.info(
        `[quality] ${name} at ${width} px in 1600x1200: ${faces.length} faces (expected ${expected}), widths ${faces.map((f) => Math.round(f.box[2])).join('/')}`,
      );
      expect(faces).toHaveLength(expected);
      for (const f of faces) expect(f.box[0]).toBeGreaterThanOrEqual(490);
    },
  );

  it('returns well-formed results: boxes in bounds, unit-length descriptors, consistent face links', () => {
    for (const [name, { raster, result }] of groupResults) {
      expect(result.modelVersion).toMatch(/face-embedding=dlib-resnet34-face-descriptor@/);
      expect(Math.abs(norm(result.background) - 1)).toBeLessThan(1e-5);
      for (const f of result.faces) {
        expect(f.embedding).toHaveLength(128);
        expect(Math.abs(norm(f.embedding) - 1)).toBeLessThan(1e-5);
        expect(f.landmarks).toHaveLength(6);
        expect(f.quality).toBeGreaterThanOrEqual(0);
        expect(f.quality).toBeLessThanOrEqual(1);
        expect(f.box[0]).toBeGreaterThanOrEqual(0);
        expect(f.box[0] + f.box[2]).toBeLessThanOrEqual(raster.width + 1e-6);
        expect(f.box[1] + f.box[3]).toBeLessThanOrEqual(raster.height + 1e-6);
      }
      expect(result.persons.length, name).toBeGreaterThan(0);
      const linked = result.persons.map((p) => p.faceIndex).filter((i): i is number => i !== null);
      expect(new Set(linked).size).toBe(linked.length);
      for (const p of result.persons) {
        expect(Math.abs(norm(p.descriptor) - 1)).toBeLessThan(1e-5);
        if (p.faceIndex !== null) {
          const f = result.faces[p.faceIndex];
          expect(f).toBeDefined();
          const cx = (f?.box[0] ?? 0) + (f?.box[2] ?? 0) / 2;
          expect(cx).toBeGreaterThanOrEqual(p.box[0]);
          expect(cx).toBeLessThanOrEqual(p.box[0] + p.box[2]);
        }
      }
    }
    // Bodies and faces agree: at most one face per group photo is left without its person.
    for (const [name, { result }] of groupResults) {
      const linked = result.persons.filter((p) => p.faceIndex !== null).length;
      expect(linked, name).toBeGreaterThanOrEqual(result.faces.length - 1);
    }
    const bbt1 = groupResults.get('bbt1.jpg')?.result;
    expect(bbt1?.persons.filter((p) => p.faceIndex !== null)).toHaveLength(4);
  });

  it('same person in two group photos is closer than different people (face embeddings)', () => {
    // Largest face in bbt1 with the highest quality vs every face in bbt5: the best match must be under the threshold for at least one face pair across the two photos (the same cast).
    const a = groupResults.get('bbt1.jpg')?.result.faces ?? [];
    const b = groupResults.get('bbt5.jpg')?.result.faces ?? [];
    const distances = a.flatMap((f) => b.map((g) => cosineDistance(f.embedding, g.embedding)));
    expect(Math.min(...distances)).toBeLessThan(FACE_MATCH_THRESHOLD);
    expect(Math.max(...distances)).toBeGreaterThan(FACE_MATCH_THRESHOLD);
  });

  it('background and body descriptors: a slightly shifted crop matches its photo and its people', async () => {
    const full = groupResults.get('bbt1.jpg');
    if (!full) throw new Error('bbt1 missing');
    const { data, info } = await sharp(full.raster.data, {
      raw: { width: full.raster.width, height: full.raster.height, channels: 3 },
    })
      .extract({ left: 40, top: 20, width: full.raster.width - 80, height: full.raster.height - 40 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const shifted = await pipeline.analyze({
      data: new Uint8Array(data),
      width: info.width,
      height: info.height,
      channels: 3,
    });
    const other = groupResults.get('bbt3.jpg')?.result.background ?? new Float32Array(0);
    expect(cosineDistance(full.result.background, shifted.background)).toBeLessThan(
      cosineDistance(full.result.background, other),
    );

    // Body descriptors: each person of the full photo is nearest to the same person in the crop
    // (identified by position), i.e. clothing features tell the four men apart.
    const centreX = (b: readonly number[]): number => (b[0] ?? 0) + (b[2] ?? 0) / 2;
    expect(full.result.persons).toHaveLength(4);
    expect(shifted.persons).toHaveLength(4);
    for (const p of full.result.persons) {
      const samePlace = shifted.persons.reduce((a, b) =>
        Math.abs(centreX(b.box) + 40 - centreX(p.box)) < Math.abs(centreX(a.box) + 40 - centreX(p.box))
          ? b
          : a,
      );
      const nearest = shifted.persons.reduce((a, b) =>
        cosineDistance(p.descriptor, b.descriptor) < cosineDistance(p.descriptor, a.descriptor) ? b : a,
      );
      expect(nearest).toBe(samePlace);
    }
  });

  it('batches face chips across workers: 20 chips give 20 unit descriptors, identical chips identical descriptors', async () => {
    const chips = new Float32Array(20 * 150 * 150 * 3).map((_, i) => (i * 7) % 255);
    const per = 150 * 150 * 3;
    chips.copyWithin(19 * per, 0, per);
    const out = await pipeline.embedChips(chips, 20);
    expect(out).toHaveLength(20);
    expect(cosineDistance(out[0] ?? new Float32Array(128), out[19] ?? new Float32Array(128))).toBeLessThan(
      1e-6,
    );
  });

  it('honours cancellation and reports progress', async () => {
    const raster = groupResults.get('bbt2.jpg')?.raster;
    if (!raster) throw new Error('bbt2 missing');
    const ac = new AbortController();
    ac.abort();
    await expect(pipeline.analyze(raster, { signal: ac.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    const stages: string[] = [];
    await pipeline.analyze(raster, { onProgress: (p) => stages.push(p.stage) });
    expect(stages).toEqual(['detect', 'embed', 'describe', 'done']);
  });

  it('handles tiny, panoramic, grey and RGBA rasters', async () => {
    const grey = (w: number, h: number, channels: 1 | 3 | 4): Raster => ({
      data: new Uint8Array(w * h * channels).map((_, i) => (i * 37) % 251),
      width: w,
      height: h,
      channels,
    });
    for (const r of [grey(12, 9, 3), grey(1600, 180, 3), grey(300, 200, 1), grey(200, 300, 4)]) {
      const result = await pipeline.analyze(r);
      expect(Math.abs(norm(result.background) - 1), `${r.width}x${r.height}x${r.channels}`).toBeLessThan(
        1e-5,
      );
      expect(result.faces).toEqual([]);
    }
    // A face crop given as RGBA and as grey still yields its face.
    const rgb = await loadRaster(path.join(FACES, 'images/sheldon/sheldon1.png'), 32);
    const rgba = new Uint8Array(rgb.width * rgb.height * 4);
    for (let i = 0; i < rgb.width * rgb.height; i++)
      rgba.set([rgb.data[3 * i] ?? 0, rgb.data[3 * i + 1] ?? 0, rgb.data[3 * i + 2] ?? 0, 255], 4 * i);
    const fromRgba = await pipeline.analyze({
      data: rgba,
      width: rgb.width,
      height: rgb.height,
      channels: 4,
    });
    const fromRgb = await pipeline.analyze(rgb);
    expect(fromRgba.faces).toHaveLength(1);
    expect(
      cosineDistance(
        fromRgba.faces[0]?.embedding ?? new Float32Array(128),
        fromRgb.faces[0]?.embedding ?? new Float32Array(128),
      ),
    ).toBeLessThan(1e-6);
  });

  it('fails with a MODEL error naming the fix when models are missing', async () => {
    const p = createVisionPipeline({ modelsDir: path.join(FACES, 'no-such-models'), logger: silentLogger });
    await expect(
      p.analyze({ data: new Uint8Array(3 * 64 * 64), width: 64, height: 64, channels: 3 }),
    ).rejects.toMatchObject({ code: 'MODEL' });
    await p.dispose();
  });
});
