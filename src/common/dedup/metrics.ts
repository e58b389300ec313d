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
export function pairwiseScores(predicted: ReadonlyArray<readonly number[]>, labelOf: ReadonlyMap<number, string>): PairwiseScores {
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
