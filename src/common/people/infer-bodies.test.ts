import { describe, expect, it } from 'vitest';
import { inferBodies, type BodyAnchor, type BodyTarget } from './infer-bodies';
import { DEFAULT_BODY_PARAMS as P } from './params';

const HOUR = 3_600_000;

/** Distances given by a table: `d[a][b]`, symmetric. */
function table(entries: Array<[number, number, number]>): (a: number, b: number) => number | null {
  const map = new Map<string, number>();
  for (const [a, b, d] of entries) {
    map.set(`${a}:${b}`, d);
    map.set(`${b}:${a}`, d);
  }
  return (a, b) => map.get(`${a}:${b}`) ?? null;
}

const anchor = (
  bodyId: number,
  personId: number,
  time: number | null,
  seriesId: number | null = null,
  contentId = 100 + bodyId,
): BodyAnchor => ({ bodyId, contentId, time, seriesId, personId });
const target = (
  bodyId: number,
  time: number | null,
  seriesId: number | null = null,
  contentId = 200 + bodyId,
): BodyTarget => ({ bodyId, contentId, time, seriesId });

describe('inferBodies', () => {
  const none = (): undefined => undefined;

  it('picks the clearly closest person within the time window', () => {
    const out = inferBodies(
      {
        targets: [target(1, 0)],
        anchors: [anchor(10, 7, HOUR), anchor(11, 8, HOUR)],
        distance: table([
          [1, 10, 0.03],
          [1, 11, 0.2],
        ]),
        peopleInContent: none,
        rejectedPeople: none,
      },
      P,
    );
    expect(out).toEqual([
      {
        bodyId: 1,
        personId: 7,
        confidence: expect.any(Number) as number,
        distance: 0.03,
        runnerUp: 0.2,
        anchorBodyId: 10,
      },
    ]);
    // Calibrated: p(same outfit | 0.03) x (1 - p(same outfit | 0.2)).
    expect(out[0]?.confidence).toBeCloseTo(0.983 * (1 - 0.277), 2);
  });

  it('leaves ambiguous, distant-in-time and too-different bodies unassigned', () => {
    const distance = table([
      [1, 10, 0.05],
      [1, 11, 0.06],
      [2, 12, 0.01],
      [3, 13, 0.25],
    ]);
    const out = inferBodies(
      {
        targets: [target(1, 0), target(2, 0), target(3, 0)],
        anchors: [anchor(10, 7, 0), anchor(11, 8, 0), anchor(12, 9, 2 * 24 * HOUR), anchor(13, 9, 0)],
        distance,
        peopleInContent: none,
        rejectedPeople: none,
      },
      P,
    );
    expect(out).toEqual([]);
  });

  it('uses the series when times are unknown, and respects cannot-link and rejections', () => {
    const distance = table([
      [1, 10, 0.03],
      [1, 11, 0.1],
    ]);
    const anchors = [anchor(10, 7, null, 5), anchor(11, 8, null, 5)];
    const base = { targets: [target(1, null, 5, 300)], anchors, distance };
    expect(
      inferBodies({ ...base, peopleInContent: none, rejectedPeople: none }, P).map((r) => r.personId),
    ).toEqual([7]);
    // Person 7 already shows their face in this photo: the body is someone else.
    expect(
      inferBodies(
        { ...base, peopleInContent: (c) => (c === 300 ? new Set([7]) : undefined), rejectedPeople: none },
        P,
      ).map((r) => r.personId),
    ).toEqual([8]);
    // The user said this body is not 7.
    expect(
      inferBodies(
        { ...base, peopleInContent: none, rejectedPeople: (b) => (b === 1 ? new Set([7]) : undefined) },
        P,
      ).map((r) => r.personId),
    ).toEqual([8]);
  });

  it('accepts a looser match inside the target series than across a time window', () => {
    const distance = table([[1, 10, 0.22]]);
    const run = (seriesId: number | null): number[] =>
      inferBodies(
        {
          targets: [target(1, 0, 5)],
          anchors: [anchor(10, 7, 0, seriesId)],
          distance,
          peopleInContent: none,
          rejectedPeople: none,
        },
        P,
      ).map((r) => r.personId);
    expect(run(5)).toEqual([7]);
    expect(run(6)).toEqual([]); // same time window, another series: 0.22 is too far
  });
});
