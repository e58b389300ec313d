import { describe, expect, it } from 'vitest';
import { createRandom, jitter, randomUnitVector } from '../people/synthetic';
import { judgeShots, type Shot } from './best-shot';
import { describeSeries, type SeriesPhotoMeta } from './describe';
import { groupSeries, type SeriesPhoto } from './group';
import { DEFAULT_SERIES_PARAMS as P } from './params';

const random = createRandom(77);
const MIN = 60_000;
const T0 = Date.UTC(2024, 4, 3, 9);
// Like the pipeline's background descriptors: different scenes are still ~0.88 similar.
const anyScene = randomUnitVector(64, random);
const beach = jitter(anyScene, 0.35, random);
const kitchen = jitter(anyScene, 0.35, random);
const redShirt = randomUnitVector(32, random);

let nextId = 1;
function photo(
  minutes: number,
  background: Float32Array | null,
  people: number[] = [],
  extra: Partial<SeriesPhoto & SeriesPhotoMeta> = {},
): SeriesPhoto & SeriesPhotoMeta {
  return {
    contentId: nextId++,
    time: T0 + minutes * MIN,
    timeSource: 'exif',
    people,
    background: background === null ? null : jitter(background, 0.1, random),
    bodies: [],
    figures: people.length,
    gps: null,
    ...extra,
  };
}

describe('groupSeries', () => {
  it('splits by time gaps and by place, and explains each series', () => {
    const morning = [0, 2, 5, 9, 15].map((m) => photo(m, beach, [7]));
    const kitchenLater = [20, 24, 30].map((m) => photo(m, kitchen, [7])); // 5 min after the beach: new place
    const evening = [300, 301].map((m) => photo(m, beach, [7])); // same beach, but 4.5 h later
    const all = [...morning, ...kitchenLater, ...evening];
    const series = groupSeries(all, P);
    expect(series.map((s) => s.contentIds)).toEqual(
      [morning, kitchenLater, evening].map((g) => g.map((p) => p.contentId)),
    );

    const byId = new Map(all.map((p) => [p.contentId, p]));
    const d = describeSeries(series[0] as (typeof series)[number], byId, new Map([[7, 'Anna']]), P);
    expect(d.title).toBe('Anna · 2024-05-03 · 5 photos');
    expect(d.reasons).toMatchObject({
      photos: 5,
      spanMs: 15 * MIN,
      largestGapMs: 6 * MIN,
      gapThresholdMs: P.sessionGapMs,
      timeSource: { exif: 5, mtime: 0 },
    });
    expect(d.reasons.people).toEqual([{ id: 7, name: 'Anna', photos: 5 }]);
    expect(d.reasons.meanBackgroundSimilarity).toBeGreaterThan(P.backgroundSimilar);
    expect(d.explanation[0]).toMatch(/^5 photos over 15 min/);
  });

  it('links burst frames on time alone and keeps interleaved shoots of different people apart', () => {
    const burst = [0, 0.05, 0.1].map((m) => photo(m, randomUnitVector(64, random))); // backgrounds unknown-ish but < 10 s apart
    const a = [100, 104, 108].map((m) => photo(m, beach, [1]));
    const b = [101, 105, 109].map((m) => photo(m, kitchen, [2]));
    const series = groupSeries([...burst, ...a, ...b], P);
    const sets = series.map((s) => s.contentIds);
    expect(sets).toContainEqual(a.map((p) => p.contentId));
    expect(sets).toContainEqual(b.map((p) => p.contentId));
    expect(
      series
        .find((s) => s.contentIds.includes(a[0]?.contentId as number))
        ?.links.every((l) => l.kind === 'background'),
    ).toBe(true);
    // Random backgrounds have similarity near 0 (< backgroundDifferent), so even a burst does not link them.
    expect(sets.some((s) => s.includes(burst[0]?.contentId as number))).toBe(false);
  });

  it('links the same people in the same clothes across a background change', () => {
    const outside = [0, 3].map((m) => photo(m, beach, [5], { bodies: [jitter(redShirt, 0.1, random)], bodyPeople: [5] }));
    const inside = [8, 12].map((m) => photo(m, kitchen, [5], { bodies: [jitter(redShirt, 0.1, random)], bodyPeople: [5] }));
    const [series] = groupSeries([...outside, ...inside], P);
    expect(series?.contentIds).toHaveLength(4);
    expect(series?.links.map((l) => l.kind)).toContain('people+clothing');
  });

  it('needs the same person in the same clothes: a similar outfit on someone else is no link', () => {
    // Persons 5 and 6 in both places; the red shirt is worn by 5 outside and by 6 inside.
    const blueShirt = randomUnitVector(32, random);
    const outside = [0, 3].map((m) =>
      photo(m, beach, [5, 6], { bodies: [jitter(redShirt, 0.1, random), jitter(blueShirt, 0.1, random)], bodyPeople: [5, 6] }),
    );
    const inside = [8, 12].map((m) =>
      photo(m, kitchen, [5, 6], { bodies: [jitter(blueShirt, 0.1, random), jitter(redShirt, 0.1, random)], bodyPeople: [5, 6] }),
    );
    const series = groupSeries([...outside, ...inside], P);
    expect(series.map((s) => s.contentIds)).toEqual([outside.map((p) => p.contentId), inside.map((p) => p.contentId)]);
    // Bodies whose person is unknown say nothing about clothes either.
    const anonymous = groupSeries(
      [
        photo(0, beach, [5], { bodies: [jitter(redShirt, 0.1, random)], bodyPeople: [null] }),
        photo(8, kitchen, [5], { bodies: [jitter(redShirt, 0.1, random)], bodyPeople: [null] }),
      ],
      P,
    );
    expect(anonymous.every((s) => s.contentIds.length === 1)).toBe(true);
  });

  it('titles unnamed people, unknown people and places, and flags file dates', () => {
    const unnamed = [0, 1].map((m) => photo(m, beach, [12]));
    const unknown = [200, 201].map((m) => photo(m, beach, [], { figures: 2 }));
    const place = [400, 401].map((m) =>
      photo(m, beach, [], { gps: { lat: 48.8566, lon: -2.3522 }, timeSource: 'mtime' }),
    );
    const all = [...unnamed, ...unknown, ...place];
    const byId = new Map(all.map((p) => [p.contentId, p]));
    const titles = groupSeries(all, P).map((s) => describeSeries(s, byId, new Map([[12, null]]), P));
    expect(titles.map((t) => t.title)).toEqual([
      'Person 12 · 2024-05-03 · 2 photos',
      'Unknown people · 2024-05-03 · 2 photos',
      'Near 48.86°N 2.35°W · 2024-05-03 · 2 photos',
    ]);
    expect(titles[2]?.explanation.at(-1)).toBe('2 photo times come from file dates (no EXIF capture time)');
  });
});

