/** Which faceless matches the People page offers for a yes/no answer. */
import type { FaceRef } from '../../src/common/contract/types';

/**
 * Faceless matches below this calibrated confidence are not suggested at all: a low score is noise
 * (a 9 % "match" showed a different person), and a wrong suggestion costs more than a missed one.
 */
export const INFERRED_MIN_CONFIDENCE = 0.5;

/**
 * Confident suggestions still waiting for an answer. A confirmed match comes back from the engine
 * at confidence 1 (it is the person's now) and one answered in this session is gone at once.
 */
export function pendingSuggestions(inferred: readonly FaceRef[], answered: ReadonlySet<number>): FaceRef[] {
  return inferred.filter(
    (f) => f.confidence >= INFERRED_MIN_CONFIDENCE && f.confidence < 1 && !answered.has(f.id),
  );
}
