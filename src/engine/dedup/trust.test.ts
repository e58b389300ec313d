/**
 * Groups a user can trust: no group of flat images in different colours, none across different
 * DeepFashion shoots on one studio wall, byte-identical copies as their own exact group (also
 * inside a near group), and a symlink or hard link never counted as another copy.
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { DuplicateGroup } from '../../common/contract/types';
import { createEngine, type Engine } from '../engine';
import { datasetsRoot, makeJpeg, tempDir } from '../testing';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function scanFolder(dir: string): Promise<DuplicateGroup[]> {
  const t = tempDir();
  const engine: Engine = await createEngine({ dataDir: t.dir });
  cleanups.push(t.cleanup, () => engine.dispose());
  await engine.dispatch('library:addFolder', { path: dir });
  await engine.scanAndWait({ ml: false });
  return ((await engine.dispatch('dedup:groups', { limit: 10_000 })) as { groups: DuplicateGroup[] }).groups;
}

function folder(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('no false groups', () => {
  it('never groups flat images of different colours, a 1×1 image or a striped one', async () => {
    const dir = folder();
    const flat = (r: number, g: number, b: number, w = 300, h = 200): Promise<Buffer> =>
      sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } })
        .png()
        .toBuffer();
    writeFileSync(path.join(dir, 'red.png'), await flat(220, 20, 30));
    writeFileSync(path.join(dir, 'white.png'), await flat(255, 255, 255));
    writeFileSync(path.join(dir, 'blue.png'), await flat(20, 40, 210));
    writeFileSync(path.join(dir, 'dot.png'), await flat(255, 255, 255, 1, 1));
    const stripes = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">${Array.from({ length: 20 }, (_, i) => `<rect x="${i * 80}" width="40" height="1200" fill="#000"/>`).join('')}</svg>`;
    writeFileSync(
      path.join(dir, 'stripes.png'),
      await sharp(Buffer.from(stripes)).flatten({ background: '#fff' }).png().toBuffer(),
    );
    expect(await scanFolder(dir)).toEqual([]);
  });

  const series = path.join(datasetsRoot(), 'series');
  describe.skipIf(!existsSync(path.join(series, 'labels.json')))(
    'DeepFashion series (skipped when ../shared/datasets/dev/series is absent)',
    () => {
      it('puts no two photos of different shoots in one group (file times all within a minute)', async () => {
        const labels = (
          JSON.parse(readFileSync(path.join(series, 'labels.json'), 'utf8')) as {
            images: Record<string, { dataset: string; series: string }>;
          }
        ).images;
        const dir = folder();
        const seriesOf = new Map<string, string>();
        for (const [name, label] of Object.entries(labels)) {
          if (label.dataset !== 'deepfashion_inshop') continue;
          // Copied in one go, like a user's import: fresh mtimes, no capture times in these files.
          copyFileSync(path.join(series, name), path.join(dir, path.basename(name)));
          seriesOf.set(path.basename(name), label.series);
        }
        const groups = await scanFolder(dir);
        const mixed = groups.filter(
          (g) => new Set(g.members.map((m) => seriesOf.get(path.basename(m.path)))).size > 1,
        );
        expect(mixed.map((g) => g.members.map((m) => path.basename(m.path)).join(' + '))).toEqual([]);
      }, 120_000);
    },
  );
});

describe('exact groups and links', () => {
  it('lists byte-identical copies as an exact group, also when the content is in a near group', async () => {
    const dir = folder();
    const photo = await makeJpeg(900, 600, 3, 92);
    writeFileSync(path.join(dir, 'a.jpg'), photo);
    writeFileSync(path.join(dir, 'a copy.jpg'), photo);
    writeFileSync(
      path.join(dir, 'small.jpg'),
      await sharp(photo).resize({ width: 450 }).jpeg({ quality: 80 }).toBuffer(),
    );
    const groups = await scanFolder(dir);
    const exact = groups.filter((g) => g.kind === 'exact');
    const near = groups.filter((g) => g.kind === 'near');
    expect(exact.map((g) => g.members.map((m) => path.basename(m.path)).sort())).toEqual([
      ['a copy.jpg', 'a.jpg'],
    ]);
    expect(near).toHaveLength(1);
    // The near group shows one file per content: the exact group's keeper and the smaller copy.
    const keptCopy = exact[0]?.members.find((m) => m.keep)?.path;
    expect(near[0]?.members.map((m) => m.path).sort()).toEqual(
      [keptCopy, path.join(dir, 'small.jpg')].sort(),
    );
    expect(near[0]?.proof[0]).toEqual({ key: 'evidence.copiesIncluded', params: { copies: 1 } });
  });

  it('counts a symlink or a hard link and its target as one photo', async () => {
    const dir = folder();
    mkdirSync(path.join(dir, 'links'));
    writeFileSync(path.join(dir, 'real.jpg'), await makeJpeg(800, 600, 5));
    symlinkSync(path.join(dir, 'real.jpg'), path.join(dir, 'links', 'alias.jpg'));
    linkSync(path.join(dir, 'real.jpg'), path.join(dir, 'links', 'hard.jpg'));
    const groups = await scanFolder(dir);
    expect(groups).toEqual([]);
  });
});
