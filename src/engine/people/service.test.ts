import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../common/errors';
import { silentLogger } from '../../common/logger';
import {
  createRandom,
  FACE_LIKE,
  identityCentres,
  jitter,
  pairwiseScores,
  randomUnitVector,
} from '../../common/people/synthetic';
import { openDatabase, type Db } from '../db/open';
import { openVectorIndexes, type VectorIndexes } from '../index/vector-indexes';
import { createPeopleService, type PeopleService } from './service';
import { TestLibrary } from './testing-library';

let dir: string;
let db: Db;
let vectors: VectorIndexes;
let lib: TestLibrary;
let people: PeopleService;
let changes: number;
const random = createRandom(2024);
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 4, 3, 10);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sift-people-'));
  db = openDatabase(path.join(dir, 'library.db'), silentLogger);
  vectors = openVectorIndexes({ dir: path.join(dir, 'vectors'), db, logger: silentLogger });
  lib = new TestLibrary(db, vectors);
  changes = 0;
  people = createPeopleService({
    db,
    vectors: () => vectors,
    logger: silentLogger,
    onChange: () => (changes += 1),
  });
});

afterEach(() => {
  vectors.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(EngineError);
  await promise.catch((e: unknown) => expect((e as EngineError).code).toBe(code));
}

function personOfFace(faceId: number): number | null {
  return (
    db.prepare<[number], number>('SELECT person_id FROM face_person WHERE face_id = ?').pluck().get(faceId) ??
    null
  );
}

/** `n` identities, `perIdentity` portraits each, plus group photos with one face of each of 3 identities. */
function seedIdentities(n: number, perIdentity: number, groups = 0) {
  const centres = identityCentres(n, 128, random);
  const truth = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < perIdentity; j++) {
      const { contentId } = lib.addPhoto({ capturedAt: T0 + (i * perIdentity + j) * HOUR * 5 });
      truth.set(lib.addFace(contentId, jitter(centres[i] as Float32Array, FACE_LIKE.noise, random)), i);
    }
  }
  for (let g = 0; g < groups; g++) {
    const { contentId } = lib.addPhoto({ capturedAt: T0 - g * HOUR });
    for (let k = 0; k < 3; k++) {
      const i = (g + k) % n;
      truth.set(lib.addFace(contentId, jitter(centres[i] as Float32Array, FACE_LIKE.noise, random)), i);
    }
  }
  return { centres, truth };
}

describe('people service: clustering', () => {
  it('turns synthetic identities into people, honours one-person-per-photo, and adds new faces incrementally', async () => {
    const { centres, truth } = seedIdentities(10, 6, 6);
    const progress: string[] = [];
    const first = await people.cluster({ onProgress: (_d, _t, stage) => progress.push(stage) });
    expect(first.people).toBe(10);
    expect(progress).toContain('neighbours');
    const ids = [...truth.keys()];
    const scores = pairwiseScores(
      ids.map((id) => truth.get(id) as number),
      ids.map(personOfFace),
    );
    expect(scores.precision).toBeGreaterThanOrEqual(0.99);
    expect(scores.recall).toBeGreaterThanOrEqual(0.95);
    const clash = db
      .prepare(
        'SELECT f.content_id, fp.person_id, COUNT(*) AS n FROM face_person fp JOIN faces f ON f.id = fp.face_id GROUP BY 1, 2 HAVING n > 1',
      )
      .all();
    expect(clash).toEqual([]);
    expect(changes).toBe(1);

    // Incremental: two new photos of identity 3 join its person; no new person appears.
    const personOf3 = personOfFace([...truth].find(([, i]) => i === 3)?.[0] as number);
    const added = [0, 1].map(() =>
      lib.addFace(
        lib.addPhoto({ capturedAt: T0 + 1000 * HOUR }).contentId,
        jitter(centres[3] as Float32Array, FACE_LIKE.noise, random),
      ),
    );
    const second = await people.cluster();
    expect(second).toEqual({ people: 0, assigned: 2, inferred: 0 });
    expect(added.map(personOfFace)).toEqual([personOf3, personOf3]);
    expect((await people.list({ includeHidden: false })).length).toBe(10);
  });

  it('stops when cancelled', async () => {
    seedIdentities(4, 200);
    const controller = new AbortController();
    controller.abort();
    await expect(people.cluster({ signal: controller.signal })).rejects.toThrow();
    expect(db.prepare('SELECT COUNT(*) FROM people').pluck().get()).toBe(0);
  });
});

