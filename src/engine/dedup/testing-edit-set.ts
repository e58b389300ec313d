/**
 * The generated "original + its edits" set run through the whole engine (scan, grouping, keeper):
 * what the acceptance of issue 12 is measured on. Originals: the synthetic set's base photos and
 * the full-size DeepFashion photos of ../shared/datasets/dev when present (studio photos on white:
 * the hard case for borders and for false groups across views of one shoot), plus procedural ones.
 * Each group gets its own edit strengths (editParameters). Used by scripts/sweep-dedup.ts.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuplicateGroup } from '../../common/contract/types';
import {
  pairwiseScores,
  recallByPart,
  type PairwiseScores,
  type RecallPart,
} from '../../common/dedup/metrics';
import { proceduralOriginal, writeEditGroup, type GeneratedGroup } from './testing-edits';
import { createEngine } from '../engine';

/** Bumped when the generator changes, so a cached set is rebuilt. */
const SET_VERSION = 3;
/** Copies whose pixels and quality are the original's: a right keeper. */
export const UNEDITED_FULL_QUALITY: ReadonlySet<string> = new Set(['original', 'lossless', 'exifRotated']);

interface Original {
  name: string;
  load: () => Promise<Buffer>;
}

function originals(datasets: string | null, procedural: number): Original[] {
  const list: Original[] = [];
  if (datasets) {
    const synthetic = path.join(datasets, 'dedup/synthetic');
    if (existsSync(synthetic))
      for (const f of readdirSync(synthetic)
        .filter((n) => n.endsWith('_base.jpg'))
        .sort())
        list.push({
          name: f.replace(/_base\.jpg$/, ''),
          load: () => Promise.resolve(readFileSync(path.join(synthetic, f))),
        });
    const series = path.join(datasets, 'series');
    if (existsSync(path.join(series, 'labels.json'))) {
      const labels = (
        JSON.parse(readFileSync(path.join(series, 'labels.json'), 'utf8')) as {
          images: Record<string, { dataset: string; resolution: string }>;
        }
      ).images;
      const big = Object.entries(labels)
        .filter(([, l]) => l.dataset === 'deepfashion_inshop' && l.resolution !== '128x128')
        .map(([f]) => f)
        .sort();
      for (const f of big)
        list.push({
          name: path.basename(f, '.jpg'),
          load: () => Promise.resolve(readFileSync(path.join(series, f))),
        });
    }
  }
  for (let seed = 1; seed <= procedural; seed++)
    list.push({ name: `procedural${seed}`, load: () => proceduralOriginal(seed) });
  return list;
}

/**
 * Writes the set into `dir` (one folder per group), or reuses it when `dir` already holds this
 * version of it for the same originals. `seed` shifts every group's edit strengths (another draw).
 */
export async function writeEditSet(
  dir: string,
  datasets: string | null,
  options: { procedural?: number; seed?: number } = {},
): Promise<GeneratedGroup[]> {
  const list = originals(datasets, options.procedural ?? 5);
  const seed = options.seed ?? 0;
  const manifest = path.join(dir, 'edit-set.json');
  const key = `${SET_VERSION}:${seed}:${list.map((o) => o.name).join(',')}`;
  if (existsSync(manifest)) {
    const saved = JSON.parse(readFileSync(manifest, 'utf8')) as { key: string; groups: GeneratedGroup[] };
    if (saved.key === key) return saved.groups;
  }
  const groups: GeneratedGroup[] = [];
  for (const [index, original] of list.entries()) {
    groups.push(
      await writeEditGroup(
        await original.load(),
        path.join(dir, original.name),
        original.name,
        seed + index + 1,
      ),
    );
  }
  writeFileSync(manifest, JSON.stringify({ key, groups }));
  return groups;
}

/** Scans `photos` with a fresh (or reused) engine data folder and returns its near groups. */
export async function scanNearGroups(photos: string, dataDir: string): Promise<DuplicateGroup[]> {
  const engine = await createEngine({ dataDir });
  try {
    const folders = (await engine.dispatch('library:listFolders', {})) as Array<{ path: string }>;
    if (!folders.some((f) => f.path === photos)) await engine.dispatch('library:addFolder', { path: photos });
    await engine.scanAndWait({ ml: false });
    return (
      (await engine.dispatch('dedup:groups', { kind: 'near', limit: 10_000, offset: 0 })) as {
        groups: DuplicateGroup[];
      }
    ).groups;
  } finally {
    await engine.dispose();
  }
}

