/**
 * "Never the last photo of a person in a series", at plan time and again at the moment of
 * deletion: two plans made before either runs must not together remove every photo of someone.
 * People and series come from the recognition pipeline in real use; here they are written straight
 * into the library database, as that pipeline stores them, so that the test needs no models.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeletePlan, JournalEntry } from '../../common/contract/types';
import { createEngine, type Engine } from '../engine';
import { makeJpeg, tempDir } from '../testing';
import { createFreedesktopTrash } from './freedesktop';

let root: string;
let cleanup: () => void;
let engine: Engine;
let photos: string;
const ids = new Map<string, number>();

const call = <T>(method: string, arg: unknown): Promise<T> => engine.dispatch(method, arg) as Promise<T>;

beforeEach(async () => {
  ({ dir: root, cleanup } = tempDir());
  photos = path.join(root, 'photos');
  mkdirSync(photos);
  for (const [i, name] of ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'].entries())
    writeFileSync(path.join(photos, name), await makeJpeg(640, 480, 30 + i * 17, 90));
  engine = await createEngine({
    dataDir: path.join(root, 'data'),
    trash: createFreedesktopTrash({ homeTrash: path.join(root, 'Trash') }),
  });
  await call('library:addFolder', { path: photos });
  await engine.scanAndWait({ ml: false });
  // Anna is in a, b and c (one series); d is in the series without her.
  const db = new Database(path.join(root, 'data', 'library.db'));
  try {
    db.transaction(() => {
      const files = db.prepare("SELECT id, content_id, path FROM files WHERE state = 'ok'").all() as Array<{
        id: number;
        content_id: number;
        path: string;
      }>;
      const anna = Number(
        db.prepare("INSERT INTO people (name, created_at) VALUES ('Anna', 0)").run().lastInsertRowid,
      );
      const series = Number(
        db.prepare("INSERT INTO series (key, title, start_at) VALUES ('k', 'Beach', 0)").run()
          .lastInsertRowid,
      );
      for (const [position, f] of files.sort((x, y) => x.path.localeCompare(y.path)).entries()) {
        ids.set(path.basename(f.path), f.id);
        db.prepare(
          'INSERT INTO series_members (series_id, content_id, position, score) VALUES (?, ?, ?, 0.5)',
        ).run(series, f.content_id, position);
        if (path.basename(f.path) === 'd.jpg') continue;
        const face = Number(
          db
            .prepare(
              "INSERT INTO faces (content_id, idx, x, y, w, h, score, quality, model_version) VALUES (?, 0, 10, 10, 80, 80, 0.99, 0.9, 't')",
            )
            .run(f.content_id).lastInsertRowid,
        );
        db.prepare("INSERT INTO face_person (face_id, person_id, source, at) VALUES (?, ?, 'user', 0)").run(
          face,
          anna,
        );
      }
    })();
  } finally {
    db.close();
  }
});
afterEach(async () => {
  await engine.dispose();
  cleanup();
});

const id = (name: string): number => ids.get(name) as number;
const planFor = (names: string[]): Promise<DeletePlan> =>
  call<DeletePlan>('trash:plan', { photoIds: names.map(id) });
const run = (plan: DeletePlan, confirmGuarded = false): Promise<JournalEntry> =>
  call<JournalEntry>('trash:execute', { planId: plan.id, confirmGuarded });
const onDisk = (name: string): boolean => existsSync(path.join(photos, name));

describe('the last photo of a person in a series', () => {
  it('is guarded when a plan selects every photo of the person', async () => {
    const plan = await planFor(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(plan.guarded).toHaveLength(1);
    expect(plan.guarded[0]?.because).toMatchObject({
      key: 'guard.lastOfPerson',
      params: { person: 'Anna', series: 'Beach' },
    });
    expect(plan.items).toHaveLength(2);
    await run(plan);
    expect(['a.jpg', 'b.jpg', 'c.jpg'].filter(onDisk)).toHaveLength(1);
  });

  it('is re-checked when the plan runs: two plans made before either ran cannot remove everyone', async () => {
    const first = await planFor(['a.jpg', 'b.jpg']); // c still shows Anna
    const second = await planFor(['c.jpg']); // a and b still show her
    expect(first.guarded).toEqual([]);
    expect(second.guarded).toEqual([]);
    const done = await run(second);
    expect(done.items.every((i) => i.ok)).toBe(true);
    expect(onDisk('c.jpg')).toBe(false);

    const entry = await run(first);
    const refused = entry.items.filter((i) => !i.ok);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.error).toMatch(/last photo of Anna in series "Beach"/);
    expect(['a.jpg', 'b.jpg'].filter(onDisk)).toHaveLength(1);
    // A photo of the series without her is not held back by the rule.
    const other = await run(await planFor(['d.jpg']));
    expect(other.items.every((i) => i.ok)).toBe(true);
  });

  it('goes when the user explicitly confirmed removing the guarded photo', async () => {
    const plan = await planFor(['a.jpg', 'b.jpg', 'c.jpg']);
    const entry = await run(plan, true);
    expect(entry.items.every((i) => i.ok)).toBe(true);
    expect(['a.jpg', 'b.jpg', 'c.jpg'].filter(onDisk)).toEqual([]);
  });
});
