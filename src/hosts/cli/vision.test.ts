/** The CLI's face, body and burst read-outs go through the same contract as the UI. */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../engine/testing';
import { main } from './main';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/dev/faces/group');

describe('sift scan / faces / bodies / redundant', () => {
  const photos = tempDir();
  const data = tempDir();
  const run = async (...args: string[]): Promise<{ code: number; json: unknown }> => {
    let out = '';
    const code = await main([...args, '--json', '--data', data.dir], {
      out: (t) => (out += t),
      err: process.stderr,
    });
    return { code, json: JSON.parse(out) as unknown };
  };
  beforeAll(() => {
    for (const name of ['bbt1.jpg', 'bbt2.jpg'])
      copyFileSync(path.join(FIXTURES, name), path.join(photos.dir, name));
  });
  afterAll(() => {
    photos.cleanup();
    data.cleanup();
  });

  it('scans with vision and exports what it found, with boxes inside the photos', async () => {
    const scan = await run('scan', photos.dir);
    expect(scan.code).toBe(0);
    expect(scan.json).toMatchObject({ files: 2, images: 2, skipped: 0, errors: [] });

    const { json: faces } = (await run('faces', '--embeddings')) as {
      json: { faces: Array<{ path: string; box: number[]; embedding?: number[] }> };
    };
    expect(faces.faces.length).toBeGreaterThanOrEqual(4); // group photos of several people
    for (const f of faces.faces) {
      expect(path.dirname(f.path)).toBe(photos.dir);
      expect(f.box.every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
      expect(f.embedding).toHaveLength(128);
    }
    const { json: bodies } = (await run('bodies')) as {
      json: { bodies: Array<{ path: string; face: number[] | null }> };
    };
    expect(bodies.bodies.length).toBeGreaterThan(0);
    expect(bodies.bodies.some((b) => b.face !== null)).toBe(true);

    const redundant = await run('redundant');
    expect(redundant.code).toBe(0);
    expect(redundant.json).toEqual({ shots: expect.any(Array) as unknown });
  }, 120_000);
});
