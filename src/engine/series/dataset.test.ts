/**
 * Series on real photos through the whole engine (scan with recognition): each synthetic burst
 * frame joins the series of its base photo, and different scenes never share a series — even
 * though the files carry no EXIF time and all share one file date.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesDetail, SeriesSummary } from '../../common/contract/types';
import { createEngine, type Engine } from '../engine';
import { datasetsRoot, needDataset, tempDir } from '../testing';

const syntheticData = needDataset('dedup/synthetic');
const synthetic = path.join(syntheticData.root, 'dedup/synthetic');
let engine: Engine;
let cleanup: () => void;
const seriesOf = new Map<string, number>();

/** Scans `folder` with recognition into a fresh engine and records the series of each file name. */
async function scanSeries(
  folder: string,
  dataDir: string,
  seriesOfFile: Map<string, number>,
): Promise<Engine> {
  const scanned = await createEngine({ dataDir });
  await scanned.dispatch('library:addFolder', { path: folder });
  await scanned.scanAndWait({ ml: true });
  const { series } = (await scanned.dispatch('series:list', { limit: 10_000 })) as {
    series: SeriesSummary[];
  };
  for (const s of series) {
    const detail = (await scanned.dispatch('series:get', { id: s.id })) as SeriesDetail;
    for (const shot of detail.shots) seriesOfFile.set(path.basename(shot.path), s.id);
  }
  return scanned;
}

describe.skipIf(syntheticData.skip)(`series on the synthetic bursts${syntheticData.why}`, () => {
  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    engine = await scanSeries(synthetic, t.dir, seriesOf);
  }, 300_000);
  afterAll(async () => {
    await engine.dispose();
    cleanup();
  });
  const truth = syntheticData.skip
    ? { files: {} }
    : (JSON.parse(readFileSync(path.join(synthetic, 'ground_truth.json'), 'utf8')) as {
        files: Record<string, { group: string; transform: string }>;
      });
  const byGroup = new Map<string, Record<string, string>>();
  for (const [file, info] of Object.entries(truth.files)) {
    const g = byGroup.get(info.group) ?? {};
    g[info.transform] = file;
    byGroup.set(info.group, g);
  }

  it('puts every burst frame in the series of its base photo', () => {
    for (const [group, files] of byGroup) {
      const base = seriesOf.get(files.base as string);
      expect(base, `${group}: base is in a series`).toBeDefined();
      expect(seriesOf.get(files.burst_shift3 as string), `${group}: burst frame with its base`).toBe(base);
    }
  });

  it('never puts two different scenes in one series', () => {
    const owner = new Map<number, string>();
    for (const [group, files] of byGroup) {
      const id = seriesOf.get(files.base as string);
      if (id === undefined) continue;
      expect(owner.get(id), `series ${id} holds ${owner.get(id)} and ${group}`).toBeUndefined();
      owner.set(id, group);
    }
  });
});

describe('series on photos of one cast from different occasions', () => {
  // bbt1–bbt5 show the same actors on five different occasions (sofa, red carpets, restaurant,
  // studio wall), in different clothes; faces/images holds five face crops per actor from other
  // occasions. Copied into one folder they share one file date, so only the pictures can tell the
  // occasions apart: the same people alone must not make a series, and a face crop shows neither
  // clothes nor background.
  let groupEngine: Engine;
  let groupCleanup: () => void;
  const seriesOfPhoto = new Map<string, number>();

  beforeAll(async () => {
    const t = tempDir();
    groupCleanup = t.cleanup;
    const folder = path.join(t.dir, 'photos');
    mkdirSync(folder);
    const when = new Date('2024-05-03T12:00:00Z');
    const copy = (from: string, name: string): void => {
      copyFileSync(from, path.join(folder, name));
      utimesSync(path.join(folder, name), when, when);
    };
    for (const f of readdirSync(path.join(datasetsRoot(), 'faces/group')))
      copy(path.join(datasetsRoot(), 'faces/group', f), f);
    const crops = path.join(datasetsRoot(), 'faces/images');
    for (const person of readdirSync(crops))
      for (const f of readdirSync(path.join(crops, person))) copy(path.join(crops, person, f), f);
    groupEngine = await scanSeries(folder, path.join(t.dir, 'data'), seriesOfPhoto);
  }, 300_000);
  afterAll(async () => {
    await groupEngine.dispose();
    groupCleanup();
  });

  it('makes no series of them', () => {
    const members = new Map<number, string[]>();
    for (const [file, id] of seriesOfPhoto) members.set(id, [...(members.get(id) ?? []), file].sort());
    expect([...members.values()]).toEqual([]);
  });
});
