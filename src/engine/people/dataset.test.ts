/**
 * People on real photos with the real vision pipeline (dev set, shared/datasets/dev/faces):
 * 8 identities x 5 crops, 5 group photos, 7 unlabelled portraits. Skipped only when the dataset is
 * absent (set SIFT_DATASETS to point elsewhere).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger';
import { pairwiseScores } from '../../common/people/synthetic';
import { iou, type Rect } from '../../common/geometry';
import type { Raster } from '../../common/raster';
import { openDatabase, type Db } from '../db/open';
import { decodeAnalysisRaster } from '../dedup/testing-decode';
import { openVectorIndexes, type VectorIndexes } from '../index/vector-indexes';
import {
  createVisionPipeline,
  DEFAULT_MODELS_DIR,
  ensureModels,
  type VisionPipeline,
  type VisionResult,
} from '../ml';
import { createPeopleService, type PeopleService } from './service';
import { TestLibrary } from './testing-library';
import { datasetsRoot } from '../testing';

// Shipped in test/fixtures (face-api.js examples, MIT).
const FACES_DIR = path.join(datasetsRoot(), 'faces');
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const GROUPS = [1, 2, 3, 4, 5].map((i) => `group/bbt${i}.jpg`);
const UNLABELLED = ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised'].map(
  (n) => `unlabeled/${n}.jpg`,
);

type Box = Rect;

interface Ingested {
  contentId: number;
  result: VisionResult;
  faceIds: number[];
  bodyIds: number[];
}

let dir: string;
let db: Db;
let vectors: VectorIndexes;
let lib: TestLibrary;
let pipeline: VisionPipeline;
let people: PeopleService;
const identities = new Map<number, string>(); // face id -> labelled identity
const groups = new Map<string, { raster: Raster; ingested: Ingested; time: number }>();

async function ingest(raster: Raster, capturedAt: number, name: string): Promise<Ingested> {
  const result = await pipeline.analyze(raster);
  const { contentId } = lib.addPhoto({
    capturedAt,
    background: result.background,
    path: `/dev/${name}`,
    width: raster.width,
    height: raster.height,
  });
  const faceIds = result.faces.map((f) => lib.addFace(contentId, f.embedding, f.quality, f.box));
  const bodyIds = result.persons.map((p) =>
    lib.addBody(contentId, p.descriptor, p.faceIndex === null ? null : (faceIds[p.faceIndex] ?? null), p.box),
  );
  return { contentId, result, faceIds, bodyIds };
}

function personOfFace(faceId: number): number | null {
  return (
    db.prepare<[number], number>('SELECT person_id FROM face_person WHERE face_id = ?').pluck().get(faceId) ??
    null
  );
}

/** Hides every head: the face box and the hair above it are pixelated into blocks a third of the face wide. */
function pixelateHeads(raster: Raster, faces: readonly Box[]): Raster {
  const data = new Uint8Array(raster.data);
  const c = raster.channels;
  for (const [x, y, w, h] of faces) {
    const x0 = Math.max(0, Math.floor(x - 0.3 * w));
    const x1 = Math.min(raster.width, Math.ceil(x + 1.3 * w));
    const y0 = Math.max(0, Math.floor(y - 0.4 * h));
    const y1 = Math.min(raster.height, Math.ceil(y + 1.1 * h));
    const block = Math.max(4, Math.round(w / 3));
    for (let by = y0; by < y1; by += block)
      for (let bx = x0; bx < x1; bx += block) {
        const ey = Math.min(y1, by + block);
        const ex = Math.min(x1, bx + block);
        for (let k = 0; k < c; k++) {
          let sum = 0;
          for (let yy = by; yy < ey; yy++)
            for (let xx = bx; xx < ex; xx++) sum += raster.data[(yy * raster.width + xx) * c + k] ?? 0;
          const mean = Math.round(sum / ((ey - by) * (ex - bx)));
          for (let yy = by; yy < ey; yy++)
            for (let xx = bx; xx < ex; xx++) data[(yy * raster.width + xx) * c + k] = mean;
        }
      }
  }
  return { ...raster, data };
}