describe('judgeShots', () => {
  const shot = (
    ms: number,
    sharpness: number,
    people: number[] = [3],
    background = jitter(beach, 0.05, random),
  ): Shot => ({
    contentId: nextId++,
    time: T0 + ms,
    sharpness,
    exposure: 0.8,
    faceQuality: 0.9,
    pixels: 12e6,
    people,
    background,
    bodies: [],
  });

  it('keeps the sharpest frame of a burst, marks the rest redundant with reasons, and picks a best shot', () => {
    const frames = [shot(0, 40), shot(400, 95), shot(800, 60)];
    const other = shot(60_000, 50, [3], jitter(kitchen, 0.05, random)); // a minute later elsewhere: not a burst frame
    const verdicts = judgeShots([...frames, other], P);
    const by = new Map(verdicts.map((v) => [v.contentId, v]));
    const keeper = by.get(frames[1]?.contentId as number);
    expect(keeper).toMatchObject({ best: true, redundant: false, burst: 0 });
    expect(keeper?.reasons[0]).toMatch(/^best shot of the series/);
    for (const f of [frames[0], frames[2]]) {
      const v = by.get(f?.contentId as number);
      expect(v?.redundant).toBe(true);
      expect(v?.reasons.join(' | ')).toMatch(
        /redundant: .* from the kept frame .*background similarity 0\.9\d\d.*sharpness 0\.\d\d vs 1\.00/,
      );
    }
    expect(by.get(other.contentId)).toMatchObject({ redundant: false, burst: null });
  });

  it('never marks redundant the only frame showing a person, nor frames of different scenes', () => {
    const frames = [shot(0, 90, [3]), shot(300, 40, [3, 4])];
    expect(judgeShots(frames, P).map((v) => v.redundant)).toEqual([false, false]);
    const scenes = [
      shot(0, 90, [3], jitter(beach, 0.05, random)),
      shot(300, 40, [3], jitter(kitchen, 0.05, random)),
    ];
    expect(judgeShots(scenes, P).map((v) => v.burst)).toEqual([null, null]);
  });
});