describe('people service: user decisions', () => {
  it('names unknown faces in bulk and lets later faces join the named person', async () => {
    const [centre] = identityCentres(1, 128, random);
    const faces = [0, 1].map(() =>
      lib.addFace(lib.addPhoto().contentId, jitter(centre as Float32Array, FACE_LIKE.noise, random)),
    );
    const lone = lib.addFace(lib.addPhoto().contentId, randomUnitVector(128, random));
    await people.cluster();
    expect(await people.list({ includeHidden: false })).toEqual([]); // two faces are too few for a person
    const unknown = await people.unknown({ limit: 10 });
    const pair = unknown.find((c) => c.faces.length === 2);
    expect(pair?.faces.map((f) => f.id).sort((a, b) => a - b)).toEqual(faces);
    expect(unknown.some((c) => c.faces.length === 1 && c.faces[0]?.id === lone)).toBe(true);

    const anna = await people.nameFaces({ faceIds: faces, name: 'Anna' });
    expect(anna).toMatchObject({ name: 'Anna', faceCount: 2, photoCount: 2, hidden: false });
    expect(anna.cover?.path).toMatch(/IMG_\d+\.jpg$/);
    const later = lib.addFace(
      lib.addPhoto().contentId,
      jitter(centre as Float32Array, FACE_LIKE.noise, random),
    );
    await people.cluster();
    expect(personOfFace(later)).toBe(anna.id);
    // Naming again by the same name adds to the same person.
    const more = lib.addFace(lib.addPhoto().contentId, randomUnitVector(128, random));
    expect((await people.nameFaces({ faceIds: [more], name: 'anna' })).id).toBe(anna.id);
  });

  it('renames, hides, sets the cover and reports details', async () => {
    const { truth } = seedIdentities(2, 5);
    await people.cluster();
    const [p1] = await people.list({ includeHidden: false });
    expect(p1).toBeDefined();
    const id = (p1 as { id: number }).id;
    expect((await people.rename({ id, name: 'Ben' })).name).toBe('Ben');
    const detail = await people.get({ id });
    expect(detail.faces).toHaveLength(5);
    expect(detail.faces.every((f) => !f.inferred && f.photoId > 0)).toBe(true);
    const coverFace = detail.faces[3]?.id as number;
    expect((await people.setCover({ id, faceId: coverFace })).cover?.id).toBe(coverFace);
    const otherFace = [...truth.keys()].find((f) => personOfFace(f) !== id) as number;
    await expectCode(people.setCover({ id, faceId: otherFace }), 'INVALID_ARGUMENT');
    await people.hide({ id, hidden: true });
    expect((await people.list({ includeHidden: false })).map((p) => p.id)).not.toContain(id);
    expect((await people.list({ includeHidden: true })).map((p) => p.id)).toContain(id);
    await expectCode(people.get({ id: 9999 }), 'NOT_FOUND');
  });

  it('merges people as a must-link and refuses a merge that would put two faces of one photo together', async () => {
    const [centre] = identityCentres(1, 128, random);
    const a = [0, 1, 2].map(() =>
      lib.addFace(lib.addPhoto().contentId, jitter(centre as Float32Array, FACE_LIKE.noise, random)),
    );
    const b = [0, 1].map(() =>
      lib.addFace(lib.addPhoto().contentId, jitter(centre as Float32Array, FACE_LIKE.noise, random)),
    );
    const pa = await people.nameFaces({ faceIds: a, name: 'Chris' });
    const pb = await people.nameFaces({ faceIds: b, name: 'Christopher' });
    const merged = await people.merge({ ids: [pb.id, pa.id], into: pa.id });
    expect(merged).toMatchObject({ id: pa.id, name: 'Chris', faceCount: 5 });
    expect(await people.get({ id: pb.id }).catch((e: EngineError) => e.code)).toBe('NOT_FOUND');
    const sources = db
      .prepare<[number], string>('SELECT DISTINCT source FROM face_person WHERE person_id = ?')
      .pluck()
      .all(pa.id);
    expect(sources).toEqual(['user']);

    // Two people seen side by side in one photo cannot be merged.
    const group = lib.addPhoto().contentId;
    const left = lib.addFace(group, randomUnitVector(128, random));
    const right = lib.addFace(group, randomUnitVector(128, random));
    const pl = await people.nameFaces({ faceIds: [left], name: 'Left' });
    const pr = await people.nameFaces({ faceIds: [right], name: 'Right' });
    await expectCode(people.merge({ ids: [pl.id, pr.id] }), 'CONFLICT');
    await expectCode(people.nameFaces({ faceIds: [left, right], name: 'Both' }), 'CONFLICT');
  });

  it("undoes a merge and a rename, and a merge keeps the survivor's own cover", async () => {
    const [centre] = identityCentres(1, 128, random);
    const a = [0, 1].map(() =>
      lib.addFace(lib.addPhoto().contentId, jitter(centre as Float32Array, FACE_LIKE.noise, random), 0.5),
    );
    // The other person's face is better: it must not become the survivor's cover.
    const b = [
      lib.addFace(lib.addPhoto().contentId, jitter(centre as Float32Array, FACE_LIKE.noise, random), 0.99),
    ];
    const pa = await people.nameFaces({ faceIds: a, name: 'Dana' });
    const pb = await people.nameFaces({ faceIds: b, name: 'Danielle' });
    const ownCover = pa.cover?.id;
    const merged = await people.merge({ ids: [pa.id, pb.id], into: pa.id });
    expect(merged).toMatchObject({ id: pa.id, name: 'Dana', faceCount: 3 });
    expect(merged.cover?.id).toBe(ownCover);

    await people.undo({ undoId: merged.undoId });
    expect(await people.get({ id: pb.id })).toMatchObject({ name: 'Danielle', faceCount: 1 });
    expect((await people.get({ id: pa.id })).faces.map((f) => f.id).sort()).toEqual([...a].sort());
    for (const f of b) expect(personOfFace(f)).toBe(pb.id);
    await expectCode(people.undo({ undoId: merged.undoId }), 'NOT_FOUND');

    const renamed = await people.rename({ id: pb.id, name: 'Dani' });
    await people.undo({ undoId: renamed.undoId });
    expect((await people.get({ id: pb.id })).name).toBe('Danielle');
  });

  it('keeps the undo of a merge across a restart of the engine, and only the last 20 edits', async () => {
    const [centre] = identityCentres(1, 128, random);
    const pa = await people.nameFaces({
      faceIds: [
        lib.addFace(lib.addPhoto().contentId, jitter(centre as Float32Array, FACE_LIKE.noise, random)),
      ],
      name: 'Ida',
    });
    const pb = await people.nameFaces({
      faceIds: [
        lib.addFace(lib.addPhoto().contentId, jitter(centre as Float32Array, FACE_LIKE.noise, random)),
      ],
      name: 'Ivo',
    });
    const merged = await people.merge({ ids: [pa.id, pb.id], into: pa.id });
    // A new service on the same database: what an engine restart (or a reloaded page's later click) meets.
    const restarted = createPeopleService({
      db,
      vectors: () => vectors,
      logger: silentLogger,
      onChange: () => undefined,
    });
    await restarted.undo({ undoId: merged.undoId });
    expect((await restarted.get({ id: pb.id })).name).toBe('Ivo');
    // Ids go on after a restart: an old undo id never reverses a newer edit.
    const renamed = await restarted.rename({ id: pb.id, name: 'Ivan' });
    expect(renamed.undoId).toBeGreaterThan(merged.undoId);
    const first = renamed.undoId;
    for (let i = 0; i < 20; i++) await restarted.rename({ id: pb.id, name: `Ivan ${i}` });
    await expectCode(restarted.undo({ undoId: first }), 'NOT_FOUND');
    expect(db.prepare("SELECT COUNT(*) FROM engine_state WHERE key LIKE 'people.undo:%'").pluck().get()).toBe(
      20,
    );
  });

  it('counts only faces of photos that still have a file (replaced versions and removed files drop out)', async () => {
    const [centre] = identityCentres(1, 128, random);
    const photos = [0, 1, 2].map(() => lib.addPhoto());
    const faces = photos.map((p) =>
      lib.addFace(p.contentId, jitter(centre as Float32Array, FACE_LIKE.noise, random)),
    );
    const person = await people.nameFaces({ faceIds: faces, name: 'Eve' });
    expect(person).toMatchObject({ faceCount: 3, photoCount: 3 });
    // The first file now holds a new version (another content); the second file is gone.
    const newVersion = lib.addPhoto().contentId;
    db.prepare<[number, number]>('UPDATE files SET content_id = ? WHERE id = ?').run(
      newVersion,
      photos[0]?.fileId as number,
    );
    db.prepare<[number]>('DELETE FROM files WHERE id = ?').run(photos[1]?.fileId as number);
    const [card] = (await people.list({ includeHidden: false })).filter((p) => p.id === person.id);
    const page = await people.get({ id: person.id });
    expect(card).toMatchObject({ faceCount: 1, photoCount: 1 });
    expect(page.faces).toHaveLength(card?.faceCount as number);
  });

  it('splits faces into a new person and remembers that they are not the old one', async () => {
    const { truth } = seedIdentities(1, 8);
    await people.cluster();
    const [person] = await people.list({ includeHidden: false });
    const faceIds = [...truth.keys()];
    const moved = faceIds.slice(0, 2);
    const split = await people.split({ id: person?.id as number, faceIds: moved, name: 'Twin' });
    expect(split).toMatchObject({ name: 'Twin', faceCount: 2 });
    expect(db.prepare('SELECT face_id FROM face_rejections ORDER BY face_id').pluck().all()).toEqual(moved);
    // A re-cluster keeps the split (user rows are sticky).
    await people.cluster();
    expect(moved.map(personOfFace)).toEqual([split.id, split.id]);
    await expectCode(people.split({ id: person?.id as number, faceIds: moved }), 'INVALID_ARGUMENT');
    await expectCode(people.split({ id: person?.id as number, faceIds: [123456] }), 'NOT_FOUND');
  });
});