export interface EditSetReport {
  groups: number;
  files: number;
  pairs: PairwiseScores;
  /** Pairwise recall per edit kind (each true pair counts for both its members). */
  byKind: Map<string, RecallPart>;
  /** Generated groups whose original's predicted group keeps an unedited full-quality copy. */
  keeperRight: number;
  /** "<group>: <kind kept>" for the others. */
  keeperWrong: string[];
  /** "<group>: <kind>, …" for the copies not grouped with their original. */
  missed: string[];
  /** Predicted groups that mix generated groups. */
  mixed: string[];
}

export function scoreEditSet(
  generated: readonly GeneratedGroup[],
  predicted: readonly DuplicateGroup[],
): EditSetReport {
  const ids = new Map<string, number>();
  const labels = new Map<number, string>();
  const kinds = new Map<number, string>();
  for (const g of generated)
    for (const f of g.files) {
      const id = ids.size;
      ids.set(path.resolve(f.path), id);
      labels.set(id, g.name);
      kinds.set(id, f.kind);
    }
  const predictedIds = predicted.map((g) =>
    g.members.map((m) => ids.get(path.resolve(m.path))).filter((id): id is number => id !== undefined),
  );
  const report: EditSetReport = {
    groups: generated.length,
    files: ids.size,
    pairs: pairwiseScores(predictedIds, labels),
    byKind: recallByPart(predictedIds, labels, kinds),
    keeperRight: 0,
    keeperWrong: [],
    missed: [],
    mixed: [],
  };
  for (const ids of predictedIds) {
    const names = [...new Set(ids.map((id) => labels.get(id)))];
    if (names.length > 1) report.mixed.push(names.join(' + '));
  }
  for (const g of generated) {
    const original = g.files.find((f) => f.kind === 'original');
    const group = predicted.find((p) =>
      p.members.some((m) => path.resolve(m.path) === path.resolve(original?.path ?? '')),
    );
    const inGroup = new Set(group?.members.map((m) => path.resolve(m.path)) ?? []);
    const missed = g.files.filter((f) => !inGroup.has(path.resolve(f.path))).map((f) => f.kind);
    if (missed.length > 0) report.missed.push(`${g.name}: ${missed.join(', ')}`);
    const keeper = group?.members.find((m) => m.keep);
    const kept =
      g.files.find((f) => path.resolve(f.path) === path.resolve(keeper?.path ?? ''))?.kind ?? 'none';
    if (UNEDITED_FULL_QUALITY.has(kept)) report.keeperRight++;
    else report.keeperWrong.push(`${g.name}: ${kept}`);
  }
  return report;
}

export function printEditSetReport(r: EditSetReport, log: (line: string) => void): void {
  const f = (x: number): string => x.toFixed(4);
  log(
    `${r.groups} groups, ${r.files} files: TP ${r.pairs.truePositives} FP ${r.pairs.falsePositives} FN ${r.pairs.falseNegatives}, precision ${f(r.pairs.precision)}, recall ${f(r.pairs.recall)}`,
  );
  log(
    `keeper an unedited full-quality copy: ${r.keeperRight} of ${r.groups} (${((100 * r.keeperRight) / Math.max(1, r.groups)).toFixed(1)} %)${r.keeperWrong.length ? `; others: ${r.keeperWrong.join('; ')}` : ''}`,
  );
  log('\n| edit | pairs found | of | recall |\n|---|---:|---:|---:|');
  for (const [kind, p] of [...r.byKind].sort((x, y) => x[1].recall - y[1].recall || x[0].localeCompare(y[0])))
    log(`| ${kind} | ${p.found} | ${p.total} | ${f(p.recall)} |`);
  log(`\nnot grouped with their original: ${r.missed.length === 0 ? 'none' : ''}`);
  for (const m of r.missed) log(`- ${m}`);
  log(`groups mixing generated groups: ${r.mixed.length === 0 ? 'none' : r.mixed.join('; ')}`);
}
