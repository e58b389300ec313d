import { seededRandom } from '../random';

/**
 * Seeded synthetic embeddings for tests and benchmarks: identities are points on the unit sphere,
 * faces are noisy copies of them. Some identities are made close to each other ("siblings") so the
 * data has hard negatives.
 */
/** Seeded PRNG (seed 0 is taken as 1, as this module always did). */
export function createRandom(seed: number): () => number {
  return seededRandom(seed >>> 0 || 1);
}

export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return v;
}

export function randomUnitVector(dim: number, random: () => number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = gaussian(random);
  return normalize(v);
}

/**
 * A noisy copy of `centre`: centre + noise·g/√dim, normalised. Two copies have an expected cosine
 * distance of about noise² / (1 + noise²).
 */
export function jitter(centre: Float32Array, noise: number, random: () => number): Float32Array {
  const v = new Float32Array(centre.length);
  const scale = noise / Math.sqrt(centre.length);
  for (let i = 0; i < centre.length; i++) v[i] = (centre[i] as number) + scale * gaussian(random);
  return normalize(v);
}

/**
 * Parameters that mimic the real face descriptors (dlib ResNet, measured on the dev set): all faces
 * lie in a narrow cone. Identity centres are jitter(common, 0.42), about 0.15 apart, and faces are
 * jitter(centre, 0.22): same person about 0.046, different people about 0.19.
 */
export const FACE_LIKE = { centreSpread: 0.42, noise: 0.22 } as const;

/** Identity centres around one common direction (see FACE_LIKE). */
export function identityCentres(
  count: number,
  dim: number,
  random: () => number,
  spread: number = FACE_LIKE.centreSpread,
): Float32Array[] {
  const common = randomUnitVector(dim, random);
  const centres: Float32Array[] = [];
  for (let i = 0; i < count; i++) centres.push(jitter(common, spread, random));
  return centres;
}

/** Pairwise precision and recall of a predicted grouping against the truth (labels per item). */
export function pairwiseScores(
  truth: readonly (string | number)[],
  predicted: readonly (string | number | null)[],
): { precision: number; recall: number } {
  const countPairs = (keys: Array<string | null>): Map<string, number> => {
    const m = new Map<string, number>();
    for (const k of keys) if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const pairs = (n: number): number => (n * (n - 1)) / 2;
  const t = countPairs(truth.map(String));
  const p = countPairs(predicted.map((x) => (x === null ? null : String(x))));
  const both = countPairs(
    truth.map((x, i) =>
      predicted[i] === null || predicted[i] === undefined
        ? null
        : `${String(x)}\u0000${String(predicted[i])}`,
    ),
  );
  let tp = 0;
  for (const n of both.values()) tp += pairs(n);
  let predictedPairs = 0;
  for (const n of p.values()) predictedPairs += pairs(n);
  let truePairs = 0;
  for (const n of t.values()) truePairs += pairs(n);
  return {
    precision: predictedPairs === 0 ? 1 : tp / predictedPairs,
    recall: truePairs === 0 ? 1 : tp / truePairs,
  };
}