describe.skipIf(!existsSync(path.join(FACES_DIR, 'identities.json')))(
  'people on the dev set (real vision pipeline)',
  () => {
    beforeAll(async () => {
      await ensureModels(DEFAULT_MODELS_DIR, silentLogger);
      dir = mkdtempSync(path.join(os.tmpdir(), 'sift-people-dev-'));
      db = openDatabase(path.join(dir, 'library.db'), silentLogger);
      vectors = openVectorIndexes({ dir: path.join(dir, 'vectors'), db, logger: silentLogger });
      lib = new TestLibrary(db, vectors);
      pipeline = createVisionPipeline({ modelsDir: DEFAULT_MODELS_DIR, logger: silentLogger });
      people = createPeopleService({ db, vectors: () => vectors, logger: silentLogger });
      const labels = JSON.parse(readFileSync(path.join(FACES_DIR, 'identities.json'), 'utf8')) as Record<
        string,
        string
      >;
      let n = 0;
      for (const [file, name] of Object.entries(labels)) {
        const ingested = await ingest(
          await decodeAnalysisRaster(path.join(FACES_DIR, file)),
          T0 - 60 * DAY + n++ * DAY,
          file,
        );
        for (const id of ingested.faceIds) identities.set(id, name);
      }
      for (const [i, file] of GROUPS.entries()) {
        const raster = await decodeAnalysisRaster(path.join(FACES_DIR, file));
        const time = T0 + i * 3 * DAY;
        groups.set(file, { raster, ingested: await ingest(raster, time, file), time });
      }
      for (const [i, file] of UNLABELLED.entries())
        await ingest(await decodeAnalysisRaster(path.join(FACES_DIR, file)), T0 + 100 * DAY + i * DAY, file);
    }, 600_000);

    afterAll(async () => {
      await pipeline?.dispose();
      vectors?.close();
      db?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('finds the 8 identities as 8 people and never puts two faces of a group photo into one person', async () => {
      const result = await people.cluster();
      const list = await people.list({ includeHidden: true });
      const labelled = [...identities.keys()];
      const predicted = labelled.map(personOfFace);
      const scores = pairwiseScores(
        labelled.map((id) => identities.get(id) as string),
        predicted,
      );
      console.info(
        'dev faces: people %d, pairwise precision %s recall %s, unassigned labelled %d',
        list.length,
        scores.precision.toFixed(3),
        scores.recall.toFixed(3),
        predicted.filter((p) => p === null).length,
      );
      expect(scores.precision).toBeGreaterThanOrEqual(0.95);
      expect(scores.recall).toBeGreaterThanOrEqual(0.9);
      expect(list).toHaveLength(8);
      expect(result.people).toBe(8);
      expect(new Set(predicted.filter((p) => p !== null)).size).toBe(8);

      let assignedInGroups = 0;
      for (const { ingested } of groups.values()) {
        const persons = ingested.faceIds.map(personOfFace).filter((p): p is number => p !== null);
        assignedInGroups += persons.length;
        expect(new Set(persons).size).toBe(persons.length);
      }
      console.info('dev group photos: %d faces assigned, no person twice in a photo', assignedInGroups);
      // The group photos show the same cast: most of their faces must have joined a person.
      expect(assignedInGroups).toBeGreaterThanOrEqual(15);
    });

    it('recognises people whose heads are hidden by their clothes, next to the photo where their face shows', async () => {
      // A second shot two minutes after each group photo, with every head pixelated.
      const expected = new Map<number, number>(); // body id in the hidden-heads copy -> person of the same body in the original
      for (const [file, { raster, ingested, time }] of groups) {
        const hidden = await ingest(
          pixelateHeads(
            raster,
            ingested.result.faces.map((f) => f.box),
          ),
          time + 2 * 60_000,
          `${file}.heads-hidden`,
        );
        hidden.result.persons.forEach((body, i) => {
          const face = body.faceIndex === null ? null : hidden.result.faces[body.faceIndex];
          if (face !== undefined && face !== null && face.quality >= 0.35) return; // still has a usable face
          const original = ingested.result.persons
            .map((p, j) => ({
              j,
              overlap: iou(p.box, body.box),
              face: p.faceIndex === null ? null : (ingested.faceIds[p.faceIndex] ?? null),
            }))
            .sort((a, b) => b.overlap - a.overlap)[0];
          if (original === undefined || original.overlap < 0.5 || original.face === null) return;
          const person = personOfFace(original.face);
          if (person !== null) expected.set(hidden.bodyIds[i] as number, person);
        });
      }
      await people.cluster();
      const inferred = new Map(
        db
          .prepare<[], { body_id: number; person_id: number }>(
            "SELECT body_id, person_id FROM body_person WHERE state = 'inferred'",
          )
          .all()
          .map((r) => [r.body_id, r.person_id]),
      );
      const evaluated = [...expected.keys()];
      const answered = evaluated.filter((id) => inferred.has(id));
      const correct = answered.filter((id) => inferred.get(id) === expected.get(id));
      console.info(
        'dev hidden heads: %d bodies evaluated, %d inferred, %d correct',
        evaluated.length,
        answered.length,
        correct.length,
      );
      expect(evaluated.length).toBeGreaterThanOrEqual(5);
      expect(correct.length / evaluated.length).toBeGreaterThanOrEqual(0.75);
      expect(correct.length).toBe(answered.length);
      const refs = (
        await Promise.all([...new Set(expected.values())].map((id) => people.get({ id })))
      ).flatMap((p) => p.inferred);
      expect(refs.every((r) => r.inferred)).toBe(true);
    });
  },
);
