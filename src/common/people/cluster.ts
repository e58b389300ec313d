/**
 * Incremental, constrained density clustering of faces into people.
 *
 * 1. Attach: an unassigned face joins the person most represented among its neighbours within eps
 *    (ties: the nearest), unless the person already has a face in the same photo (cannot-link) or
 *    the user rejected that face for that person. Assigned faces never move, so user decisions
 *    (source = 'user', must-links from merges) and earlier clusters are sticky.
 * 2. Leftovers: DBSCAN over the faces still unassigned. Cores (quality >= minSeedQuality and at
 *    least minPts unassigned neighbours within eps) grow clusters; border faces join but do not
 *    propagate; a face never enters a cluster that holds another face of its photo.
 * 3. What is still left gets the attach step again, now against the new clusters too.
 *
 * Pure: neighbour lists are given (the engine reads them from HNSW).
 */
import type { PeopleParams } from './params';

export interface ClusterFace {
  id: number;
  contentId: number;
  quality: number;
  /** Current person, or null when unassigned. */
  personId: number | null;
}

export interface Neighbour {
  id: number;
  distance: number;
}

export interface ClusterInput {
  faces: readonly ClusterFace[];
  /** Nearest faces of an unassigned face, sorted by distance (the face itself may be included). */
  neighbours: (faceId: number) => readonly Neighbour[];
  /** People the user said this face is not. */
  rejectedPeople: (faceId: number) => ReadonlySet<number> | undefined;
}

export interface JoinDecision {
  faceId: number;
  personId: number;
  distance: number;
  support: number;
}

export interface NewCluster {
  faceIds: number[];
  cores: number;
}

export interface ClusterOutcome {
  joined: JoinDecision[];
  clusters: NewCluster[];
  /** Faces left unassigned (noise, low quality, blocked by constraints). */
  unassigned: number[];
  /** Join candidates refused because of a constraint, for the log. */
  blocked: { cannotLink: number; rejected: number };
}

