export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / (Math.sqrt(na * nb) || 1);
}

/** Best match between two sets of body descriptors, null when either set is empty. */
export function bestPairSimilarity(
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[],
): number | null {
  let best: number | null = null;
  for (const x of a)
    for (const y of b) {
      const s = cosineSimilarity(x, y);
      if (best === null || s > best) best = s;
    }
  return best;
}
