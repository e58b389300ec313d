/**
 * Duplicate detection through the whole engine (real files, real database) on the shared
 * ground-truth sets: synthetic pairwise precision/recall, and imagededup's expected groups.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicateGroup } from '../../common/contract/types';
import { englishReason } from '../../common/dedup/keeper';
import { createEngine, type Engine } from '../engine';
import { englishEvidence } from './service';
import { needDataset, tempDir } from '../testing';

const data = needDataset('dedup/synthetic', 'dedup/imagededup');
const dedupRoot = path.join(data.root, 'dedup');
let engine: Engine;
let cleanup: () => void;
let groups: DuplicateGroup[];
let errors: Array<{ path: string; code: string }>;

beforeAll(async () => {
  if (data.skip) return;
  const t = tempDir();
  cleanup = t.cleanup;
  engine = await createEngine({ dataDir: t.dir });
  await engine.dispatch('library:addFolder', { path: dedupRoot });
  const report = await engine.scanAndWait({ ml: false });
  errors = report.errors;
  groups = ((await engine.dispatch('dedup:groups', { limit: 10_000 })) as { groups: DuplicateGroup[] })
    .groups;
});
afterAll(async () => {
  await engine?.dispose();
  cleanup?.();
});

const rel = (p: string): string => path.relative(dedupRoot, p);

/**
 * Which photos end up together: an exact group shares its kept file with the near group of that
 * content, so the connected groups are what the user sees as one picture.
 */
function clusterOf(all: DuplicateGroup[]): Map<string, number> {
  const parent = all.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i] as number)));
  const firstGroup = new Map<string, number>();
  all.forEach((g, i) => {
    for (const m of g.members) {
      const seen = firstGroup.get(m.path);
      if (seen === undefined) firstGroup.set(m.path, i);
      else parent[find(i)] = find(seen);
    }
  });
  return new Map([...firstGroup].map(([p, i]) => [rel(p), find(i)]));
}

describe.skipIf(data.skip)(`duplicates on the shared dataset${data.why}`, () => {
  it('reaches precision ≥ 0.99 and recall ≥ 0.95 on the synthetic set (all ten transforms)', () => {
    const truth = JSON.parse(readFileSync(path.join(dedupRoot, 'synthetic/ground_truth.json'), 'utf8')) as {
      files: Record<string, { group: string }>;
    };
    const files = Object.keys(truth.files);
    const groupOf = clusterOf(groups);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < files.length; i++)
      for (let j = i + 1; j < files.length; j++) {
        const a = files[i] as string;
        const b = files[j] as string;
        const same = truth.files[a]?.group === truth.files[b]?.group;
        const ga = groupOf.get(`synthetic/${a}`);
        const predicted = ga !== undefined && ga === groupOf.get(`synthetic/${b}`);
        if (predicted && same) tp++;
        else if (predicted) fp++;
        else if (same) fn++;
      }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    expect(tp + fn).toBe(720);
    expect(precision, `precision ${precision.toFixed(4)} (tp ${tp}, fp ${fp})`).toBeGreaterThanOrEqual(0.99);
    expect(recall, `recall ${recall.toFixed(4)} (tp ${tp}, fn ${fn})`).toBeGreaterThanOrEqual(0.95);
  });

  it('finds the imagededup expected groups and groups nothing else there', () => {
    const expected = JSON.parse(
      readFileSync(path.join(dedupRoot, 'imagededup_expected_groups.json'), 'utf8'),
    ) as {
      groups: Record<string, { members: string[] }>;
      no_known_duplicate: string[];
    };
    const groupOf = new Map([...clusterOf(groups)].map(([p, g]) => [p.replace(/^imagededup\//, ''), g]));
    for (const [name, g] of Object.entries(expected.groups)) {
      const ids = new Set(g.members.map((m) => groupOf.get(m)));
      expect([...ids], `${name}: ${g.members.map((m) => `${m}→${groupOf.get(m)}`).join(', ')}`).toHaveLength(
        1,
      );
      expect(ids.has(undefined), `${name} members are all grouped`).toBe(false);
    }
    for (const lonely of expected.no_known_duplicate)
      expect(groupOf.get(lonely), `${lonely} has no duplicate`).toBeUndefined();
  });

  it('reports every undecodable file with a code and keeps scanning', () => {
    const corrupt = errors.filter((e) => e.path.includes('corrupt'));
    expect(corrupt).toHaveLength(2);
    for (const e of corrupt) expect(['CORRUPT', 'NOT_AN_IMAGE', 'TRUNCATED']).toContain(e.code);
    expect(errors).toHaveLength(2);
  });

  it('suggests a keeper with reasons in every group', () => {
    expect(groups.length).toBeGreaterThanOrEqual(16 + 3);
    for (const g of groups) {
      expect(g.members.filter((m) => m.keep)).toHaveLength(1);
      expect(g.proof.map(englishEvidence)).toEqual(g.evidence);
      expect(g.proof[0]?.key).toBe(
        g.kind === 'exact'
          ? 'evidence.identical'
          : g.proof.length > 1 && g.proof[0]?.key === 'evidence.copiesIncluded'
            ? 'evidence.copiesIncluded'
            : 'evidence.pair',
      );
      for (const m of g.members) {
        expect(m.reasons.length).toBeGreaterThan(0);
        expect(m.why.map((r) => r.key)).not.toContain('text');
        expect(m.why.map(englishReason)).toEqual(m.reasons);
      }
    }
  });
});
