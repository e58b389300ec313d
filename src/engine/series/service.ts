/**
 * Series: photos grouped by time, people, clothing and background, each with the reasons it
 * exists, a best shot and redundant burst frames. Recomputed by `group`; ids stay stable through
 * the series key.
 */
import path from 'node:path';
import type { ApiHandlers } from '../../common/contract/api';
import type { RedundantShot, SeriesReasons, SeriesSubject } from '../../common/contract/types';
import { EngineError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { judgeShots, type Shot } from '../../common/series/best-shot';
import { describeSeries, hasNoClock, type SeriesPhotoMeta } from '../../common/series/describe';
import {
  compareNames,
  groupSeries,
  untrustedFileTimes,
  type GroupedSeries,
  type SeriesPhoto,
} from '../../common/series/group';
import { DEFAULT_SERIES_PARAMS, type SeriesParams } from '../../common/series/params';
import { settle, yieldToLoop } from '../async';
import type { Db } from '../db/open';
import type { VectorIndexes } from '../index/vector-indexes';
import {
  createSeriesRepository,
  type ContentForSeries,
  type MemberInput,
  type SeriesRowInput,
} from './repository';

export interface GroupOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, stage: string) => void;
}

export interface GroupSummary {
  series: number;
  photos: number;
  redundant: number;
}

export type SeriesService = ApiHandlers['series'] & {
  group(opts?: GroupOptions): Promise<GroupSummary>;
  /** Every file of every burst: the kept frame (keep = true) and the redundant ones, with reasons. */
  burstFiles(): RedundantShot[];
  count(): number;
};

export interface SeriesServiceOptions {
  db: Db;
  /** The library's vector indexes, opened on first use. */
  vectors: () => Pick<VectorIndexes, 'bodies' | 'backgrounds'>;
  logger: Logger;
  params?: Partial<SeriesParams>;
}

/** Vectors kept in memory while grouping: the pass is in time order, so recent ones are reused. */
const VECTOR_CACHE = 4096;

/** Without a clock, files this close in name order count as one occasion (a shoot's views, a burst). */
const SAME_OCCASION_NAMES = 10;

/**
 * Whether two contents belong to one occasion as far as time or file order can tell: EXIF or file
 * times within `maxGapMs`, or (without a clock) files of one folder at most `SAME_OCCASION_NAMES` apart in name order.
 */
function occasionTest(
  contents: readonly ContentForSeries[],
  untimed: ReadonlySet<number>,
  p: SeriesParams,
): (a: number, b: number) => boolean {
  const timeOf = new Map<number, number>();
  const position = new Map<number, { folder: string; index: number }>();
  const byFolder = new Map<string, Array<{ id: number; name: string }>>();
  for (const c of contents) {
    const time = c.capturedAt ?? c.mtime;
    if (!untimed.has(c.id)) {
      if (time !== null) timeOf.set(c.id, time);
      continue;
    }
    const file = path.parse(c.path ?? '');
    const list = byFolder.get(file.dir) ?? [];
    list.push({ id: c.id, name: file.name });
    byFolder.set(file.dir, list);
  }
  for (const [folder, list] of byFolder) {
    list.sort((x, y) => compareNames(x.name, y.name) || x.id - y.id);
    list.forEach((x, index) => position.set(x.id, { folder, index }));
  }
  return (a, b) => {
    const ta = timeOf.get(a);
    const tb = timeOf.get(b);
    if (ta !== undefined && tb !== undefined) return Math.abs(ta - tb) <= p.maxGapMs;
    const pa = position.get(a);
    const pb = position.get(b);
    return (
      pa !== undefined &&
      pb !== undefined &&
      pa.folder === pb.folder &&
      Math.abs(pa.index - pb.index) <= SAME_OCCASION_NAMES
    );
  };
}

