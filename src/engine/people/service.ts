/**
 * People: faces clustered into people (incrementally, with hard constraints), user decisions that
 * stick, and people found by their clothes when the face is missing.
 */
import type { ApiHandlers } from '../../common/contract/api';
import type { Person, UnknownCluster } from '../../common/contract/types';
import { EngineError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { cosineDistance } from '../../common/vectors';
import {
  clusterFaces,
  groupUnknownFaces,
  type ClusterFace,
  type Neighbour,
} from '../../common/people/cluster';
import { inferBodies, type BodyAnchor, type BodyTarget } from '../../common/people/infer-bodies';
import { seriesPeople } from '../../common/people/series-people';
import {
  DEFAULT_BODY_PARAMS,
  DEFAULT_PEOPLE_PARAMS,
  type BodyInferenceParams,
  type PeopleParams,
} from '../../common/people/params';
import { settle, yieldToLoop } from '../async';
import type { Db } from '../db/open';
import type { VectorIndexes } from '../index/vector-indexes';
import { createPeopleSnapshots } from './snapshots';
import { createPeopleRepository, type FaceRow } from './repository';

export interface ClusterOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, stage: string) => void;
}

export interface ClusterSummary {
  /** People created by this run. */
  people: number;
  /** Faces assigned by this run (joined to existing people or founding new ones). */
  assigned: number;
  /** Faceless bodies currently inferred to belong to a person. */
  inferred: number;
}

export type PeopleService = ApiHandlers['people'] & {
  cluster(opts?: ClusterOptions): Promise<ClusterSummary>;
  /**
   * People within series and faceless matches, once series are grouped (see afterSeries).
   * `changed`: whether any person appeared or any faceless match differs from before.
   */
  afterSeries(): { people: number; inferred: number; changed: boolean };
  /** People the user has not hidden (the library status count). */
  visibleCount(): number;
};

export interface PeopleServiceOptions {
  db: Db;
  /** The library's vector indexes, opened on first use. */
  vectors: () => Pick<VectorIndexes, 'faces' | 'bodies'>;
  logger: Logger;
  /** Called after anything about people changed (the engine emits `library:changed`). */
  onChange?: () => void;
  params?: Partial<PeopleParams>;
  bodyParams?: Partial<BodyInferenceParams>;
  now?: () => number;
}

/** Neighbour queries per slice before yielding to the event loop (keeps cancellation responsive). */
const SLICE = 256;
/** Unknown faces considered by `unknown` (best quality first), to bound an interactive call. */
const UNKNOWN_POOL = 20_000;

