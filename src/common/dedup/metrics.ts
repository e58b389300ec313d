/** Pairwise evaluation of a grouping against labels (used by the sweep and the dataset tests). */
export interface PairwiseScores {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Compares predicted groups with a label per id (same label = duplicates). Ids missing from every
 * predicted group count as singletons. precision is 1 when nothing is predicted.
 */
export function pairwiseScores(
  predicted: ReadonlyArray<readonly number[]>,
  labelOf: ReadonlyMap<number, string>,
): PairwiseScores {
  let truePositives = 0;
  let predictedPairs = 0;
  for (const group of predicted) {
    for (let x = 0; x < group.length; x++) {
      for (let y = x + 1; y < group.length; y++) {
        predictedPairs++;
        const a = labelOf.get(group[x] ?? -1);
        if (a !== undefined && a === labelOf.get(group[y] ?? -1)) truePositives++;
      }
    }
  }
  const sizes = new Map<string, number>();
  for (const label of labelOf.values()) sizes.set(label, (sizes.get(label) ?? 0) + 1);
  let actualPairs = 0;
  for (const size of sizes.values()) actualPairs += (size * (size - 1)) / 2;
  const falsePositives = predictedPairs - truePositives;
  const falseNegatives = actualPairs - truePositives;
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs;
  const recall = actualPairs === 0 ? 1 : truePositives / actualPairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePositives, falsePositives, falseNegatives, precision, recall, f1 };
}

export interface RecallPart {
  found: number;
  total: number;
  recall: number;
}

/**
 * Pairwise recall split by a second label per id (e.g. the edit that made a copy): every true pair
 * counts once for each of its two members' parts, so a part's recall says how often copies of that
 * kind end up with their duplicates. Ids without a part are left out of the split.
 */
export function recallByPart(
  predicted: ReadonlyArray<readonly number[]>,
  labelOf: ReadonlyMap<number, string>,
  partOf: ReadonlyMap<number, string>,
): Map<string, RecallPart> {
  const groupOf = new Map<number, number>();
  predicted.forEach((ids, g) => ids.forEach((id) => groupOf.set(id, g)));
  const byLabel = new Map<string, number[]>();
  for (const [id, label] of labelOf) byLabel.set(label, [...(byLabel.get(label) ?? []), id]);
  const parts = new Map<string, RecallPart>();
  const add = (id: number, found: boolean): void => {
    const part = partOf.get(id);
    if (part === undefined) return;
    const p = parts.get(part) ?? { found: 0, total: 0, recall: 1 };
    p.total++;
    if (found) p.found++;
    p.recall = p.found / p.total;
    parts.set(part, p);
  };
  for (const ids of byLabel.values())
    for (let x = 0; x < ids.length; x++)
      for (let y = x + 1; y < ids.length; y++) {
        const a = ids[x] ?? -1;
        const b = ids[y] ?? -1;
        const g = groupOf.get(a);
        const found = g !== undefined && g === groupOf.get(b);
        add(a, found);
        add(b, found);
      }
  return parts;
}
