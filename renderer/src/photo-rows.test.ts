import { describe, expect, it } from 'vitest';
import { dayToDate, photoRows, photosInRows, rowOfPhoto } from './photo-rows';

describe('photo rows with day headers', () => {
  const days = [
    { day: '2021-06-12', photos: 5 },
    { day: '2021-06-13', photos: 1 },
  ];

  it('puts a header before each day and wraps its photos at the column count', () => {
    expect(photoRows(days, 2)).toEqual([
      { kind: 'day', day: '2021-06-12', photos: 5 },
      { kind: 'photos', first: 0, count: 2 },
      { kind: 'photos', first: 2, count: 2 },
      { kind: 'photos', first: 4, count: 1 },
      { kind: 'day', day: '2021-06-13', photos: 1 },
      { kind: 'photos', first: 5, count: 1 },
    ]);
    // A day never shares a row with the next one, whatever the width.
    expect(photoRows(days, 0).filter((r) => r.kind === 'photos')).toHaveLength(6);
  });

  it('maps mounted rows to the photos to load, and a photo to its row', () => {
    const rows = photoRows(days, 2);
    expect(photosInRows(rows, 0, 1)).toEqual([0, 0]);
    expect(photosInRows(rows, 0, 3)).toEqual([0, 4]);
    expect(photosInRows(rows, 3, 6)).toEqual([4, 6]);
    expect(rowOfPhoto(rows, 3)).toBe(2);
    expect(rowOfPhoto(rows, 5)).toBe(5);
    expect(rowOfPhoto(rows, 6)).toBe(-1);
  });

  it('reads a day as a local calendar day', () => {
    const d = dayToDate('2021-06-12');
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()]).toEqual([2021, 5, 12, 0]);
  });
});
