/**
 * The Photos grid sorted by date, as rows: a header for each day, then that day's photos in rows
 * of `columns`. Photo indices run through the days in the order of the capture-time listing, so
 * the rows can be laid out (and scrolled) before any page of photos is loaded.
 */
export type PhotoRow =
  | { kind: 'day'; day: string; photos: number }
  | { kind: 'photos'; first: number; count: number };

export function photoRows(days: ReadonlyArray<{ day: string; photos: number }>, columns: number): PhotoRow[] {
  const perRow = Math.max(1, columns);
  const rows: PhotoRow[] = [];
  let index = 0;
  for (const d of days) {
    rows.push({ kind: 'day', day: d.day, photos: d.photos });
    for (let k = 0; k < d.photos; k += perRow)
      rows.push({ kind: 'photos', first: index + k, count: Math.min(perRow, d.photos - k) });
    index += d.photos;
  }
  return rows;
}

/** The photo indices [first, end) shown by the rows [start, end). */
export function photosInRows(rows: readonly PhotoRow[], start: number, end: number): [number, number] {
  let first = Infinity;
  let last = -1;
  for (let i = Math.max(0, start); i < Math.min(rows.length, end); i++) {
    const r = rows[i];
    if (r?.kind !== 'photos') continue;
    first = Math.min(first, r.first);
    last = Math.max(last, r.first + r.count);
  }
  return last < 0 ? [0, 0] : [first, last];
}

/** The row that shows photo `index` (for keeping it in view). */
export function rowOfPhoto(rows: readonly PhotoRow[], index: number): number {
  return rows.findIndex((r) => r.kind === 'photos' && index >= r.first && index < r.first + r.count);
}

/** "2021-06-12" as a local calendar day (not midnight UTC, which is the day before west of Greenwich). */
export function dayToDate(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}
