import { describe, expect, it } from 'vitest';
import { clusterFaces, groupUnknownFaces, type ClusterFace, type Neighbour } from './cluster';
import { DEFAULT_PEOPLE_PARAMS } from './params';
import { cosineDistance } from '../vectors';
import { createRandom, FACE_LIKE, identityCentres, jitter, pairwiseScores } from './synthetic';

interface World {
  centres: Float32Array[];
  faces: ClusterFace[];
  truth: Map<number, number>;
  vectors: Map<number, Float32Array>;
}

/** `perIdentity` faces of each identity, one face per photo unless `photo` says otherwise. */
function makeWorld(
  identities: number,
  perIdentity: number,
  seed: number,
  noise: number = FACE_LIKE.noise,
  quality = () => 0.9,
): World {
  const random = createRandom(seed);
  const centres = identityCentres(identities, 128, random);
  const world: World = { centres, faces: [], truth: new Map(), vectors: new Map() };
  let id = 1;
  for (let i = 0; i < identities; i++) {
    for (let j = 0; j < perIdentity; j++) {
      world.faces.push({ id, contentId: 10_000 + id, quality: quality(), personId: null });
      world.truth.set(id, i);
      world.vectors.set(id, jitter(centres[i] as Float32Array, noise, random));
      id += 1;
    }
  }
  return world;
}

/** Exact k nearest neighbours (brute force), the reference for what HNSW approximates. */
function bruteForce(vectors: Map<number, Float32Array>, k: number): (id: number) => Neighbour[] {
  const cache = new Map<number, Neighbour[]>();
  return (id) => {
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    const v = vectors.get(id) as Float32Array;
    const all: Neighbour[] = [];
    for (const [other, w] of vectors) all.push({ id: other, distance: cosineDistance(v, w) });
    const result = all.sort((a, b) => a.distance - b.distance).slice(0, k + 1);
    cache.set(id, result);
    return result;
  };
}

function applyOutcome(
  world: World,
  outcome: ReturnType<typeof clusterFaces>,
  firstPersonId = 1,
): Map<number, number> {
  const personOf = new Map<number, number>();
  for (const f of world.faces) if (f.personId !== null) personOf.set(f.id, f.personId);
  for (const j of outcome.joined) personOf.set(j.faceId, j.personId);
  outcome.clusters.forEach((c, i) => c.faceIds.forEach((id) => personOf.set(id, firstPersonId + i)));
  return personOf;
}

const noRejections = (): undefined => undefined;

