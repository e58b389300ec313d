import { cosineSimilarity } from '../vectors';

export { cosineSimilarity };
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

/**
 * Clothing of the same person: the best similarity between a body in `a` and a body in `b` that
 * belong to one person (`aPeople[i]` is the person of `a[i]`, null when unknown). Null when no
 * person has a body in both photos. Two group photos always hold *some* similar pair of outfits
 * (dark suits), so only bodies of one person say "same clothes".
 */
export function samePersonSimilarity(
  a: readonly ArrayLike<number>[],
  aPeople: readonly (number | null)[] | undefined,
  b: readonly ArrayLike<number>[],
  bPeople: readonly (number | null)[] | undefined,
): number | null {
  if (!aPeople || !bPeople) return null;
  let best: number | null = null;
  for (let i = 0; i < a.length; i++) {
    const person = aPeople[i];
    if (person === null || person === undefined) continue;
    for (let j = 0; j < b.length; j++) {
      if (bPeople[j] !== person) continue;
      const s = cosineSimilarity(a[i] as ArrayLike<number>, b[j] as ArrayLike<number>);
      if (best === null || s > best) best = s;
    }
  }
  return best;
}
