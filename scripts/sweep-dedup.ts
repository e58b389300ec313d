/**
 * Sweeps the near-duplicate thresholds on the dev datasets and prints pairwise precision / recall /
 * F1 per setting (synthetic set: 160 files, 12,720 pairs, 720 duplicates) and the result of the
 * defaults on the imagededup expected groups and on the face photos (distinct portraits: every
 * grouped pair is a false positive). `npm run sweep:dedup`; SIFT_DATASETS overrides the dataset
 * folder. `npm run sweep:dedup -- --bench` only times the grouping of 10k and 100k random images
 * (`--bench 10000,30000` for other sizes).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HammingIndex } from '../src/common/dedup/hamming-index';
import { flipBits, randomHash, randomImageHashes, seededRandom } from '../src/common/dedup/test-random';
import {
  DEFAULT_DEDUP_THRESHOLDS,
  findNearDuplicateGroups,
  type DedupThresholds,
} from '../src/common/dedup/grouping';
import { pairwiseScores, type PairwiseScores } from '../src/common/dedup/metrics';
import {
  printEditSetReport,
  scanNearGroups,
  scoreEditSet,
  writeEditSet,
} from '../src/engine/dedup/testing-edit-set';
import {
  compareWithImagededup,
  datasetsRoot,
  loadFacePhotos,
  loadImagededupSet,
  loadSyntheticSet,
} from '../src/engine/dedup/testing-datasets';

interface Row {
  setting: DedupThresholds;
  scores: PairwiseScores;
}

const fmt = (x: number): string => x.toFixed(4);
const label = (s: DedupThresholds): string =>
  `p${s.phash < 0 ? '–' : s.phash} d${s.dhash < 0 ? '–' : s.dhash} b${s.blockhash < 0 ? '–' : s.blockhash} k${s.minAgreeing} ` +
  `tilt ${s.tiltPhash < 0 || s.tiltDhash < 0 ? 'off' : `${s.tiltPhash}/${s.tiltDhash}`} zoom ${s.zoom < 0 ? 'off' : s.zoom} link×${s.linkScale === Infinity ? '∞' : s.linkScale}${s.matchTransforms ? '' : ' no-transforms'}`;

function printTable(title: string, rows: Row[]): void {
  console.log(`\n### ${title}\n`);
  console.log('| setting | TP | FP | FN | precision | recall | F1 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const { setting, scores: s } of rows) {
    console.log(
      `| ${label(setting)} | ${s.truePositives} | ${s.falsePositives} | ${s.falseNegatives} | ${fmt(s.precision)} | ${fmt(s.recall)} | ${fmt(s.f1)} |`,
    );
  }
}

const benchAt = process.argv.indexOf('--bench');
if (benchAt >= 0) {
  const sizes = (process.argv[benchAt + 1] ?? '10000,100000').split(',').map(Number);
  benchGrouping(sizes);
  process.exit(0);
}

const editsAt = process.argv.indexOf('--edits');
if (editsAt >= 0) {
  await generatedEdits();
  process.exit(0);
}

const root = datasetsRoot();
console.log(`datasets: ${root}`);
const synthetic = await loadSyntheticSet(root);
const items = synthetic.files.map((f) => ({ id: f.id, hashes: f.hashes }));
const labels = new Map(synthetic.files.map((f) => [f.id, f.group]));
const hashMs = synthetic.files.map((f) => f.hashMs).sort((a, b) => a - b);
console.log(
  `synthetic: ${items.length} files, hash time median ${fmt(hashMs[hashMs.length >> 1] ?? 0)} ms, mean ${fmt(hashMs.reduce((s, x) => s + x, 0) / hashMs.length)} ms`,
);

const run = (setting: DedupThresholds): Row => {
  const groups = findNearDuplicateGroups(items, setting);
  return {
    setting,
    scores: pairwiseScores(
      groups.map((g) => g.ids),
      labels,
    ),
  };
};
const base: DedupThresholds = { ...DEFAULT_DEDUP_THRESHOLDS };

// 1. Each hash alone (k = 1, the others disabled).
const single: Row[] = [];
for (const kind of ['phash', 'dhash', 'blockhash'] as const) {
  for (let t = 4; t <= 20; t += 2) {
    single.push(
      run({
        ...base,
        phash: -1,
        dhash: -1,
        blockhash: -1,
        tiltPhash: -1,
        tiltDhash: -1,
        minAgreeing: 1,
        [kind]: t,
      }),
    );
  }
}
printTable('Single hash (complete link ×1.25, transforms on, tilt rule off)', single);
printTable(
  'Tilt rule alone (pHash and dHash of a probe; the three main hashes off)',
  [4, 6, 8, 10, 12].map((t) =>
    run({ ...base, phash: -1, dhash: -1, blockhash: -1, minAgreeing: 1, tiltPhash: t, tiltDhash: t }),
  ),
);

// 2. Combinations: 2 or 3 of the hashes must agree.
const combos: Row[] = [];
const started = performance.now();
for (const minAgreeing of [2, 3] as const) {
  for (let p = 8; p <= 20; p += 2) {
    for (let d = 6; d <= 18; d += 2) {
      for (let b = 6; b <= 18; b += 2)
        combos.push(run({ ...base, phash: p, dhash: d, blockhash: b, minAgreeing }));
    }
  }
}
console.log(`\n(${combos.length} combinations in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
const byF1 = [...combos].sort((x, y) => y.scores.f1 - x.scores.f1 || y.scores.precision - x.scores.precision);
printTable('Combinations, best 25 by F1', byF1.slice(0, 25));
const perfect = combos.filter((r) => r.scores.f1 === 1);
console.log(`\n${perfect.length} of ${combos.length} combinations reach F1 = 1 on the synthetic set.`);
console.log('\nblockhash thresholds that give F1 = 1, per (k, pHash, dHash):\n');
console.log('| k | pHash | dHash | blockhash with F1 = 1 |');
console.log('|---|---:|---:|---|');
for (const k of [2, 3]) {
  for (let p = 8; p <= 20; p += 2) {
    for (let d = 6; d <= 18; d += 2) {
      const bs = perfect
        .filter((r) => r.setting.minAgreeing === k && r.setting.phash === p && r.setting.dhash === d)
        .map((r) => r.setting.blockhash);
      if (bs.length > 0) console.log(`| ${k} | ${p} | ${d} | ${bs.join(', ')} |`);
    }
  }
}
printTable('Combinations around the defaults', [
  ...[10, 12, 14, 16, 18].map((p) => run({ ...base, phash: p })),
  ...[8, 10, 12, 14, 16].map((d) => run({ ...base, dhash: d })),
  ...[8, 10, 12, 14, 16].map((b) => run({ ...base, blockhash: b })),
  run({ ...base, minAgreeing: 1 }),
  run({ ...base, minAgreeing: 3 }),
]);

// 3. Chaining guard, transforms and the zoom verification.
printTable('Link rule, transforms and zoom check at the default thresholds', [
  run({ ...base, linkScale: 1 }),
  run({ ...base, linkScale: 1.25 }),
  run({ ...base, linkScale: 1.5 }),
  run({ ...base, linkScale: Infinity }),
  run({ ...base, matchTransforms: false }),
  run({ ...base, tiltPhash: -1 }),
]);

// 4. The face photos: distinct portraits with the same layout, so every grouped pair is false.
const faces = await loadFacePhotos(root);
const faceItems = faces.map((f) => ({ id: f.id, hashes: f.hashes }));
const faceLabels = new Map(faces.map((f) => [f.id, f.path]));
const facePairs = (setting: DedupThresholds): number =>
  pairwiseScores(
    findNearDuplicateGroups(faceItems, setting).map((g) => g.ids),
    faceLabels,
  ).falsePositives;
console.log(
  `\n### Zoom verification (synthetic scores; faces: false pairs among ${faces.length} distinct photos)\n`,
);
console.log('| setting | TP | FP | FN | precision | recall | faces: false pairs |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const zoom of [-1, 80, 96, 112, 128, 144, 160]) {
  for (const minAgreeing of [2, 3] as const) {
    const setting = { ...base, zoom, minAgreeing };
    const { scores: r } = run(setting);
    console.log(
      `| ${label(setting)} | ${r.truePositives} | ${r.falsePositives} | ${r.falseNegatives} | ${fmt(r.precision)} | ${fmt(r.recall)} | ${facePairs(setting)} |`,
    );
  }
}
const faceGroups = findNearDuplicateGroups(faceItems, { ...base, zoom: -1 });
console.log('\nFace pairs that the hash rule alone accepts (zoom off), with their zoom distance:');
for (const g of faceGroups) {
  for (const p of g.pairs)
    console.log(
      `- ${faceLabels.get(p.a)} – ${faceLabels.get(p.b)}: ${p.transform} p${p.distances.phash} d${p.distances.dhash} b${p.distances.blockhash}, zoom ${p.zoomDistance ?? '–'}`,
    );
}

// 5. The defaults on the imagededup files.
const dedupSet = await loadImagededupSet(root);
const groups = findNearDuplicateGroups(dedupSet.files.map((f) => ({ id: f.id, hashes: f.hashes })));
const report = compareWithImagededup(
  dedupSet,
  groups.map((g) => g.ids),
);
console.log(`\n### imagededup (defaults ${label(base)})\n`);
console.log(
  `decoded ${dedupSet.files.length}, failed ${dedupSet.failed.length}: ${dedupSet.failed.map((f) => f.path).join(', ')}`,
);
for (const g of report.groups)
  console.log(
    `- ${g.name}: ${g.members} members, ${g.found ? 'found exactly' : `NOT found (predicted with ${g.predictedWith.join(', ')})`}`,
  );
console.log(
  `- no_known_duplicate files grouped with others: ${report.wronglyGrouped.length === 0 ? 'none' : report.wronglyGrouped.join(', ')}`,
);
if (report.unlabelled.length > 0) console.log(`- decoded but unlabelled: ${report.unlabelled.join(', ')}`);
const s = pairwiseScores(
  groups.map((g) => g.ids),
  report.labels,
);
console.log(
  `- pairwise: TP ${s.truePositives} FP ${s.falsePositives} FN ${s.falseNegatives} precision ${fmt(s.precision)} recall ${fmt(s.recall)}`,
);
for (const g of groups) {
  const transforms = [...new Set(g.pairs.map((p) => p.transform))].join(', ');
  console.log(
    `  group ${g.ids.map((id) => dedupSet.files.find((f) => f.id === id)?.path).join(' | ')} [transforms: ${transforms}]`,
  );
}

// 6. The generated original + edits set (recall per edit kind, keeper).
await generatedEdits();

/**
 * The generated original + edits set through the whole engine (scan, grouping, keeper), in
 * SIFT_EDIT_SET (default: a folder under the OS temp dir, reused while the generator is unchanged);
 * SIFT_EDIT_DATA reuses an engine data folder (only changed files are rescanned); SIFT_EDIT_SEED
 * draws other edit strengths.
 */
