import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger';
import {
  createRandom,
  FACE_LIKE,
  identityCentres,
  jitter,
  randomUnitVector,
} from '../../common/people/synthetic';
import { openDatabase, type Db } from '../db/open';
import { openVectorIndexes, type VectorIndexes } from '../index/vector-indexes';
import { createPeopleService } from '../people/service';
import { TestLibrary } from '../people/testing-library';
import { createSeriesService, type SeriesService } from './service';
import { englishShotReason } from '../../common/series/best-shot';
import { parseStoredKeyed } from '../db/stored-keyed';

let dir: string;
let db: Db;
let vectors: VectorIndexes;
let lib: TestLibrary;
let series: SeriesService;
const random = createRandom(99);
const MIN = 60_000;
const T0 = Date.UTC(2024, 4, 3, 14);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sift-series-'));
  db = openDatabase(path.join(dir, 'library.db'), silentLogger);
  vectors = openVectorIndexes({ dir: path.join(dir, 'vectors'), db, logger: silentLogger });
  lib = new TestLibrary(db, vectors);
  series = createSeriesService({ db, vectors: () => vectors, logger: silentLogger });
});

afterEach(() => {
  vectors.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('series service', () => {
  it('groups a shoot with a named person, explains it, picks the best shot and flags burst frames', async () => {
    const [anna] = identityCentres(1, 128, random);
    // Like the pipeline's background descriptors: different scenes are still ~0.88 similar.
    const anyScene = randomUnitVector(96, random);
    const park = jitter(anyScene, 0.35, random);
    const home = jitter(anyScene, 0.35, random);
    const faces: number[] = [];
    // 6 photos in the park over 25 min; photos 3-5 are a burst 0.5 s apart, the middle one sharpest.
    const times = [0, 5 * MIN, 12 * MIN, 12 * MIN + 500, 12 * MIN + 1000, 25 * MIN];
    const sharpness = [50, 60, 30, 90, 45, 55];
    const burstBackground = jitter(park, 0.1, random);
    times.forEach((t, i) => {
      const inBurst = i >= 2 && i <= 4;
      const p = lib.addPhoto({
        capturedAt: T0 + t,
        sharpness: sharpness[i] as number,
        exposure: 0.7,
        background: inBurst ? jitter(burstBackground, 0.02, random) : jitter(park, 0.1, random),
      });
      faces.push(lib.addFace(p.contentId, jitter(anna as Float32Array, FACE_LIKE.noise, random)));
    });
    // Later at home, no people, no EXIF date (file mtime), two photos.
    [0, 1].forEach((i) =>
      lib.addPhoto({
        capturedAt: null,
        mtime: T0 + 6 * 60 * MIN + i * MIN,
        background: jitter(home, 0.1, random),
      }),
    );
    // A lone photo far away in time is in no series.
    lib.addPhoto({ capturedAt: T0 + 30 * 24 * 60 * MIN, background: randomUnitVector(96, random) });

    const people = createPeopleService({ db, vectors: () => vectors, logger: silentLogger });
    const annaPerson = await people.nameFaces({ faceIds: faces, name: 'Anna' });

    const summary = await series.group();
    expect(summary).toEqual({ series: 2, photos: 8, redundant: 2 });
    const list = await series.list({ offset: 0, limit: 10 });
    expect(list.total).toBe(2);
    expect(list.series.map((s) => s.title)).toEqual([
      'Photos · 2024-05-03 · 2 photos',
      'Anna · 2024-05-03 · 6 photos',
    ]);
    const annaSeries = list.series[1];
    expect(annaSeries?.people).toEqual([annaPerson.id]);
    expect(
      (await series.list({ offset: 0, limit: 10, personId: annaPerson.id })).series.map((s) => s.id),
    ).toEqual([annaSeries?.id]);

    const detail = await series.get({ id: annaSeries?.id as number });
    expect(detail.shots).toHaveLength(6);
    const best = detail.shots.find((s) => s.best);
    expect(detail.cover?.id).toBe(best?.id);
    const burst = detail.shots.slice(2, 5);
    expect(burst.map((s) => s.redundant)).toEqual([true, false, true]);
    expect(burst[1]?.reasons.join(' ')).toMatch(/kept from a burst of 3/);
    expect(burst[0]?.reasons[0]).toMatch(/^redundant: 500 ms from the kept frame/);
    // The same as keys for the UI: the English is made from them.
    expect(burst[0]?.why[0]).toEqual({ key: 'shot.redundant', params: { gapMs: 500, kept: burst[1]?.id } });
    for (const shot of detail.shots) expect(shot.why.map(englishShotReason)).toEqual(shot.reasons);
    expect(detail.subject).toEqual({ kind: 'people' });
    expect(parseStoredKeyed(JSON.stringify(['an older English reason']))).toEqual([
      { key: 'text', params: { text: 'an older English reason' } },
    ]);
    expect(detail.reasons).toMatchObject({ photos: 6, timeSource: { exif: 6, mtime: 0 } });
    expect(detail.explanation.some((e) => e === 'Anna in 6 of 6 photos')).toBe(true);

    const homeDetail = await series.get({ id: list.series[0]?.id as number });
    expect(homeDetail.shots).toHaveLength(2);
    expect(homeDetail.reasons).toMatchObject({ timeSource: { exif: 0, mtime: 2 } });

    const redundant = await series.redundant({});
    expect(redundant.map((r) => r.keep)).toEqual([false, true, false]);
    expect(redundant.every((r) => r.series === annaSeries?.id && r.reasons.length > 0)).toBe(true);

    // Regrouping after a new photo joins keeps the series id.
    lib.addPhoto({ capturedAt: T0 + 30 * MIN, background: jitter(park, 0.1, random) });
    await series.group();
    const again = await series.list({ offset: 0, limit: 10 });
    expect(again.series.map((s) => s.id).sort()).toEqual(list.series.map((s) => s.id).sort());
    expect(again.series.find((s) => s.id === annaSeries?.id)?.photoCount).toBe(7);
    await expect(series.get({ id: 4242 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
