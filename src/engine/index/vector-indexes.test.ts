import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger';
import { createRandom, jitter, randomUnitVector } from '../../common/people/synthetic';
import { openDatabase, type Db } from '../db/open';
import { openVectorIndexes } from './vector-indexes';

let dir: string;
let db: Db;

function seedRows(
  db: Db,
  contents: number,
  facesPer: number,
): { faces: number[]; bodies: number[]; contents: number[] } {
  const out = { faces: [] as number[], bodies: [] as number[], contents: [] as number[] };
  const insertContent = db
    .prepare<[Buffer], number>('INSERT INTO contents (sha256, bytes) VALUES (?, 100) RETURNING id')
    .pluck();
  const insertRun = db.prepare<[number]>(
    "INSERT INTO vision_runs (content_id, model_version, at) VALUES (?, 'test', 0)",
  );
  const insertFace = db
    .prepare<
      [number, number],
      number
    >("INSERT INTO faces (content_id, idx, x, y, w, h, score, quality, model_version) VALUES (?, ?, 0, 0, 10, 10, 0.9, 0.8, 'test') RETURNING id")
    .pluck();
  const insertBody = db
    .prepare<
      [number, number, number],
      number
    >("INSERT INTO bodies (content_id, idx, x, y, w, h, score, face_id, model_version) VALUES (?, ?, 0, 0, 10, 30, 0.9, ?, 'test') RETURNING id")
    .pluck();
  for (let c = 0; c < contents; c++) {
    const contentId = insertContent.get(Buffer.from(`content-${c}-${Math.random()}`)) as number;
    insertRun.run(contentId);
    out.contents.push(contentId);
    for (let i = 0; i < facesPer; i++) {
      const faceId = insertFace.get(contentId, i) as number;
      out.faces.push(faceId);
      out.bodies.push(insertBody.get(contentId, i, faceId) as number);
    }
  }
  return out;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sift-index-'));
  db = openDatabase(path.join(dir, 'library.db'), silentLogger);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openVectorIndexes', () => {
  it('stores, finds, removes and persists vectors with SQLite ids as labels', () => {
    const rows = seedRows(db, 40, 2);
    const random = createRandom(7);
    const indexes = openVectorIndexes({ dir: path.join(dir, 'vectors'), db, logger: silentLogger });
    expect(indexes.missing.faces).toEqual(rows.faces);
    const vectors = new Map<number, Float32Array>();
    for (const id of rows.faces) {
      const v = randomUnitVector(128, random);
      vectors.set(id, v);
      indexes.faces.add(id, v);
    }
    for (const id of rows.bodies) indexes.bodies.add(id, randomUnitVector(48, random));
    for (const id of rows.contents) indexes.backgrounds.add(id, randomUnitVector(32, random));
    expect(indexes.faces.size()).toBe(80);
    const probeId = rows.faces[5] as number;
    const probe = jitter(vectors.get(probeId) as Float32Array, 0.1, random);
    const [hit] = indexes.faces.search(probe, 3);
    expect(hit?.id).toBe(probeId);
    expect(hit?.distance).toBeLessThan(0.05);
    const stored = indexes.faces.get(probeId);
    expect(stored).not.toBeNull();
    expect(Array.from(stored ?? []).map((x) => Math.round(x * 1e4))).toEqual(
      Array.from(vectors.get(probeId) ?? []).map((x) => Math.round(x * 1e4)),
    );

    expect(indexes.faces.remove(probeId)).toBe(true);
    expect(indexes.faces.get(probeId)).toBeNull();
    expect(indexes.faces.search(probe, 3).map((m) => m.id)).not.toContain(probeId);
    indexes.close();
    expect(readdirSync(path.join(dir, 'vectors')).sort()).toEqual([
      'backgrounds-d32.hnsw',
      'bodies-d48.hnsw',
      'faces-d128.hnsw',
    ]);

    const reopened = openVectorIndexes({ dir: path.join(dir, 'vectors'), db, logger: silentLogger });
    expect(reopened.faces.size()).toBe(79);
    expect(reopened.bodies.dim).toBe(48);
    expect(reopened.backgrounds.dim).toBe(32);
    // The removed face still has its row, so it is reported missing; nothing else is.
    expect(reopened.missing).toEqual({ faces: [probeId], bodies: [], backgrounds: [] });
    expect(reopened.missingContentIds).toEqual([rows.contents[2]]);
    // Re-adding a deleted label reuses its slot.
    reopened.faces.add(probeId, vectors.get(probeId) as Float32Array);
    expect(reopened.faces.search(probe, 1)[0]?.id).toBe(probeId);
    reopened.close();
  });

  it('grows past its capacity', () => {
    const rows = seedRows(db, 1500, 1);
    const random = createRandom(3);
    const indexes = openVectorIndexes({ dir, db, logger: silentLogger, hnsw: { initialCapacity: 100 } });
    for (const id of rows.faces) indexes.faces.add(id, randomUnitVector(128, random));
    expect(indexes.faces.size()).toBe(1500);
    expect(indexes.faces.ids()).toEqual(rows.faces);
    indexes.close();
  });

  it('removes stray labels and reports rows whose vectors were never saved (crash before save)', () => {
    const rows = seedRows(db, 10, 1);
    const random = createRandom(11);
    const first = openVectorIndexes({ dir, db, logger: silentLogger });
    for (const id of rows.faces) first.faces.add(id, randomUnitVector(128, random));
    for (const id of rows.contents) first.backgrounds.add(id, randomUnitVector(16, random));
    for (const id of rows.bodies) first.bodies.add(id, randomUnitVector(16, random));
    first.faces.add(999_999, randomUnitVector(128, random)); // a label with no row
    first.save();
    // A face row added after the save, whose vector was lost with the process.
    const lateContent = db
      .prepare<[], number>("INSERT INTO contents (sha256, bytes) VALUES (x'01', 1) RETURNING id")
      .pluck()
      .get() as number;
    const lateFace = db
      .prepare<
        [number],
        number
      >("INSERT INTO faces (content_id, idx, x, y, w, h, score, quality, model_version) VALUES (?, 0, 0, 0, 1, 1, 1, 1, 't') RETURNING id")
      .pluck()
      .get(lateContent) as number;
    first.faces.remove(rows.faces[0] as number); // removed in memory only: not saved
    // Simulated kill: `first` is dropped without save/close.
    const second = openVectorIndexes({ dir, db, logger: silentLogger });
    expect(second.removedStray.faces).toEqual([999_999]);
    expect(second.faces.has(999_999)).toBe(false);
    expect(second.faces.has(rows.faces[0] as number)).toBe(true);
    expect(second.missing.faces).toEqual([lateFace]);
    expect(second.missingContentIds).toEqual([lateContent]);
    second.close();
    const third = openVectorIndexes({ dir, db, logger: silentLogger });
    expect(third.removedStray.faces).toEqual([]);
    third.close();
  });

  it('rebuilds a deleted or corrupt file empty and reports every row missing', () => {
    const rows = seedRows(db, 5, 2);
    const random = createRandom(5);
    const first = openVectorIndexes({ dir, db, logger: silentLogger });
    for (const id of rows.faces) first.faces.add(id, randomUnitVector(128, random));
    for (const id of rows.bodies) first.bodies.add(id, randomUnitVector(16, random));
    for (const id of rows.contents) first.backgrounds.add(id, randomUnitVector(16, random));
    first.close();

    rmSync(path.join(dir, 'faces-d128.hnsw'));
    writeFileSync(path.join(dir, 'bodies-d16.hnsw'), Buffer.from('not an index at all'));
    const second = openVectorIndexes({ dir, db, logger: silentLogger });
    expect(second.faces.size()).toBe(0);
    expect(second.bodies.size()).toBe(0);
    expect(second.backgrounds.size()).toBe(rows.contents.length);
    expect(second.missing.faces).toEqual(rows.faces);
    expect(second.missing.bodies).toEqual(rows.bodies);
    expect(second.missing.backgrounds).toEqual([]);
    expect(second.missingContentIds).toEqual(rows.contents);
    second.close();
  });

  it('rejects vectors of the wrong length', () => {
    const indexes = openVectorIndexes({ dir, db, logger: silentLogger });
    expect(() => indexes.faces.add(1, new Float32Array(64))).toThrow(/expected a vector of 128/);
    indexes.close();
  });
});