export function createSeriesService(options: SeriesServiceOptions): SeriesService {
  const { db, vectors } = options;
  const logger = options.logger.child({ service: 'series' });
  const params: SeriesParams = { ...DEFAULT_SERIES_PARAMS, ...options.params };
  const repo = createSeriesRepository(db);

  async function group(opts: GroupOptions = {}): Promise<GroupSummary> {
    const { signal, onProgress } = opts;
    const started = performance.now();
    onProgress?.(0, 1, 'loading');
    const contents = repo.contents();
    const people = repo.peopleByContent();
    const bodiesOf = repo.bodiesByContent();
    const names = repo.peopleNames();
    const backgroundCache = new LruCache<number, Float32Array | null>(VECTOR_CACHE);
    const bodyCache = new LruCache<number, { vectors: Float32Array[]; people: Array<number | null> }>(
      VECTOR_CACHE,
    );
    const backgroundOf = (id: number): Float32Array | null =>
      backgroundCache.getOrSet(id, () => vectors().backgrounds.get(id));
    const bodiesOfContent = (id: number): { vectors: Float32Array[]; people: Array<number | null> } =>
      bodyCache.getOrSet(id, () => {
        const found = { vectors: [] as Float32Array[], people: [] as Array<number | null> };
        for (const body of bodiesOf.get(id) ?? []) {
          const v = vectors().bodies.get(body.id);
          if (v === null) continue;
          found.vectors.push(v);
          found.people.push(body.person);
        }
        return found;
      });

    const untrusted = untrustedFileTimes(
      contents.flatMap((c) =>
        c.capturedAt === null && c.mtime !== null
          ? [{ contentId: c.id, time: c.mtime, timeSource: 'mtime' as const }]
          : [],
      ),
      params,
    );
    const sameOccasion = occasionTest(contents, untrusted, params);
    const commonnessCache = new LruCache<number, number | null>(VECTOR_CACHE);
    /**
     * Similarity of the k-th nearest background of another occasion: how common this background is
     * in the library. Photos of the same occasion (within the longest gap a series bridges, or
     * neighbours in name order without a clock) do not count, nor near-identical backgrounds
     * (copies and frames of this very scene): a party of 50 photos in one room is one place, a
     * studio used for 50 shoots is none.
     */
    const commonnessOf = (id: number): number | null =>
      commonnessCache.getOrSet(id, () => {
        const v = backgroundOf(id);
        if (v === null) return null;
        const hits = vectors()
          .backgrounds.search(v, params.backgroundCommonK + 48)
          .filter(
            (h) => h.id !== id && 1 - h.distance < params.backgroundNearIdentical && !sameOccasion(id, h.id),
          );
        const kth = hits[params.backgroundCommonK - 1];
        return kth === undefined ? null : 1 - kth.distance;
      });
    const photos = new Map<number, SeriesPhoto & SeriesPhotoMeta>();
    const info = new Map<number, ContentForSeries>();
    for (const c of contents) {
      const time = c.capturedAt ?? c.mtime;
      if (time === null) continue;
      info.set(c.id, c);
      const file = c.path === null ? null : path.parse(c.path);
      photos.set(c.id, {
        contentId: c.id,
        time,
        timeSource: c.capturedAt !== null ? 'exif' : 'mtime',
        timeKnown: !untrusted.has(c.id),
        folder: file?.dir ?? '',
        name: file?.name ?? '',
        get backgroundCommonness() {
          return commonnessOf(c.id);
        },
        people: people.get(c.id) ?? [],
        get background() {
          return c.personCover >= params.backgroundMaxPersonCover ? null : backgroundOf(c.id);
        },
        get bodies() {
          return bodiesOfContent(c.id).vectors;
        },
        get bodyPeople() {
          return bodiesOfContent(c.id).people;
        },
        figures: c.faces + c.bodies,
        gps: c.gpsLat !== null && c.gpsLon !== null ? { lat: c.gpsLat, lon: c.gpsLon } : null,
      });
    }
    signal?.throwIfAborted();
    onProgress?.(0, photos.size, 'grouping');
    await yieldToLoop();
    const grouped = groupSeries([...photos.values()], params);
    signal?.throwIfAborted();

    const keys = assignKeys(grouped, repo.oldMembers());
    const rows: Array<{
      row: SeriesRowInput;
      members: MemberInput[];
      people: Array<{ id: number; photos: number }>;
    }> = [];
    let redundant = 0;
    for (let i = 0; i < grouped.length; i++) {
      const g = grouped[i] as GroupedSeries;
      const description = describeSeries(g, photos, names, params);
      const shots: Shot[] = g.contentIds.map((id) => {
        const p = photos.get(id) as SeriesPhoto & SeriesPhotoMeta;
        const c = info.get(id) as ContentForSeries;
        return {
          contentId: id,
          time: p.time,
          timeKnown: p.timeKnown,
          sharpness: c.sharpness,
          exposure: c.exposure,
          faceQuality: c.faceQuality,
          pixels: c.width !== null && c.height !== null ? c.width * c.height : null,
          people: p.people,
          background: p.background,
          bodies: p.bodies,
        };
      });
      const verdicts = judgeShots(shots, params);
      const position = new Map(g.contentIds.map((id, index) => [id, index]));
      redundant += verdicts.filter((v) => v.redundant).length;
      rows.push({
        row: {
          key: keys[i] as string,
          title: description.title,
          // A copy's file dates are not when the series was taken: no dates for a series without a clock.
          start: hasNoClock(description.reasons) ? null : description.reasons.start,
          end: hasNoClock(description.reasons) ? null : description.reasons.end,
          reasons: description.reasons,
          explanation: description.explanation,
        },
        members: verdicts.map((v) => ({
          contentId: v.contentId,
          position: position.get(v.contentId) ?? 0,
          score: v.score,
          best: v.best,
          redundant: v.redundant,
          burst: v.burst,
          why: v.why,
        })),
        people: description.reasons.people.map((p) => ({ id: p.id, photos: p.photos })),
      });
      if (i % 512 === 511) {
        onProgress?.(i + 1, grouped.length, 'scoring');
        signal?.throwIfAborted();
        await yieldToLoop();
      }
    }
    signal?.throwIfAborted();
    onProgress?.(0, 1, 'saving');
    repo.replaceAll(rows);
    onProgress?.(1, 1, 'saving');
    const summary = {
      series: rows.length,
      photos: rows.reduce((n, r) => n + r.members.length, 0),
      redundant,
    };
    logger.info('series grouped', {
      ...summary,
      contents: photos.size,
      ms: Math.round(performance.now() - started),
    });
    return summary;
  }

  const handlers: ApiHandlers['series'] = {
    redundant: () => settle(() => repo.burstFiles()),
    list: ({ offset, limit, personId }) =>
      settle(() => {
        const person = personId ?? null;
        const series = repo.page(person, offset, limit).map((r) => ({
          id: r.id,
          title: r.title,
          start: r.start_at,
          end: r.end_at,
          subject: r.subject === null ? null : (JSON.parse(r.subject) as SeriesSubject),
          people: repo.people(r.id),
          photoCount: r.photo_count,
          cover: repo.cover(r.id),
        }));
        return { total: repo.count(person), series };
      }),
    get: ({ id }) =>
      settle(() => {
        const r = repo.one(id);
        if (r === null) throw new EngineError('NOT_FOUND', `No series with id ${id}`, { id });
        const reasons = JSON.parse(r.reasons) as SeriesReasons;
        return {
          id: r.id,
          title: r.title,
          subject: reasons.subject ?? null,
          start: r.start_at,
          end: r.end_at,
          people: repo.people(r.id),
          photoCount: r.photo_count,
          cover: repo.cover(r.id),
          reasons,
          explanation: JSON.parse(r.explanation) as string[],
          shots: repo.shots(r.id),
        };
      }),
  };

  return { ...handlers, group, burstFiles: () => repo.burstFiles(), count: () => repo.count(null) };
}

