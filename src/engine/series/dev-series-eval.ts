/**
 * Scores people, series and duplicate groups of an engine that scanned the dev "series" dataset
 * (`shared/datasets/dev/series`, see its README) against its labels. Used by its dataset test and
 * by `npm run eval:series`; test tooling, not product code.
 */
import path from 'node:path';
import type {
  DuplicateGroup,
  Person,
  PersonDetail,
  SeriesDetail,
  SeriesSummary,
} from '../../common/contract/types';
import type { Engine } from '../engine';
import { pairwiseScores } from '../../common/people/synthetic';
import { seededRandom } from '../../common/random';

export interface SeriesLabel {
  dataset: 'deepfashion_inshop' | 'market1501';
  series: string;
  person: string;
  view: string;
  camera?: number;
}

export interface SeriesLabels {
  images: Record<string, SeriesLabel>;
}

/**
 * File dates of a studio day, as a camera leaves them: look after look (each labelled series) in an
 * order shuffled by `seed`, 4 minutes apart, a look's photos 20 s apart. The returned function
 * gives the next photo of a series its date.
 */
export function studioDayTimes(labels: SeriesLabels, start: number, seed = 7): (series: string) => Date {
  const random = seededRandom(seed);
  const slot = new Map(
    [...new Set(Object.values(labels.images).map((l) => l.series))]
      .map((series) => ({ series, key: random() }))
      .sort((a, b) => a.key - b.key)
      .map((x, k) => [x.series, k] as const),
  );
  const views = new Map<string, number>();
  return (series) => {
    const view = views.get(series) ?? 0;
    views.set(series, view + 1);
    return new Date(start + (slot.get(series) ?? 0) * 240_000 + view * 20_000);
  };
}

export interface SeriesRunSummary {
  photos: number;
  deepfashion: {
    precision: number;
    recall: number;
    f1: number;
    series: number;
    largestSeries: number;
    unseriesed: number;
  };
  seriesMixingGenders: number;
  backViews: { total: number; ownPerson: number; otherPerson: number; unassigned: number; ratio: number };
  people: { count: number; maxSeriesSpanned: number; largestPhotos: number };
  duplicateGroupsAcrossSeries: number;
  duplicateGroups: number;
}

