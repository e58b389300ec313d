/** Keyed reasons stored as JSON (keeper reasons, group evidence, shot reasons). */
import type { StoredText } from '../../common/contract/types';

/**
 * Reads a stored JSON array of keyed reasons. An older Sift stored plain English strings there:
 * each is kept as a StoredText, so the UI shows it as it is.
 */
export function parseStoredKeyed<T extends { key: string }>(json: string): Array<T | StoredText> {
  return (JSON.parse(json) as Array<T | string>).map((r) =>
    typeof r === 'string' ? { key: 'text', params: { text: r } } : r,
  );
}