/**
 * Keeps a series' key (and so its id) when most of its old members are still together; a new
 * series is keyed by its first photo and start time.
 */
export function assignKeys(
  grouped: readonly GroupedSeries[],
  old: ReadonlyMap<string, readonly number[]>,
): string[] {
  const oldKeyOf = new Map<number, string>();
  for (const [key, members] of old) for (const id of members) oldKeyOf.set(id, key);
  const claimed = new Set<string>();
  // Larger series choose first, so a split series keeps its key on the bigger part.
  const order = grouped
    .map((_, i) => i)
    .sort((a, b) => (grouped[b]?.contentIds.length ?? 0) - (grouped[a]?.contentIds.length ?? 0) || a - b);
  const result = new Array<string>(grouped.length);
  for (const i of order) {
    const g = grouped[i] as GroupedSeries;
    const votes = new Map<string, number>();
    for (const id of g.contentIds) {
      const key = oldKeyOf.get(id);
      if (key !== undefined) votes.set(key, (votes.get(key) ?? 0) + 1);
    }
    let chosen: string | null = null;
    for (const [key, n] of [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      const oldSize = old.get(key)?.length ?? 0;
      if (!claimed.has(key) && n * 2 >= oldSize) {
        chosen = key;
        break;
      }
    }
    if (chosen === null) {
      const base = `c${g.contentIds[0] ?? 0}`;
      chosen = base;
      for (let suffix = 2; claimed.has(chosen) || old.has(chosen); suffix++) chosen = `${base}-${suffix}`;
    }
    claimed.add(chosen);
    result[i] = chosen;
  }
  return result;
}

class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  getOrSet(key: K, make: () => V): V {
    if (this.map.has(key)) {
      const value = this.map.get(key) as V;
      this.map.delete(key);
      this.map.set(key, value);
      return value;
    }
    const value = make();
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
    return value;
  }
}