export interface SeriesRunReport {
  summary: SeriesRunSummary;
  details: string[];
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Pairwise precision / recall / F1 of a predicted grouping (items absent from `predicted` are alone). */
export function pairwiseF1(
  items: readonly string[],
  truth: (item: string) => string,
  predicted: ReadonlyMap<string, number>,
): { precision: number; recall: number; f1: number } {
  const { precision, recall } = pairwiseScores(
    items.map(truth),
    items.map((item) => predicted.get(item) ?? null),
  );
  return {
    precision: r3(precision),
    recall: r3(recall),
    f1: r3(precision + recall ? (2 * precision * recall) / (precision + recall) : 0),
  };
}

export async function scoreSeriesRun(engine: Engine, labels: SeriesLabels): Promise<SeriesRunReport> {
  const byName = new Map<string, SeriesLabel>();
  for (const [rel, label] of Object.entries(labels.images)) byName.set(path.basename(rel), label);
  const labelOf = (p: string): SeriesLabel | undefined => byName.get(path.basename(p));
  const details: string[] = [];

  const seriesOf = new Map<string, number>();
  const { series } = (await engine.dispatch('series:list', { limit: 10_000 })) as { series: SeriesSummary[] };
  for (const s of series) {
    const detail = (await engine.dispatch('series:get', { id: s.id })) as SeriesDetail;
    for (const shot of detail.shots) seriesOf.set(path.basename(shot.path), s.id);
    details.push(
      `series ${s.id} (${detail.shots.length}): ${detail.shots.map((x) => labelOf(x.path)?.series ?? path.basename(x.path)).join(', ')}`,
    );
  }

  const personsOf = new Map<string, Set<number>>();
  const people = (await engine.dispatch('people:list', {})) as Person[];
  const seriesSpanned = new Map<number, Set<string>>();
  let largestPhotos = 0;
  for (const p of people) {
    const detail = (await engine.dispatch('people:get', { id: p.id })) as PersonDetail;
    const files = new Set<string>();
    for (const ref of [...detail.faces, ...detail.inferred]) {
      const name = path.basename(ref.path);
      files.add(name);
      const set = personsOf.get(name) ?? new Set<number>();
      set.add(p.id);
      personsOf.set(name, set);
      const label = labelOf(name);
      if (label) seriesSpanned.set(p.id, (seriesSpanned.get(p.id) ?? new Set()).add(label.series));
    }
    largestPhotos = Math.max(largestPhotos, files.size);
    details.push(
      `person ${p.id}: ${files.size} photos (${detail.faces.length} faces, ${detail.inferred.length} inferred), series ${[...(seriesSpanned.get(p.id) ?? [])].slice(0, 8).join(' ')}`,
    );
  }

  const df = [...byName.entries()].filter(([, l]) => l.dataset === 'deepfashion_inshop').map(([n]) => n);
  const f1 = pairwiseF1(df, (n) => (byName.get(n) as SeriesLabel).series, seriesOf);
  const sizes = new Map<number, number>();
  for (const n of df) {
    const s = seriesOf.get(n);
    if (s !== undefined) sizes.set(s, (sizes.get(s) ?? 0) + 1);
  }
  const genders = new Map<number, Set<string>>();
  for (const n of df) {
    const s = seriesOf.get(n);
    if (s === undefined) continue;
    genders.set(
      s,
      (genders.get(s) ?? new Set()).add((byName.get(n) as SeriesLabel).series.split('/')[0] as string),
    );
  }

  let ownPerson = 0;
  let otherPerson = 0;
  let unassigned = 0;
  const backs = df.filter((n) => byName.get(n)?.view === 'back');
  for (const n of backs) {
    const label = byName.get(n) as SeriesLabel;
    const mine = personsOf.get(n);
    const siblings = df.filter(
      (m) => m !== n && byName.get(m)?.series === label.series && byName.get(m)?.view !== 'back',
    );
    const theirs = new Set(siblings.flatMap((m) => [...(personsOf.get(m) ?? [])]));
    if (!mine || mine.size === 0) {
      unassigned++;
      details.push(
        `back view unassigned: ${n} (series ${seriesOf.get(n) ?? 'none'}; people of its other views: ${[...theirs].join(' ') || 'none'})`,
      );
      continue;
    }
    if ([...mine].some((p) => theirs.has(p))) ownPerson++;
    else otherPerson++;
  }

  const { groups } = (await engine.dispatch('dedup:groups', { limit: 10_000 })) as {
    groups: DuplicateGroup[];
  };
  let across = 0;
  for (const g of groups) {
    const labelled = new Set(g.members.map((m) => labelOf(m.path)?.series ?? `?${m.path}`));
    if (labelled.size > 1) {
      across++;
      details.push(
        `duplicate group ${g.id} across series: ${g.members.map((m) => path.basename(m.path)).join(', ')}`,
      );
    }
  }

  return {
    summary: {
      photos: byName.size,
      deepfashion: {
        ...f1,
        series: sizes.size,
        largestSeries: Math.max(0, ...sizes.values()),
        unseriesed: df.filter((n) => !seriesOf.has(n)).length,
      },
      seriesMixingGenders: [...genders.values()].filter((g) => g.size > 1).length,
      backViews: {
        total: backs.length,
        ownPerson,
        otherPerson,
        unassigned,
        ratio: r3(backs.length ? ownPerson / backs.length : 1),
      },
      people: {
        count: people.length,
        maxSeriesSpanned: Math.max(0, ...[...seriesSpanned.values()].map((s) => s.size)),
        largestPhotos,
      },
      duplicateGroupsAcrossSeries: across,
      duplicateGroups: groups.length,
    },
    details,
  };
}
