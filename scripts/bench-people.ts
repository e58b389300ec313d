/**
 * People and series benchmark on generated embeddings (no images): clustering 100k faces,
 * grouping their photos into series, an incremental add of 1,000 photos, HNSW query latency and
 * peak RSS. Usage: npm run bench:people [-- --identities 2000 --faces-per 50 --incremental 1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../src/common/logger';
import {
  createRandom,
  FACE_LIKE,
  identityCentres,
  jitter,
  pairwiseScores,
  randomUnitVector,
} from '../src/common/people/synthetic';
import { openDatabase } from '../src/engine/db/open';
import { openVectorIndexes } from '../src/engine/index/vector-indexes';
import { createPeopleService } from '../src/engine/people/service';
import { TestLibrary } from '../src/engine/people/testing-library';
import { createSeriesService } from '../src/engine/series/service';
import {
  CENTERNET_FEATURE_CHANNELS,
  bodyDescriptor,
  centernetGeometry,
} from '../src/engine/ml/vision/persons';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const IDENTITIES = arg('identities', 2000);
const FACES_PER = arg('faces-per', 50);
const INCREMENTAL = arg('incremental', 1000);
const BACKGROUND_DIM = 240; // the pipeline's background descriptor length
const MIN = 60_000;

const random = createRandom(42);
const dir = mkdtempSync(path.join(os.tmpdir(), 'sift-bench-people-'));
const db = openDatabase(path.join(dir, 'library.db'), silentLogger);
const EF_CONSTRUCTION = arg('ef-construction', 100);
const vectors = openVectorIndexes({
  dir: path.join(dir, 'vectors'),
  db,
  logger: silentLogger,
  hnsw: { efConstruction: EF_CONSTRUCTION },
});
const lib = new TestLibrary(db, vectors);
const people = createPeopleService({ db, vectors: () => vectors, logger: silentLogger });
const series = createSeriesService({ db, vectors: () => vectors, logger: silentLogger });
const timings: Array<[string, number]> = [];
const rssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

async function timed<T>(label: string, fn: () => T | Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  const ms = performance.now() - t;
  timings.push([label, ms]);
  console.log(`${label.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(8)} s   (peak RSS ${rssMb()} MB)`);
  return out;
}

const centres = identityCentres(IDENTITIES, 128, random);
const anyScene = randomUnitVector(BACKGROUND_DIM, random);
const truth = new Map<number, number>();
let clock = Date.UTC(2020, 0, 1);

/**
 * Sessions of 10–30 photos, 1–3 identities, one scene, a few minutes apart; sessions hours apart.
 * Every photo shows 1–2 of the session's identities (never the same one twice).
 */
function addSessions(faceBudget: number, identityPool: () => number): number {
  let faces = 0;
  let photos = 0;
  db.transaction(() => {
    while (faces < faceBudget) {
      clock += (4 + Math.floor(random() * 40)) * 60 * MIN;
      const scene = jitter(anyScene, 0.35, random);
      const cast = [
        ...new Set([identityPool(), identityPool(), identityPool()].slice(0, 1 + Math.floor(random() * 3))),
      ];
      const size = 10 + Math.floor(random() * 21);
      for (let p = 0; p < size && faces < faceBudget; p++) {
        clock += Math.floor(random() * 4 * MIN) + 1000;
        const { contentId } = lib.addPhoto({
          capturedAt: clock,
          background: jitter(scene, 0.1, random),
          sharpness: 50 + random() * 100,
          exposure: random(),
        });
        photos += 1;
        const inPhoto = cast.filter(() => random() < 0.6);
        if (inPhoto.length === 0) inPhoto.push(cast[0] as number);
        for (const who of inPhoto) {
          if (faces >= faceBudget) break;
          const id = lib.addFace(
            contentId,
            jitter(centres[who] as Float32Array, FACE_LIKE.noise, random),
            0.4 + random() * 0.6,
          );
          truth.set(id, who);
          faces += 1;
        }
      }
    }
  })();
  return photos;
}

// Faces of each identity are spread over the library: identities are drawn round-robin with jitter.
let cursor = 0;
const nextIdentity = (): number => (cursor++ * 7919 + Math.floor(random() * 3)) % IDENTITIES;
console.log(
  `people benchmark: ${IDENTITIES} identities x ${FACES_PER} faces = ${IDENTITIES * FACES_PER} faces, incremental ${INCREMENTAL} photos, efConstruction ${EF_CONSTRUCTION}, ${os.cpus().length} cores\n`,
);
const photos = await timed(`generate + insert rows + HNSW add (faces, backgrounds)`, () =>
  addSessions(IDENTITIES * FACES_PER, nextIdentity),
);
console.log(
  `  ${photos} photos, ${vectors.faces.size()} face vectors, ${vectors.backgrounds.size()} background vectors`,
);
await timed('save vector indexes', () => vectors.save());

const clustered = await timed(`cluster ${vectors.faces.size()} faces (from scratch)`, () => people.cluster());
const faceIds = [...truth.keys()];
const assigned = db
  .prepare<[], { face_id: number; person_id: number }>('SELECT face_id, person_id FROM face_person')
  .all();