describe('clusterFaces', () => {
  it('finds each synthetic identity as one person', () => {
    const world = makeWorld(30, 8, 1);
    const outcome = clusterFaces(
      { faces: world.faces, neighbours: bruteForce(world.vectors, 16), rejectedPeople: noRejections },
      DEFAULT_PEOPLE_PARAMS,
    );
    const personOf = applyOutcome(world, outcome);
    const ids = world.faces.map((f) => f.id);
    const scores = pairwiseScores(
      ids.map((id) => world.truth.get(id) as number),
      ids.map((id) => personOf.get(id) ?? null),
    );
    expect(outcome.clusters).toHaveLength(30);
    expect(scores.precision).toBeGreaterThanOrEqual(0.99);
    expect(scores.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('never puts two faces of one photo into one person, even for look-alikes', () => {
    // Twins: two identities whose faces are closer than eps to each other, always photographed together.
    const random = createRandom(9);
    const [a] = identityCentres(1, 128, random);
    const b = jitter(a as Float32Array, 0.15, random);
    const faces: ClusterFace[] = [];
    const vectors = new Map<number, Float32Array>();
    for (let photo = 0; photo < 12; photo++) {
      faces.push({ id: photo * 2 + 1, contentId: photo, quality: 0.9, personId: null });
      faces.push({ id: photo * 2 + 2, contentId: photo, quality: 0.9, personId: null });
      vectors.set(photo * 2 + 1, jitter(a as Float32Array, 0.2, random));
      vectors.set(photo * 2 + 2, jitter(b, 0.2, random));
    }
    const outcome = clusterFaces(
      { faces, neighbours: bruteForce(vectors, 16), rejectedPeople: noRejections },
      DEFAULT_PEOPLE_PARAMS,
    );
    const contentOf = new Map(faces.map((f) => [f.id, f.contentId]));
    expect(outcome.clusters.length).toBeGreaterThanOrEqual(2);
    for (const c of outcome.clusters) {
      const contents = c.faceIds.map((id) => contentOf.get(id));
      expect(new Set(contents).size).toBe(contents.length);
    }
    expect(outcome.blocked.cannotLink).toBeGreaterThan(0);
  });

  it('keeps user assignments (must-links) and lets new faces join them', () => {
    const world = makeWorld(3, 10, 2);
    // The user named two faces of identity 0 as person 500 and one face of identity 1 as 600.
    const faces = world.faces.map((f) => ({ ...f }));
    (faces[0] as ClusterFace).personId = 500;
    (faces[1] as ClusterFace).personId = 500;
    (faces[10] as ClusterFace).personId = 600;
    const outcome = clusterFaces(
      { faces, neighbours: bruteForce(world.vectors, 16), rejectedPeople: noRejections },
      DEFAULT_PEOPLE_PARAMS,
    );
    const joinedTo = new Map(outcome.joined.map((j) => [j.faceId, j.personId]));
    for (let id = 3; id <= 10; id++) expect(joinedTo.get(id)).toBe(500);
    for (let id = 12; id <= 20; id++) expect(joinedTo.get(id)).toBe(600);
    expect(outcome.joined.map((j) => j.faceId)).not.toContain(1);
    // Identity 2 has no person yet and becomes a new one.
    expect(outcome.clusters).toHaveLength(1);
    expect(outcome.clusters[0]?.faceIds.sort((x, y) => x - y)).toEqual([
      21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
    ]);
  });

  it('remembers rejections: a rejected face never rejoins that person', () => {
    const world = makeWorld(1, 8, 3);
    const faces = world.faces.map((f, i) => ({ ...f, personId: i < 7 ? 42 : null }));
    const rejected = new Map([[8, new Set([42])]]);
    const outcome = clusterFaces(
      { faces, neighbours: bruteForce(world.vectors, 16), rejectedPeople: (id) => rejected.get(id) },
      DEFAULT_PEOPLE_PARAMS,
    );
    expect(outcome.joined).toEqual([]);
    expect(outcome.unassigned).toEqual([8]);
    expect(outcome.blocked.rejected).toBeGreaterThan(0);
    const without = clusterFaces(
      { faces, neighbours: bruteForce(world.vectors, 16), rejectedPeople: noRejections },
      DEFAULT_PEOPLE_PARAMS,
    );
    expect(without.joined.map((j) => [j.faceId, j.personId])).toEqual([[8, 42]]);
  });

  it('adds new faces incrementally to the people found before', () => {
    const world = makeWorld(20, 10, 4);
    const firstFaces = world.faces.filter((f) => (f.id - 1) % 10 < 7);
    const firstVectors = new Map([...world.vectors].filter(([id]) => (id - 1) % 10 < 7));
    const first = clusterFaces(
      { faces: firstFaces, neighbours: bruteForce(firstVectors, 16), rejectedPeople: noRejections },
      DEFAULT_PEOPLE_PARAMS,
    );
    expect(first.clusters).toHaveLength(20);
    const personOf = applyOutcome({ ...world, faces: firstFaces }, first);
    const second = clusterFaces(
      {
        faces: world.faces.map((f) => ({ ...f, personId: personOf.get(f.id) ?? null })),
        neighbours: bruteForce(world.vectors, 16),
        rejectedPeople: noRejections,
      },
      DEFAULT_PEOPLE_PARAMS,
    );
    expect(second.clusters).toHaveLength(0);
    expect(second.joined).toHaveLength(60);
    for (const j of second.joined) {
      const sameIdentityFace = world.faces.find((f) => personOf.get(f.id) === j.personId) as ClusterFace;
      expect(world.truth.get(sameIdentityFace.id)).toBe(world.truth.get(j.faceId));
    }
  });

  it('does not let low-quality faces seed a person, but lets them join one', () => {
    const world = makeWorld(2, 8, 5);
    const faces = world.faces.map((f) => ({ ...f, quality: f.id <= 8 ? 0.9 : 0.1 }));
    const outcome = clusterFaces(
      { faces, neighbours: bruteForce(world.vectors, 16), rejectedPeople: noRejections },
      DEFAULT_PEOPLE_PARAMS,
    );
    expect(outcome.clusters).toHaveLength(1);
    expect(outcome.clusters[0]?.faceIds.every((id) => id <= 8)).toBe(true);
    expect(outcome.unassigned.sort((a, b) => a - b)).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);

    // A blurry face of identity 0 joins the existing person (tighter radius, still close enough).
    const random = createRandom(55);
    const blurry = jitter(world.centres[0] as Float32Array, 0.1, random);
    const vectors = new Map(world.vectors);
    vectors.set(99, blurry);
    const next = [
      ...faces.filter((f) => f.id <= 8).map((f) => ({ ...f, personId: 7 })),
      { id: 99, contentId: 99, quality: 0.1, personId: null },
    ];
    const again = clusterFaces(
      { faces: next, neighbours: bruteForce(vectors, 16), rejectedPeople: noRejections },
      DEFAULT_PEOPLE_PARAMS,
    );
    expect(again.joined.map((j) => j.faceId)).toEqual([99]);
  });
});

describe('groupUnknownFaces', () => {
  it('groups unassigned faces by identity and keeps faces of one photo apart', () => {
    const world = makeWorld(3, 3, 6);
    const faces = world.faces.map((f) => ({ ...f, contentId: f.id <= 2 ? 1 : f.contentId })); // faces 1 and 2 share a photo
    const groups = groupUnknownFaces(faces, bruteForce(world.vectors, 8), DEFAULT_PEOPLE_PARAMS.eps);
    expect(groups).toContainEqual([4, 5, 6]);
    expect(groups).toContainEqual([7, 8, 9]);
    const withOne = groups.find((g) => g.includes(1)) as number[];
    expect(withOne).not.toContain(2);
  });
});
