import { describe, expect, it } from 'vitest';
import { seriesPeople, type SeriesFace } from './series-people';

const face = (faceId: number, contentId: number, seriesId: number): SeriesFace => ({
  faceId,
  contentId,
  seriesId,
});

describe('seriesPeople', () => {
  const distances = new Map<string, number>();
  const set = (a: number, b: number, d: number): void => {
    distances.set(`${a}-${b}`, d);
    distances.set(`${b}-${a}`, d);
  };
  const distance = (a: number, b: number): number | null => distances.get(`${a}-${b}`) ?? 0.5;

  it('makes one person of matching faces of different photos of one series', () => {
    distances.clear();
    set(1, 2, 0.05);
    set(2, 3, 0.08);
    expect(seriesPeople({ faces: [face(1, 10, 1), face(2, 11, 1), face(3, 12, 1)], distance }, 0.1)).toEqual([
      [1, 2, 3],
    ]);
  });

  it('never links faces of different series, however close', () => {
    distances.clear();
    set(1, 2, 0.01);
    expect(seriesPeople({ faces: [face(1, 10, 1), face(2, 11, 2)], distance }, 0.1)).toEqual([]);
  });

  it('keeps two faces of one photo apart and leaves a face that matches nobody alone', () => {
    distances.clear();
    set(1, 2, 0.02); // same photo
    set(1, 3, 0.03);
    set(2, 3, 0.05);
    // 1 and 3 join first (closest across photos); 2 is in photo 10 like 1, so it cannot join them.
    expect(
      seriesPeople(
        { faces: [face(1, 10, 1), face(2, 10, 1), face(3, 11, 1), face(4, 12, 1)], distance },
        0.1,
      ),
    ).toEqual([[1, 3]]);
  });

  it('needs the faces within eps', () => {
    distances.clear();
    set(1, 2, 0.12);
    expect(seriesPeople({ faces: [face(1, 10, 1), face(2, 11, 1)], distance }, 0.1)).toEqual([]);
  });

  it('makes a person of the one visible face of a single-figure series, not of other series', () => {
    distances.clear();
    const faces = [face(1, 10, 1), face(2, 20, 2)];
    expect(seriesPeople({ faces, distance, singleFigure: new Set([1]) }, 0.1)).toEqual([[1]]);
  });

  it('makes no person in a single-figure series whose faces disagree', () => {
    distances.clear();
    set(1, 2, 0.3);
    expect(
      seriesPeople({ faces: [face(1, 10, 1), face(2, 11, 1)], distance, singleFigure: new Set([1]) }, 0.1),
    ).toEqual([]);
  });

  it('makes one figure of small faces that disagree only within what small faces can tell', () => {
    distances.clear();
    set(1, 2, 0.12);
    const faces = [face(1, 10, 1), face(2, 11, 1)];
    expect(seriesPeople({ faces, distance, singleFigure: new Set([1]) }, 0.1)).toEqual([[1, 2]]);
    // The same distance between faces large enough to recognise says two people: no person.
    const large = faces.map((f) => ({ ...f, recognisable: true }));
    expect(seriesPeople({ faces: large, distance, singleFigure: new Set([1]) }, 0.1)).toEqual([]);
    // Not in a series known to show one figure.
    expect(seriesPeople({ faces, distance }, 0.1)).toEqual([]);
    // Beyond dlib's same-person bound even small faces are two people.
    set(1, 2, 0.25);
    expect(seriesPeople({ faces, distance, singleFigure: new Set([1]) }, 0.1)).toEqual([]);
  });
});