describe('people service: people without faces', () => {
  it('infers a person from clothing within a time window, and remembers a rejection', async () => {
    const [centre] = identityCentres(1, 128, random);
    const redJacket = randomUnitVector(64, random);
    const blueShirt = randomUnitVector(64, random);
    // Dana, face visible, red jacket, on one afternoon.
    for (let i = 0; i < 4; i++) {
      const { contentId } = lib.addPhoto({ capturedAt: T0 + i * 10 * 60_000 });
      const face = lib.addFace(contentId, jitter(centre as Float32Array, FACE_LIKE.noise, random));
      lib.addBody(contentId, jitter(redJacket, 0.1, random), face);
    }
    await people.nameFaces({
      faceIds: db.prepare<[], number>('SELECT id FROM faces').pluck().all(),
      name: 'Dana',
    });
    // Seen from behind an hour later: same jacket, no face.
    const behind = lib.addBody(
      lib.addPhoto({ capturedAt: T0 + 2 * HOUR }).contentId,
      jitter(redJacket, 0.1, random),
    );
    // Face turned away (unusable face) in the same jacket.
    const turned = lib.addPhoto({ capturedAt: T0 + 90 * 60_000 }).contentId;
    const blurry = lib.addFace(turned, randomUnitVector(128, random), 0.1);
    const turnedBody = lib.addBody(turned, jitter(redJacket, 0.1, random), blurry);
    // Someone else in a blue shirt, and the same jacket three days later: neither is Dana by clothing.
    const stranger = lib.addBody(
      lib.addPhoto({ capturedAt: T0 + HOUR }).contentId,
      jitter(blueShirt, 0.1, random),
    );
    const laterDay = lib.addBody(
      lib.addPhoto({ capturedAt: T0 + 72 * HOUR }).contentId,
      jitter(redJacket, 0.1, random),
    );

    const result = await people.cluster();
    expect(result.inferred).toBe(2);
    const [dana] = await people.list({ includeHidden: false });
    const detail = await people.get({ id: dana?.id as number });
    expect(detail.inferred.map((r) => r.id).sort((a, b) => a - b)).toEqual([behind, turnedBody]);
    expect(detail.inferred.every((r) => r.inferred && r.confidence > 0 && r.confidence <= 1)).toBe(true);
    expect(detail.photoCount).toBe(6);
    const rows = db.prepare('SELECT body_id FROM body_person').pluck().all();
    expect(rows).not.toContain(stranger);
    expect(rows).not.toContain(laterDay);

    expect(await people.confirmInferred({ bodyIds: [behind], accept: true })).toEqual({ updated: 1 });
    expect(await people.confirmInferred({ bodyIds: [turnedBody], accept: false })).toEqual({ updated: 1 });
    await people.cluster();
    const after = await people.get({ id: dana?.id as number });
    expect(after.inferred.map((r) => [r.id, r.confidence])).toEqual([[behind, 1]]);
    expect(
      db.prepare<[number], string>('SELECT state FROM body_person WHERE body_id = ?').pluck().get(turnedBody),
    ).toBe('rejected');
  });
});
