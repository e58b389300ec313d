/**
 * Near-duplicate detection on the real dev datasets with the default thresholds: real files, real
 * sharp, no mocks. imagededup and faces are shipped in test/fixtures; the synthetic set lives outside
 * the repo (see docs/dedup.md; SIFT_DATASETS overrides) and its suite is skipped without it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { findNearDuplicateGroups } from '../../common/dedup/grouping';
import { pairwiseScores } from '../../common/dedup/metrics';
import { needDataset } from '../testing';
import {
  compareWithImagededup,
  loadFacePhotos,
  loadImagededupSet,
  loadSyntheticSet,
  type HashedFile,
  type ImagededupSet,
  type SyntheticSet,
} from './testing-datasets';

const synthetic = needDataset('dedup/synthetic');
const imagededup = needDataset('dedup/imagededup', 'dedup/imagededup_expected_groups.json');
const faces = needDataset('faces');

describe.skipIf(synthetic.skip)(`dedup on dev/dedup/synthetic${synthetic.why}`, () => {
  let set: SyntheticSet;
  beforeAll(async () => {
    set = await loadSyntheticSet(synthetic.root);
  }, 60_000);

  it('reaches pairwise precision ≥ 0.99 and recall ≥ 0.95 over all 10 transforms', () => {
    expect(set.files).toHaveLength(160);
    const groups = findNearDuplicateGroups(set.files.map((f) => ({ id: f.id, hashes: f.hashes })));
    const labels = new Map(set.files.map((f) => [f.id, f.group]));
    const scores = pairwiseScores(
      groups.map((g) => g.ids),
      labels,
    );
    expect(scores.truePositives + scores.falseNegatives).toBe(720);
    expect(scores.precision).toBeGreaterThanOrEqual(0.99);
    expect(scores.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('explains hflip matches with the hflip variant', () => {
    const groups = findNearDuplicateGroups(set.files.map((f) => ({ id: f.id, hashes: f.hashes })));
    const byId = new Map(set.files.map((f) => [f.id, f]));
    const flipPairs = groups
      .flatMap((g) => g.pairs)
      .filter((p) => byId.get(p.a)?.transform === 'base' && byId.get(p.b)?.transform === 'hflip');
    expect(flipPairs.length).toBeGreaterThanOrEqual(15);
    for (const p of flipPairs) expect(p.transform).toBe('hflip');
  });

  it('keeps the user\'s "not a duplicate" decisions', () => {
    const base = set.files.find((f) => f.path === 'syn01_aqua_base.jpg');
    const burst = set.files.find((f) => f.path === 'syn01_aqua_burst_shift3.jpg');
    if (!base || !burst) throw new Error('synthetic files missing');
    const groups = findNearDuplicateGroups(
      set.files.map((f) => ({ id: f.id, hashes: f.hashes })),
      { notDuplicate: [[base.id, burst.id]] },
    );
    expect(groups.some((g) => g.ids.includes(base.id) && g.ids.includes(burst.id))).toBe(false);
  });
});

describe.skipIf(imagededup.skip)(`dedup on dev/dedup/imagededup${imagededup.why}`, () => {
  let set: ImagededupSet;
  beforeAll(async () => {
    set = await loadImagededupSet(imagededup.root);
  }, 60_000);

  it('fails to decode the corrupt files', () => {
    const failed = set.failed.map((f) => f.path);
    for (const path of Object.keys(set.expected.unreadable)) expect(failed).toContain(path);
    expect(set.files.map((f) => f.path)).not.toContain('mixed_images/ukbench09268_corrupt.jpg');
  });

  it('finds the 3 expected groups and groups no other file', () => {
    const groups = findNearDuplicateGroups(set.files.map((f) => ({ id: f.id, hashes: f.hashes })));
    const report = compareWithImagededup(
      set,
      groups.map((g) => g.ids),
    );
    expect(report.groups.map((g) => [g.name, g.found])).toEqual([
      ['ukbench00120', true],
      ['ukbench09268', true],
      ['ukbench09380', true],
    ]);
    expect(report.wronglyGrouped).toEqual([]);
    expect(groups).toHaveLength(3);
  });
});

describe.skipIf(faces.skip)(
  `dedup on dev/faces (distinct portraits with the same layout)${faces.why}`,
  () => {
    let files: HashedFile[];
    beforeAll(async () => {
      files = await loadFacePhotos(faces.root);
    }, 60_000);

    it('groups no two of the face crops, group photos and unlabelled crops', () => {
      expect(files.filter((f) => f.path.startsWith('images/'))).toHaveLength(40);
      expect(files.filter((f) => !f.path.startsWith('images/')).length).toBeGreaterThanOrEqual(12);
      const groups = findNearDuplicateGroups(files.map((f) => ({ id: f.id, hashes: f.hashes })));
      const pathOf = new Map(files.map((f) => [f.id, f.path]));
      expect(groups.map((g) => g.ids.map((id) => pathOf.get(id)))).toEqual([]);
    });

    it('would group some of them on the global hashes alone (the zoom and content checks are what separate them)', () => {
      const groups = findNearDuplicateGroups(
        files.map((f) => ({ id: f.id, hashes: f.hashes })),
        { zoom: -1, content: -1 },
      );
      expect(groups.length).toBeGreaterThan(0);
    });

    it('keeps them apart by the content check alone (zoom check off)', () => {
      const groups = findNearDuplicateGroups(
        files.map((f) => ({ id: f.id, hashes: f.hashes })),
        { zoom: -1 },
      );
      expect(groups).toEqual([]);
    });
  },
);