async function generatedEdits(): Promise<void> {
  const dir = process.env.SIFT_EDIT_SET ?? path.join(os.tmpdir(), 'sift-edit-set');
  const data = process.env.SIFT_EDIT_DATA ?? mkdtempSync(path.join(os.tmpdir(), 'sift-edit-data-'));
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const generated = await writeEditSet(dir, datasetsRoot(), {
    seed: Number(process.env.SIFT_EDIT_SEED ?? 0),
  });
  const written = performance.now();
  const groups = await scanNearGroups(dir, data);
  console.log(
    `\n### Generated original + edits (${dir}; generated in ${((written - started) / 1000).toFixed(1)} s, scanned and grouped in ${((performance.now() - written) / 1000).toFixed(1)} s)\n`,
  );
  printEditSetReport(scoreEditSet(generated, groups), (line) => console.log(line));
  if (!process.env.SIFT_EDIT_DATA) rmSync(data, { recursive: true, force: true });
}

/**
 * Grouping time on random images (every hash, probe and zoom box random), 10 % with a near copy
 * (3 bits off in each main hash, same zoom boxes), then the Hamming search alone on 100k hashes.
 */
function benchGrouping(sizes: readonly number[]): void {
  for (const size of sizes) {
    const random = seededRandom(1);
    const many: Array<{ id: number; hashes: ReturnType<typeof randomImageHashes> }> = [];
    while (many.length < size) {
      const hashes = randomImageHashes(random);
      many.push({ id: many.length, hashes });
      if (random() < 0.1 && many.length < size) {
        const near = {
          ...hashes,
          phash: flipBits(hashes.phash, 3, random),
          dhash: flipBits(hashes.dhash, 3, random),
          blockhash: flipBits(hashes.blockhash, 3, random),
        };
        many.push({ id: many.length, hashes: near });
      }
    }
    for (const [name, options] of [
      ['defaults', {}],
      ['defaults, tilt rule off', { tiltPhash: -1 }],
      ['no transforms, tilt off', { matchTransforms: false, tiltPhash: -1 }],
    ] as const) {
      const t0 = performance.now();
      const found = findNearDuplicateGroups(many, options);
      console.log(
        `- findNearDuplicateGroups on ${size} items (${name}): ${((performance.now() - t0) / 1000).toFixed(2)} s, ${found.length} groups`,
      );
    }
  }
  const random = seededRandom(1);
  const hashes: bigint[] = [];
  while (hashes.length < 100_000) {
    const centre = randomHash(random);
    hashes.push(centre);
    if (random() < 0.1) hashes.push(flipBits(centre, Math.floor(random() * 12), random));
  }
  console.log('\nHamming search on 100,000 hashes (self-join, all pairs within r):');
  for (const radius of [6, 8, 10, 12]) {
    const t0 = performance.now();
    const index = new HammingIndex(hashes, { maxRadius: radius });
    const t1 = performance.now();
    const pairs = index.pairsWithin(radius);
    const t2 = performance.now();
    console.log(
      `- r = ${radius}: ${index.chunkCount} chunks, build ${(t1 - t0).toFixed(0)} ms, self-join ${(t2 - t1).toFixed(0)} ms (${(((t2 - t1) / hashes.length) * 1000).toFixed(1)} µs per query), ${pairs.length} pairs`,
    );
  }
}