export function createPeopleService(options: PeopleServiceOptions): PeopleService {
  const { db, vectors } = options;
  const logger = options.logger.child({ service: 'people' });
  const params: PeopleParams = { ...DEFAULT_PEOPLE_PARAMS, ...options.params };
  const bodyParams: BodyInferenceParams = { ...DEFAULT_BODY_PARAMS, ...options.bodyParams };
  const now = options.now ?? Date.now;
  const repo = createPeopleRepository(db);
  const snapshots = createPeopleSnapshots(db);
  const changed = (): void => options.onChange?.();

  function neighboursOf(faceId: number): Neighbour[] {
    const vector = vectors().faces.get(faceId);
    if (vector === null) return [];
    return vectors().faces.search(vector, params.k + 1);
  }

  function mustGetPerson(id: number): Person {
    const person = repo.person(id);
    if (person === null) throw new EngineError('NOT_FOUND', `No person with id ${id}`, { id });
    return person;
  }

  function loadFaces(ids: readonly number[]): FaceRow[] {
    const rows = repo.facesByIds(ids);
    if (rows.length !== new Set(ids).size) {
      const found = new Set(rows.map((r) => r.id));
      throw new EngineError('NOT_FOUND', `No face with id ${ids.filter((id) => !found.has(id)).join(', ')}`);
    }
    return rows;
  }

  /** Two faces of one photo can never be one person: refuse a user action that would do it. */
  function assertCannotLink(faces: readonly FaceRow[], targetPerson: number | null): void {
    const seen = new Map<number, number>();
    const clashes: Array<{ contentId: number; faceIds: number[] }> = [];
    const targetFaces = new Set(targetPerson === null ? [] : repo.personFaceIds(targetPerson));
    const targetContents = new Set(
      targetPerson === null ? [] : repo.facesByIds([...targetFaces]).map((f) => f.contentId),
    );
    for (const f of faces) {
      const other = seen.get(f.contentId);
      if (other !== undefined) clashes.push({ contentId: f.contentId, faceIds: [other, f.id] });
      else if (!targetFaces.has(f.id) && targetContents.has(f.contentId))
        clashes.push({ contentId: f.contentId, faceIds: [f.id] });
      seen.set(f.contentId, f.id);
    }
    if (clashes.length > 0) {
      throw new EngineError('CONFLICT', 'Two faces in the same photo cannot be the same person', { clashes });
    }
  }

  /** Puts faces into a person (found by name, else created) as user decisions. */
  function assignFacesToName(faces: readonly FaceRow[], name: string | null, exclude: number | null): number {
    const existing = name === null ? null : repo.personIdByName(name);
    const target = existing !== null && existing !== exclude ? existing : null;
    assertCannotLink(faces, target);
    const at = now();
    const personId = target ?? repo.createPerson(name, at);
    for (const f of faces) {
      if (f.personId !== null && f.personId !== personId) repo.reject(f.id, f.personId, at);
      repo.assignByUser(f.id, personId, at);
    }
    repo.deleteEmptyPeople();
    return personId;
  }

  async function cluster(opts: ClusterOptions = {}): Promise<ClusterSummary> {
    const { signal, onProgress } = opts;
    const started = performance.now();
    const faces: ClusterFace[] = repo
      .faces()
      .filter((f) => f.width >= params.minFaceWidth && vectors().faces.has(f.id))
      .map((f) => ({ id: f.id, contentId: f.contentId, quality: f.quality, personId: f.personId }));
    const pending = faces.filter((f) => f.personId === null);
    const neighbours = new Map<number, Neighbour[]>();
    for (let i = 0; i < pending.length; i += SLICE) {
      signal?.throwIfAborted();
      for (const f of pending.slice(i, i + SLICE)) neighbours.set(f.id, neighboursOf(f.id));
      onProgress?.(Math.min(i + SLICE, pending.length), pending.length, 'neighbours');
      await yieldToLoop();
    }
    signal?.throwIfAborted();
    const rejections = repo.rejections();
    const outcome = clusterFaces(
      { faces, neighbours: (id) => neighbours.get(id) ?? [], rejectedPeople: (id) => rejections.get(id) },
      params,
    );
    signal?.throwIfAborted();
    onProgress?.(0, 1, 'saving');
    const at = now();
    repo.transaction(() => {
      for (const j of outcome.joined)
        repo.assignByCluster(j.faceId, j.personId, confidenceOf(j.distance), at);
      for (const c of outcome.clusters) {
        const personId = repo.createPerson(null, at);
        for (const id of c.faceIds) repo.assignByCluster(id, personId, 1, at);
      }
    });
    const assigned = outcome.joined.length + outcome.clusters.reduce((n, c) => n + c.faceIds.length, 0);
    onProgress?.(1, 1, 'saving');
    signal?.throwIfAborted();
    const inferred = inferFacelessPeople(at);
    onProgress?.(1, 1, 'bodies');
    const removed = repo.deleteEmptyPeople();
    logger.info('people clustered', {
      faces: faces.length,
      pending: pending.length,
      joined: outcome.joined.length,
      newPeople: outcome.clusters.length,
      unassigned: outcome.unassigned.length,
      blocked: outcome.blocked,
      inferred,
      removedEmpty: removed.length,
      ms: Math.round(performance.now() - started),
    });
    if (assigned > 0 || inferred > 0 || removed.length > 0) changed();
    return { people: outcome.clusters.length, assigned, inferred };
  }

  function confidenceOf(distance: number): number {
    return Math.round(Math.max(0, Math.min(1, 1 - distance / params.eps)) * 1000) / 1000;
  }

  /**
   * After series are grouped: faces still without a person that match each other inside one series
   * become a person (`seriesPeople`), then faceless bodies are matched again with the new series.
   */
  function afterSeries(): { people: number; inferred: number; changed: boolean } {
    const at = now();
    const inferredBefore = inferredSignature();
    const seriesOf = repo.seriesOfContents();
    const faces = repo.faces();
    const candidates = faces
      .filter(
        (f) =>
          f.personId === null &&
          f.quality >= params.seriesFaceMinQuality &&
          seriesOf.has(f.contentId) &&
          vectors().faces.has(f.id),
      )
      .map((f) => ({
        faceId: f.id,
        contentId: f.contentId,
        seriesId: seriesOf.get(f.contentId) as number,
        recognisable: f.width >= params.minFaceWidth,
      }));
    const rejections = repo.rejections();
    // A series shows one figure when none of its photos holds two bodies or two faces.
    const figures = new Map<number, number>();
    for (const f of faces) figures.set(f.contentId, (figures.get(f.contentId) ?? 0) + 1);
    const bodiesIn = new Map<number, number>();
    for (const b of repo.bodies()) bodiesIn.set(b.contentId, (bodiesIn.get(b.contentId) ?? 0) + 1);
    const crowded = new Set<number>();
    for (const [contentId, series] of seriesOf)
      if ((figures.get(contentId) ?? 0) > 1 || (bodiesIn.get(contentId) ?? 0) > 1) crowded.add(series);
    const singleFigure = new Set([...seriesOf.values()].filter((series) => !crowded.has(series)));
    const groups = seriesPeople(
      {
        singleFigure,
        faces: candidates,
        distance: (a, b) => {
          const va = vectors().faces.get(a);
          const vb = vectors().faces.get(b);
          return va === null || vb === null ? null : cosineDistance(va, vb);
        },
      },
      params.seriesFaceEps,
    ).filter((ids) => ids.every((id) => (rejections.get(id)?.size ?? 0) === 0));
    repo.transaction(() => {
      for (const ids of groups) {
        const personId = repo.createPerson(null, at);
        for (const id of ids) repo.assignByCluster(id, personId, 1, at);
      }
    });
    const inferred = inferFacelessPeople(at);
    const moved = groups.length > 0 || inferredSignature() !== inferredBefore;
    if (moved) changed();
    logger.info('people within series', { people: groups.length, inferred, changed: moved });
    return { people: groups.length, inferred, changed: moved };
  }

  function inferredSignature(): string {
    return repo
      .bodyDecisions()
      .filter((d) => d.state === 'inferred')
      .map((d) => `${d.body_id}:${d.person_id}`)
      .sort()
      .join(',');
  }

  /** Recomputes the 'inferred' body rows; confirmed and rejected rows are the user's and stay. */
  function inferFacelessPeople(at: number): number {
    if (vectors().bodies.size() === 0) {
      repo.replaceInferred([], at);
      return 0;
    }
    const bodies = repo.bodies();
    const decisions = repo.bodyDecisions();
    const confirmed = new Map<number, number>();
    const rejected = new Map<number, Set<number>>();
    for (const d of decisions) {
      if (d.state === 'confirmed') confirmed.set(d.body_id, d.person_id);
      if (d.state === 'rejected') {
        const set = rejected.get(d.body_id);
        if (set === undefined) rejected.set(d.body_id, new Set([d.person_id]));
        else set.add(d.person_id);
      }
    }
    const seriesOf = repo.seriesOfContents();
    const peopleInContent = new Map<number, Set<number>>();
    const anchors: BodyAnchor[] = [];
    const targets: BodyTarget[] = [];
    for (const b of bodies) {
      const person = b.facePersonId ?? confirmed.get(b.id) ?? null;
      const base = {
        bodyId: b.id,
        contentId: b.contentId,
        time: b.time,
        seriesId: seriesOf.get(b.contentId) ?? null,
      };
      if (person !== null) {
        anchors.push({ ...base, personId: person });
        let set = peopleInContent.get(b.contentId);
        if (set === undefined) peopleInContent.set(b.contentId, (set = new Set()));
        set.add(person);
        continue;
      }
      const usableFace =
        b.faceId !== null &&
        (b.faceQuality ?? 0) >= bodyParams.unusableFaceQuality &&
        (b.faceWidth ?? 0) >= params.minFaceWidth;
      if (!usableFace && vectors().bodies.has(b.id)) targets.push(base);
    }
    const cache = new Map<number, Float32Array | null>();
    const vectorOf = (id: number): Float32Array | null => {
      let v = cache.get(id);
      if (v === undefined) cache.set(id, (v = vectors().bodies.get(id)));
      return v;
    };
    const results = inferBodies(
      {
        targets,
        anchors,
        distance: (a, b) => {
          const va = vectorOf(a);
          const vb = vectorOf(b);
          return va === null || vb === null ? null : cosineDistance(va, vb);
        },
        peopleInContent: (id) => peopleInContent.get(id),
        rejectedPeople: (id) => rejected.get(id),
      },
      bodyParams,
    );
    repo.transaction(() =>
      repo.replaceInferred(
        results.map((r) => ({
          bodyId: r.bodyId,
          personId: r.personId,
          confidence: r.confidence,
          evidence: {
            distance: r.distance,
            runnerUp: r.runnerUp,
            anchorBodyId: r.anchorBodyId,
            maxDistance: bodyParams.maxDistance,
            windowMs: bodyParams.windowMs,
          },
        })),
        at,
      ),
    );
    return results.length;
  }

  const handlers: ApiHandlers['people'] = {
    list: ({ includeHidden }) =>
      settle(() => {
        return repo.people(includeHidden);
      }),
    get: ({ id }) =>
      settle(() => {
        const person = mustGetPerson(id);
        return { ...person, faces: repo.faceRefs(id), inferred: repo.inferredRefs(id) };
      }),
    unknown: ({ limit }) =>
      settle(() => {
        const pool = repo
          .faces()
          .filter((f) => f.personId === null && vectors().faces.has(f.id))
          .sort((a, b) => b.quality - a.quality || a.id - b.id)
          .slice(0, UNKNOWN_POOL)
          .map((f) => ({ id: f.id, contentId: f.contentId, quality: f.quality, personId: null }));
        const groups = groupUnknownFaces(pool, neighboursOf, params.eps);
        const clusters: UnknownCluster[] = [];
        for (const group of groups) {
          if (clusters.length >= limit) break;
          const faces = group.map((id) => repo.faceRef(id)).filter((r) => r !== null);
          if (faces.length > 0) clusters.push({ key: `unknown:${group[0] ?? 0}:${group.length}`, faces });
        }
        return clusters;
      }),
    rename: ({ id, name }) =>
      settle(() => {
        mustGetPerson(id);
        const undoId = snapshots.take([id]);
        repo.rename(id, name);
        changed();
        return { ...mustGetPerson(id), undoId };
      }),
    merge: ({ ids, into }) =>
      settle(() => {
        const all = [...new Set(into === undefined ? ids : [into, ...ids])];
        const people = all.map(mustGetPerson);
        const target = into ?? (people.find((p) => p.name !== null) ?? (people[0] as Person)).id;
        const faces = repo.facesByIds(all.flatMap((id) => repo.personFaceIds(id)));
        assertCannotLink(faces, null);
        const name =
          people.find((p) => p.id === target)?.name ?? people.find((p) => p.name !== null)?.name ?? null;
        const at = now();
        const undoId = snapshots.take(all);
        // "Keep the name and cover of X": without an explicit cover, X's own best face becomes it,
        // before the other people's (maybe better) faces join.
        const ownCover = people.find((p) => p.id === target)?.cover?.id ?? null;
        repo.transaction(() => {
          if (ownCover !== null) repo.setCover(target, ownCover);
          for (const p of people) if (p.id !== target) repo.mergeInto(target, p.id, at);
          // Every face of a merged person is now a user decision: a must-link clustering never undoes.
          for (const f of faces) repo.assignByUser(f.id, target, at);
          if (name !== null) repo.rename(target, name);
        });
        changed();
        return { ...mustGetPerson(target), undoId };
      }),
    undo: ({ undoId }) =>
      settle(() => {
        const snap = repo.transaction(() => snapshots.restore(undoId));
        if (!snap)
          throw new EngineError(
            'NOT_FOUND',
            `Nothing to undo for ${undoId} (already undone, or older than the last 20 edits of people)`,
          );
        changed();
        return { restored: snap.personIds };
      }),
    split: ({ id, faceIds, name }) =>
      settle(() => {
        mustGetPerson(id);
        const faces = loadFaces(faceIds);
        const foreign = faces.filter((f) => f.personId !== id).map((f) => f.id);
        if (foreign.length > 0)
          throw new EngineError(
            'INVALID_ARGUMENT',
            `Faces ${foreign.join(', ')} do not belong to person ${id}`,
            { faceIds: foreign },
          );
        const personId = repo.transaction(() => assignFacesToName(faces, name ?? null, id));
        changed();
        return mustGetPerson(personId);
      }),
    hide: ({ id, hidden }) =>
      settle(() => {
        mustGetPerson(id);
        repo.hide(id, hidden);
        changed();
        return mustGetPerson(id);
      }),
    setCover: ({ id, faceId }) =>
      settle(() => {
        mustGetPerson(id);
        if (!repo.personFaceIds(id).includes(faceId))
          throw new EngineError('INVALID_ARGUMENT', `Face ${faceId} does not belong to person ${id}`, {
            id,
            faceId,
          });
        repo.setCover(id, faceId);
        changed();
        return mustGetPerson(id);
      }),
    nameFaces: ({ faceIds, name }) =>
      settle(() => {
        const faces = loadFaces(faceIds);
        const personId = repo.transaction(() => assignFacesToName(faces, name, null));
        changed();
        return mustGetPerson(personId);
      }),
    confirmInferred: ({ bodyIds, accept }) =>
      settle(() => {
        // Inferred refs are bodies: their FaceRef id is the body id (see docs/people.md).
        const at = now();
        const updated = repo.transaction(
          () => bodyIds.filter((bodyId) => repo.decideBody(bodyId, accept, at)).length,
        );
        if (updated > 0) changed();
        return { updated };
      }),
  };

  return { ...handlers, cluster, afterSeries, visibleCount: () => repo.visiblePeopleCount() };
}
