/** Vector arithmetic shared by every domain: one cosine. */

/** Cosine similarity of any two vectors (normalises both; 0 when either is all zeros). */
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

/**
 * Cosine distance (1 - cos) of two L2-normalised vectors, the form every stored descriptor has
 * (the HNSW cosine space keeps them so): a dot product, without normalising again in hot loops.
 */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) dot += (a[i] as number) * (b[i] as number);
  return 1 - dot;
}
