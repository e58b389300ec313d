import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../engine/engine';
import { makeJpeg, tempDir } from '../../engine/testing';
import { main } from './main';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
const folder = (): string => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
};

describe('sift dupes', () => {
  it('shows exact groups in `sift dupes --json` with kind "exact"', async () => {
    const dir = folder();
    const photo = await makeJpeg(640, 480, 7);
    writeFileSync(path.join(dir, 'x.jpg'), photo);
    writeFileSync(path.join(dir, 'x (1).jpg'), photo);
    const data = tempDir();
    cleanups.push(data.cleanup);
    const engine = await createEngine({ dataDir: data.dir });
    await engine.dispatch('library:addFolder', { path: dir });
    await engine.scanAndWait({ ml: false });
    await engine.dispose();
    let out = '';
    const code = await main(['dupes', '--json', '--data', data.dir], {
      out: (t) => (out += t),
      err: process.stderr,
    });
    expect(code).toBe(0);
    const printed = JSON.parse(out) as {
      groups: Array<{ kind: string; files: Array<{ path: string; keep: boolean }> }>;
    };
    expect(printed.groups.map((g) => g.kind)).toEqual(['exact']);
    expect(printed.groups[0]?.files.find((f) => f.keep)?.path).toBe(path.join(dir, 'x.jpg'));
  });
});
