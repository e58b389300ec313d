/**
 * Loads the dev dedup datasets (shared/datasets/dev/dedup) and hashes them with the real pipeline.
 * Shared by the dataset tests and scripts/sweep-dedup.ts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ImageHashes } from '../../common/dedup/types';
import { computeImageHashes } from './hashes';
import { decodeAnalysisRaster } from './testing-decode';

import { datasetsRoot } from '../testing';

export { datasetsRoot };

export interface HashedFile {
  id: number;
  /** Path relative to the dataset folder. */
  path: string;
  hashes: ImageHashes;
  /** Milliseconds spent in computeImageHashes (decode excluded). */
  hashMs: number;
}

export interface SyntheticSet {
  files: Array<HashedFile & { group: string; transform: string }>;
}

interface SyntheticGroundTruth {
  files: Record<string, { group: string; transform: string }>;
}

export async function loadSyntheticSet(root = datasetsRoot()): Promise<SyntheticSet> {
  const dir = join(root, 'dedup/synthetic');
  const truth = JSON.parse(await readFile(join(dir, 'ground_truth.json'), 'utf8')) as SyntheticGroundTruth;
  const names = Object.keys(truth.files).sort();
  const files: SyntheticSet['files'] = [];
  for (const [id, name] of names.entries()) {
    const label = truth.files[name];
    if (!label) continue;
    const hashed = await hashFile(join(dir, name));
    files.push({ id, path: name, ...hashed, group: label.group, transform: label.transform });
  }
  return { files };
}

export interface ImagededupExpected {
  groups: Record<string, { members: string[] }>;
  no_known_duplicate: string[];
  unreadable: Record<string, string>;
}

export interface ImagededupSet {
  expected: ImagededupExpected;
  files: HashedFile[];
  /** Files that failed to decode, with the error message. */
  failed: Array<{ path: string; error: string }>;
}

export async function loadImagededupSet(root = datasetsRoot()): Promise<ImagededupSet> {
  const dedupDir = join(root, 'dedup');
  const dir = join(dedupDir, 'imagededup');
  const expected = JSON.parse(
    await readFile(join(dedupDir, 'imagededup_expected_groups.json'), 'utf8'),
  ) as ImagededupExpected;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
  const files: HashedFile[] = [];
  const failed: ImagededupSet['failed'] = [];
  for (const [id, path] of paths.entries()) {
    try {
      files.push({ id, path, ...(await hashFile(join(dir, path))) });
    } catch (error) {
      failed.push({ path, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { expected, files, failed };
}

async function hashFile(path: string): Promise<{ hashes: ImageHashes; hashMs: number }> {
  const raster = await decodeAnalysisRaster(path);
  const started = performance.now();
  const hashes = computeImageHashes(raster);
  return { hashes, hashMs: performance.now() - started };
}

export interface ImagededupReport {
  /** For each expected group: whether all its decodable members ended in one predicted group with nothing else. */
  groups: Array<{ name: string; members: number; found: boolean; predictedWith: string[] }>;
  /** no_known_duplicate files that were grouped with anything. */
  wronglyGrouped: string[];
  /** Decoded files that the expected-groups file does not mention. */
  unlabelled: string[];
  labels: Map<number, string>;
}

/** Compares predicted groups (ids of `set.files`) with imagededup_expected_groups.json. */
export function compareWithImagededup(
  set: ImagededupSet,
  predicted: ReadonlyArray<readonly number[]>,
): ImagededupReport {
  const idOf = new Map(set.files.map((f) => [f.path, f.id]));
  const pathOf = new Map(set.files.map((f) => [f.id, f.path]));
  const groupOf = new Map<number, number>();
  predicted.forEach((ids, g) => ids.forEach((id) => groupOf.set(id, g)));
  const labels = new Map<number, string>();
  const groups: ImagededupReport['groups'] = [];
  for (const [name, { members }] of Object.entries(set.expected.groups)) {
    const ids = members.map((m) => idOf.get(m)).filter((id): id is number => id !== undefined);
    ids.forEach((id) => labels.set(id, name));
    const first = groupOf.get(ids[0] ?? -1);
    const predictedIds = first === undefined ? [] : [...(predicted[first] ?? [])];
    const found =
      ids.length > 0 &&
      first !== undefined &&
      ids.every((id) => groupOf.get(id) === first) &&
      predictedIds.length === ids.length;
    groups.push({
      name,
      members: ids.length,
      found,
      predictedWith: predictedIds.map((id) => pathOf.get(id) ?? String(id)),
    });
  }
  const wronglyGrouped: string[] = [];
  for (const path of set.expected.no_known_duplicate) {
    const id = idOf.get(path);
    if (id === undefined) continue;
    labels.set(id, `single:${path}`);
    if (groupOf.has(id)) wronglyGrouped.push(path);
  }
  const unlabelled = set.files.filter((f) => !labels.has(f.id)).map((f) => f.path);
  return { groups, wronglyGrouped, unlabelled, labels };
}

/**
 * Every photo of dev/faces: the labelled crops in images/<person>/, the group photos in group/ and
 * the crops in unlabeled/. All are distinct photos (hard negatives: tight portraits share a layout).
 */
export async function loadFacePhotos(root = datasetsRoot()): Promise<HashedFile[]> {
  const dir = join(root, 'faces');
  const paths: string[] = [];
  for (const sub of ['images', 'group', 'unlabeled']) {
    const entries = await readdir(join(dir, sub), { recursive: true, withFileTypes: true });
    for (const e of entries)
      if (e.isFile() && /\.(jpe?g|png)$/i.test(e.name)) paths.push(relative(dir, join(e.parentPath, e.name)));
  }
  paths.sort();
  const files: HashedFile[] = [];
  for (const [id, path] of paths.entries()) files.push({ id, path, ...(await hashFile(join(dir, path))) });
  return files;
}