const personOf = new Map(assigned.map((r) => [r.face_id, r.person_id]));
const scores = pairwiseScores(
  faceIds.map((id) => truth.get(id) as number),
  faceIds.map((id) => personOf.get(id) ?? null),
);
console.log(
  `  ${clustered.people} people for ${new Set(truth.values()).size} identities present, ${clustered.assigned} faces assigned; pairwise precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}`,
);
const grouped = await timed(`group ${photos} photos into series`, () => series.group());
console.log(`  ${grouped.series} series covering ${grouped.photos} photos, ${grouped.redundant} redundant`);

// HNSW query latency (k = 17 as clustering uses, ef = 64).
const latencies: number[] = [];
for (let i = 0; i < 2000; i++) {
  const query = jitter(centres[Math.floor(random() * IDENTITIES)] as Float32Array, FACE_LIKE.noise, random);
  const t = performance.now();
  vectors.faces.search(query, 17);
  latencies.push(performance.now() - t);
}
latencies.sort((a, b) => a - b);
// Recall@17 of HNSW against exact search, on 200 queries.
const allFaceIds = vectors.faces.ids();
const stored = allFaceIds.map((id) => vectors.faces.get(id) as Float32Array);
let found = 0;
for (let q = 0; q < 200; q++) {
  const query = stored[Math.floor(random() * stored.length)] as Float32Array;
  const exact = stored
    .map((v, i) => {
      let dot = 0;
      for (let k = 0; k < v.length; k++) dot += (v[k] as number) * (query[k] as number);
      return { id: allFaceIds[i] as number, d: 1 - dot };
    })
    .sort((a, b) => a.d - b.d)
    .slice(0, 17);
  const approx = new Set(vectors.faces.search(query, 17).map((m) => m.id));
  found += exact.filter((e) => approx.has(e.id)).length;
}
console.log(`${'HNSW recall@17 vs exact (200 queries)'.padEnd(44)} ${(found / (200 * 17)).toFixed(4)}`);
const pct = (p: number): string => (latencies[Math.floor(p * (latencies.length - 1))] ?? 0).toFixed(3);
console.log(`${'HNSW face query k=17 (2000 queries)'.padEnd(44)} p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`);

// Incremental: new photos of known identities arrive (a later scan), then cluster + series again.
const before = truth.size;
const incPhotos = await timed(`incremental: insert ${INCREMENTAL} photos + vectors`, () => {
  let added = 0;
  while (added < INCREMENTAL) added += addSessions(Math.min(30, INCREMENTAL - added), nextIdentity);
  return added;
});
const inc = await timed(`incremental: cluster ${truth.size - before} new faces`, () => people.cluster());
const newFaces = [...truth.keys()].slice(before);
const incAssigned = db
  .prepare<[], { face_id: number; person_id: number }>('SELECT face_id, person_id FROM face_person')
  .all();
const incPersonOf = new Map(incAssigned.map((r) => [r.face_id, r.person_id]));
console.log(
  `  ${incPhotos} photos with ${newFaces.length} new faces: ${newFaces.filter((id) => incPersonOf.has(id)).length} assigned; ${inc.assigned} assignments in all (earlier leftovers can join now), ${inc.people} new people`,
);
await timed('incremental: regroup series', () => series.group());
const allIds = [...truth.keys()];
const after = pairwiseScores(
  allIds.map((id) => truth.get(id) as number),
  allIds.map((id) => incPersonOf.get(id) ?? null),
);
console.log(
  `  after incremental: pairwise precision ${after.precision.toFixed(4)}, recall ${after.recall.toFixed(4)}`,
);

// The body descriptor alone (Lab clothing histograms of figure, upper and lower body + pooled
// backbone features), on a 333x250 clothing level and a CenterNet feature map of a 1333x1000 photo.
{
  const geom = centernetGeometry(1333, 1000);
  const fw = geom.width / 8;
  const fh = geom.height / 8;
  const features = {
    data: Float32Array.from({ length: fw * fh * CENTERNET_FEATURE_CHANNELS }, () => random()),
    dims: [1, fh, fw, CENTERNET_FEATURE_CHANNELS],
  };
  const img = {
    width: 333,
    height: 250,
    data: Uint8Array.from({ length: 333 * 250 * 3 }, () => Math.floor(random() * 256)),
  };
  const clothing = { img, scale: 333 / 1333 };
  const boxes: Array<[number, number, number, number]> = Array.from({ length: 200 }, (_, i) => {
    const x = (i * 97) % 1000;
    return [x, 100, x + 180 + (i % 5) * 30, 400 + (i % 7) * 80];
  });
  for (const b of boxes.slice(0, 20)) bodyDescriptor(features, clothing, geom, b); // warm-up
  const t0 = performance.now();
  for (const b of boxes) bodyDescriptor(features, clothing, geom, b);
  console.log(
    `${'body descriptor, per person (1333x1000 photo)'.padEnd(44)} ${((performance.now() - t0) / boxes.length).toFixed(3).padStart(8)} ms`,
  );
}
console.log(`\npeak RSS ${rssMb()} MB`);

vectors.close();
db.close();
rmSync(dir, { recursive: true, force: true });
