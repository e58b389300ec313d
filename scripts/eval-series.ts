/**
 * People and series on real photo shoots: scans `../shared/datasets/dev/series` (DeepFashion In-shop
 * series + Market-1501 crops) through the whole engine, as a user would after copying the folder in
 * one go (no EXIF times, all file times within a minute), and scores the result against the labels.
 *
 *   npm run eval:series [-- --data DIR] [-- --keep] [-- --anonymous] [-- --timed]
 *
 * Prints: DeepFashion series pairwise precision/recall/F1, series mixing genders, back views assigned
 * to the person of their own series, the largest number of series one person spans, duplicate groups
 * across series, and the engine's time per photo.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../src/engine/engine';
import { seededRandom } from '../src/common/random';
import { datasetsRoot, tempDir } from '../src/engine/testing';
import { scoreSeriesRun, studioDayTimes, type SeriesLabels } from '../src/engine/series/dev-series-eval';

const root = path.join(datasetsRoot(), 'series');
if (!existsSync(path.join(root, 'labels.json'))) {
  console.error(`eval:series needs the dev dataset at ${root} (set SIFT_DATASETS)`);
  process.exit(2);
}
const source = JSON.parse(readFileSync(path.join(root, 'labels.json'), 'utf8')) as SeriesLabels;
// --anonymous: file names that carry nothing (IMG_0001.jpg ... in a shuffled order), as after an
// export or a messaging app: series must then rest on the pictures alone.
const anonymous = process.argv.includes('--anonymous');
const random = seededRandom(7);
const order = Object.keys(source.images)
  .map((rel) => ({ rel, key: random() }))
  .sort((a, b) => a.key - b.key)
  .map((x) => x.rel);
const nameOf = new Map(
  order.map((rel, k) => [rel, anonymous ? `IMG_${String(k + 1).padStart(4, '0')}.jpg` : path.basename(rel)]),
);
const labels: SeriesLabels = {
  ...source,
  images: Object.fromEntries(Object.entries(source.images).map(([rel, l]) => [nameOf.get(rel) ?? rel, l])),
};
const timed = process.argv.includes('--timed');
const timeOf = studioDayTimes(source, Date.now() - 86_400_000 - 3_600_000);
const t = tempDir('sift-eval-series-');
const folder = path.join(t.dir, 'photos');
mkdirSync(folder);
const base = Date.now() - 3_600_000;
let i = 0;
for (const rel of Object.keys(source.images)) {
  const dst = path.join(folder, nameOf.get(rel) ?? path.basename(rel));
  copyFileSync(path.join(root, rel), dst);
  // Copied in one go: all within a minute. --timed: file times as a camera leaves them, each
  // series shot in turn (4 min apart, in a shuffled order), its views 20 s apart.
  const when = timed ? timeOf(source.images[rel]?.series ?? '') : new Date(base + (i % 50) * 1000);
  i++;
  utimesSync(dst, when, when);
}
const engine = await createEngine({ dataDir: path.join(t.dir, 'data') });
try {
  await engine.dispatch('library:addFolder', { path: folder });
  const started = performance.now();
  await engine.scanAndWait({ ml: true });
  const ms = performance.now() - started;
  const report = await scoreSeriesRun(engine, labels);
  console.log(JSON.stringify({ ...report.summary, scanMsPerPhoto: Math.round(ms / i) }, null, 2));
  if (process.argv.includes('--verbose')) for (const line of report.details) console.log(line);
} finally {
  await engine.dispose();
  if (!process.argv.includes('--keep')) t.cleanup();
  else console.log(`kept ${t.dir}`);
}