export function clusterFaces(input: ClusterInput, params: PeopleParams): ClusterOutcome {
  const byId = new Map<number, ClusterFace>();
  const personOf = new Map<number, number>();
  const personContents = new Map<number, Set<number>>();
  const personSize = new Map<number, number>();
  for (const face of input.faces) {
    byId.set(face.id, face);
    if (face.personId !== null) assign(face.id, face.contentId, face.personId);
  }
  function assign(faceId: number, contentId: number, personId: number): void {
    personOf.set(faceId, personId);
    let contents = personContents.get(personId);
    if (contents === undefined) personContents.set(personId, (contents = new Set()));
    contents.add(contentId);
    personSize.set(personId, (personSize.get(personId) ?? 0) + 1);
  }

  const pending = input.faces
    .filter((f) => f.personId === null)
    .sort((a, b) => b.quality - a.quality || a.id - b.id);
  const joined: JoinDecision[] = [];
  const blocked = { cannotLink: 0, rejected: 0 };

  // 1. Attach to existing people, in rounds so that a face that just joined can anchor others.
  let open = pending;
  for (let round = 0; round < params.attachRounds && open.length > 0; round++) {
    const still: ClusterFace[] = [];
    for (const face of open) {
      const decision = chooseExistingPerson(face);
      if (decision === null) {
        still.push(face);
        continue;
      }
      assign(face.id, face.contentId, decision.personId);
      joined.push(decision);
    }
    if (still.length === open.length) break;
    open = still;
  }

  function chooseExistingPerson(face: ClusterFace): JoinDecision | null {
    const radius =
      face.quality >= params.minSeedQuality ? params.eps : params.eps * params.lowQualityEpsFactor;
    const votes = new Map<number, { count: number; nearest: number }>();
    for (const n of input.neighbours(face.id)) {
      if (n.distance > radius) break;
      if (n.id === face.id) continue;
      const person = personOf.get(n.id);
      if (person === undefined) continue;
      const vote = votes.get(person);
      if (vote === undefined) votes.set(person, { count: 1, nearest: n.distance });
      else vote.count += 1;
    }
    const rejected = input.rejectedPeople(face.id);
    let best: JoinDecision | null = null;
    for (const [personId, vote] of votes) {
      if (rejected?.has(personId) === true) {
        blocked.rejected += 1;
        continue;
      }
      if (personContents.get(personId)?.has(face.contentId) === true) {
        blocked.cannotLink += 1;
        continue;
      }
      // One close face is enough for a tiny (user-named) person; otherwise ask for two.
      if (vote.count < Math.min(2, personSize.get(personId) ?? 1)) continue;
      if (
        best === null ||
        vote.count > best.support ||
        (vote.count === best.support && vote.nearest < best.distance)
      ) {
        best = { faceId: face.id, personId, distance: vote.nearest, support: vote.count };
      }
    }
    return best;
  }

  // 2. DBSCAN over what is left.
  const leftover = open.filter((f) => !personOf.has(f.id));
  const leftoverIds = new Set(leftover.map((f) => f.id));
  const close = new Map<number, number[]>();
  for (const face of leftover) {
    const list: number[] = [];
    for (const n of input.neighbours(face.id)) {
      if (n.distance > params.eps) break;
      if (n.id !== face.id && leftoverIds.has(n.id)) list.push(n.id);
    }
    close.set(face.id, list);
  }
  const isCore = (face: ClusterFace): boolean =>
    face.quality >= params.minSeedQuality && (close.get(face.id)?.length ?? 0) >= params.minPts;
  const clusterOf = new Map<number, number>();
  const clusters: NewCluster[] = [];
  for (const seed of leftover) {
    if (clusterOf.has(seed.id) || !isCore(seed)) continue;
    const index = clusters.length;
    const members: number[] = [seed.id];
    const contents = new Set<number>([seed.contentId]);
    clusterOf.set(seed.id, index);
    let cores = 0;
    const queue: ClusterFace[] = [seed];
    for (let head = 0; head < queue.length; head++) {
      const current = queue[head] as ClusterFace;
      cores += 1;
      for (const id of close.get(current.id) ?? []) {
        if (clusterOf.has(id)) continue;
        const face = byId.get(id);
        if (face === undefined) continue;
        if (contents.has(face.contentId)) {
          blocked.cannotLink += 1;
          continue;
        }
        clusterOf.set(id, index);
        members.push(id);
        contents.add(face.contentId);
        if (isCore(face)) queue.push(face);
      }
    }
    clusters.push({ faceIds: members, cores });
  }
  // A cluster needs as many faces as a core has neighbours plus itself; smaller ones stay unknown.
  const kept = clusters.filter((c) => c.faceIds.length >= params.minPts + 1);

  // 3. Faces left over can now join the people just born (provisional ids -1, -2, ...), exactly
  //    as they would on the next incremental run; otherwise a fresh library needs two passes.
  kept.forEach((c, i) => {
    for (const id of c.faceIds) assign(id, (byId.get(id) as ClusterFace).contentId, -(i + 1));
  });
  let rest = leftover.filter((f) => !personOf.has(f.id));
  for (let round = 0; round < params.attachRounds && rest.length > 0; round++) {
    const still: ClusterFace[] = [];
    for (const face of rest) {
      const decision = chooseExistingPerson(face);
      if (decision === null) {
        still.push(face);
        continue;
      }
      assign(face.id, face.contentId, decision.personId);
      if (decision.personId < 0) (kept[-decision.personId - 1] as NewCluster).faceIds.push(face.id);
      else joined.push(decision);
    }
    if (still.length === rest.length) break;
    rest = still;
  }
  const unassigned = leftover.filter((f) => !personOf.has(f.id)).map((f) => f.id);
  return { joined, clusters: kept, unassigned, blocked };
}

/**
 * Groups unassigned faces for bulk naming: connected components under eps (single linkage), kept
 * apart where two faces share a photo. Larger groups first.
 */
export function groupUnknownFaces(
  faces: readonly ClusterFace[],
  neighbours: (faceId: number) => readonly Neighbour[],
  eps: number,
): number[][] {
  const byId = new Map(faces.map((f) => [f.id, f]));
  const parent = new Map<number, number>();
  const contents = new Map<number, Set<number>>();
  for (const f of faces) {
    parent.set(f.id, f.id);
    contents.set(f.id, new Set([f.contentId]));
  }
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as number;
    let cur = x;
    while (cur !== root) {
      const next = parent.get(cur) as number;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  const edges: Array<{ a: number; b: number; d: number }> = [];
  for (const f of faces) {
    for (const n of neighbours(f.id)) {
      if (n.distance > eps) break;
      if (n.id !== f.id && byId.has(n.id)) edges.push({ a: f.id, b: n.id, d: n.distance });
    }
  }
  // Closest pairs first, so a cannot-link conflict keeps the better match.
  edges.sort((x, y) => x.d - y.d);
  for (const { a, b } of edges) {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) continue;
    const ca = contents.get(ra) as Set<number>;
    const cb = contents.get(rb) as Set<number>;
    let clash = false;
    for (const c of cb) if (ca.has(c)) clash = true;
    if (clash) continue;
    parent.set(rb, ra);
    for (const c of cb) ca.add(c);
    contents.delete(rb);
  }
  const groups = new Map<number, number[]>();
  for (const f of faces) {
    const r = find(f.id);
    const g = groups.get(r);
    if (g === undefined) groups.set(r, [f.id]);
    else g.push(f.id);
  }
  return [...groups.values()]
    .map((g) => g.sort((a, b) => a - b))
    .sort((a, b) => b.length - a.length || (a[0] ?? 0) - (b[0] ?? 0));
}
