import { describe, expect, it } from 'vitest';
import { createRandom, jitter, randomUnitVector } from '../people/synthetic';
import { judgeShots, type Shot } from './best-shot';
import { describeSeries, type SeriesPhotoMeta } from './describe';
import {
  groupSeries,
  nameStem,
  shootingBreaks,
  untrustedFileTimes,
  type GroupedSeries,
  type SeriesPhoto,
} from './group';
import { cosineSimilarity } from './vectors';
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

  it('finds the pauses in the rhythm of shooting, not every longer gap', () => {
    const at = (seconds: number[]): Array<{ time: number }> => seconds.map((x) => ({ time: T0 + x * 1000 }));
    // Frames 20 s apart, a 4-minute change of look, frames again.
    expect(shootingBreaks(at([0, 20, 40, 60, 300, 320, 340]), P)).toEqual([0, 0, 0, 0, 1, 1, 1]);
    // A burst 3 s apart, then a frame a minute later: under the 2-minute floor, no pause.
    expect(shootingBreaks(at([0, 3, 6, 66, 126]), P)).toEqual([0, 0, 0, 0, 0]);
    // Frames 10 min apart all day: no rhythm to break.
    expect(shootingBreaks(at([0, 600, 1200, 1800, 2400]), P)).toEqual([0, 0, 0, 0, 0]);
  });

  it('keeps looks of a studio day apart: one wall, similar outfits, a pause between looks', () => {
    // Every photo on the same studio wall; the second look's outfit is close to the first (0.9).
    const wall = jitter(anyScene, 0.05, random);
    const lookA = redShirt;
    const lookB = jitter(redShirt, 0.35, random);
    expect(cosineSimilarity(lookA, lookB)).toBeGreaterThan(P.clothingSimilar);
    const day = (seconds: number, look: Float32Array, name: string): SeriesPhoto & SeriesPhotoMeta =>
      photo(seconds / 60, wall, [], {
        timeSource: 'mtime',
        bodies: [jitter(look, 0.05, random)],
        bodyPeople: [null],
        folder: '/studio',
        name,
      });
    const a = [0, 20, 40].map((x, i) => day(x, lookA, `IMG_00${i + 1}`));
    const b = [300, 320, 340].map((x, i) => day(x, lookB, `IMG_00${i + 4}`));
    const sets = groupSeries([...a, ...b], P).map((g) => g.contentIds);
    expect(sets).toEqual([a.map((x) => x.contentId), b.map((x) => x.contentId)]);
    // The same look id in the names carries a look across a pause (a second round of it).
    const again = [600, 620].map((x, i) => day(x, lookA, `look7_0${i + 3}`));
    const first = [0, 20].map((x, i) => day(x, lookA, `look7_0${i + 1}`));
    const merged = groupSeries([...first, ...again], P).map((g) => g.contentIds);
    expect(merged).toEqual([[...first, ...again].map((x) => x.contentId)]);
    expect(groupSeries([...first, ...again], P)[0]?.links.map((l) => l.kind)).toContain('name+clothing');
    // A party: a flurry, a lull, the same person on both sides of it in the same room. One series.
    const room = jitter(anyScene, 0.05, random);
    const party = [0, 10, 20, 30, 330, 340].map((x) => photo(x / 60, room, [9], { timeSource: 'mtime' }));
    expect(groupSeries(party, P).map((g) => g.contentIds)).toEqual([party.map((x) => x.contentId)]);
  });

  it('links the same people in the same clothes across a background change', () => {
    const outside = [0, 3].map((m) =>
      photo(m, beach, [5], { bodies: [jitter(redShirt, 0.1, random)], bodyPeople: [5] }),
    );
    const inside = [8, 12].map((m) =>
      photo(m, kitchen, [5], { bodies: [jitter(redShirt, 0.1, random)], bodyPeople: [5] }),
    );
    const [series] = groupSeries([...outside, ...inside], P);
    expect(series?.contentIds).toHaveLength(4);
    expect(series?.links.map((l) => l.kind)).toContain('people+clothing');
  });

  it('needs the same person in the same clothes: a similar outfit on someone else is no link', () => {
    // Persons 5 and 6 in both places; the red shirt is worn by 5 outside and by 6 inside.
    const blueShirt = randomUnitVector(32, random);
    const outside = [0, 3].map((m) =>
      photo(m, beach, [5, 6], {
        bodies: [jitter(redShirt, 0.1, random), jitter(blueShirt, 0.1, random)],
        bodyPeople: [5, 6],
      }),
    );
    const inside = [8, 12].map((m) =>
      photo(m, kitchen, [5, 6], {
        bodies: [jitter(blueShirt, 0.1, random), jitter(redShirt, 0.1, random)],
        bodyPeople: [5, 6],
      }),
    );
    const series = groupSeries([...outside, ...inside], P);
    expect(series.map((s) => s.contentIds)).toEqual([
      outside.map((p) => p.contentId),
      inside.map((p) => p.contentId),
    ]);
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

  it('picks a shot that shows a face as the best (the cover) when some do, and says so', () => {
    const front = { ...shot(0, 50, [3], jitter(kitchen, 0.05, random)), faceQuality: 0.3 };
    const back = { ...shot(120_000, 95, [3], jitter(beach, 0.05, random)), faceQuality: null };
    const verdicts = new Map(judgeShots([front, back], P).map((v) => [v.contentId, v]));
    // The sharp back view scores higher on what it has, but the view with the face is the picture.
    expect((verdicts.get(back.contentId)?.score ?? 0) > (verdicts.get(front.contentId)?.score ?? 0)).toBe(
      true,
    );
    expect(verdicts.get(front.contentId)?.best).toBe(true);
    expect(verdicts.get(front.contentId)?.reasons[0]).toMatch(
      /^best shot of the series among those showing a face/,
    );
    expect(verdicts.get(back.contentId)?.best).toBe(false);
    // All faceless, or all with faces: the plain best, said plainly.
    const plain = judgeShots([{ ...front, faceQuality: null }, back], P);
    expect(plain.find((v) => v.best)?.contentId).toBe(back.contentId);
    expect(plain.find((v) => v.best)?.reasons[0]).toMatch(/^best shot of the series: /);
  });

  it('never makes a redundant burst frame the best shot, even when only it shows a face', () => {
    const scene = jitter(beach, 0.01, random);
    // Two frames 300 ms apart: the sharper one keeps the burst; only the other shows the face.
    const sharp = { ...shot(0, 95, [3], scene), faceQuality: null };
    const withFace = { ...shot(300, 40, [3], scene), faceQuality: 0.8 };
    const verdicts = new Map(judgeShots([sharp, withFace], P).map((v) => [v.contentId, v]));
    const faced = verdicts.get(withFace.contentId);
    expect(faced?.redundant && faced.best).toBe(false);
    expect([...verdicts.values()].filter((v) => v.best)).toHaveLength(1);
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

describe('series without a clock (file dates of one copy)', () => {
  const untimed = (
    name: string,
    bodies: Float32Array[],
    extra: Partial<SeriesPhoto & SeriesPhotoMeta> = {},
  ): SeriesPhoto & SeriesPhotoMeta => ({
    ...photo(0, null, [], {
      timeSource: 'mtime',
      timeKnown: false,
      folder: '/shoot',
      name,
      bodies,
      figures: bodies.length,
    }),
    ...extra,
  });
  const outfitA = randomUnitVector(32, random);
  const outfitB = randomUnitVector(32, random);

  it('tells a copy batch from photos whose file dates are spread like a camera roll', () => {
    const batch = Array.from({ length: 12 }, (_, i) => ({
      contentId: i + 1,
      time: T0 + i * 3_000,
      timeSource: 'mtime' as const,
    }));
    const roll = Array.from({ length: 12 }, (_, i) => ({
      contentId: 100 + i,
      time: T0 + 86_400_000 + i * 10 * MIN,
      timeSource: 'mtime' as const,
    }));
    const exif = Array.from({ length: 12 }, (_, i) => ({
      contentId: 200 + i,
      time: T0 + i * 1_000,
      timeSource: 'exif' as const,
    }));
    const unknown = untrustedFileTimes([...batch, ...roll, ...exif], P);
    expect([...unknown].sort((a, b) => a - b)).toEqual(batch.map((b) => b.contentId));
  });

  it('finds the stem of a look or product id, never of a plain counter', () => {
    expect(nameStem('df_WOMEN_Dresses_id_00007132_04_2_side')).toBe('df_WOMEN_Dresses_id_00007132_04_');
    expect(nameStem('look3_07')).toBe('look3_');
    expect(nameStem('IMG_0042')).toBe('');
    expect(nameStem('bbt3')).toBe('');
    expect(nameStem('holiday')).toBe('');
  });

  it('follows file-name order and cuts where the clothes change', () => {
    const a = ['look1_01_front', 'look1_02_side', 'look1_03_back'].map((n) =>
      untimed(n, [jitter(outfitA, 0.1, random)]),
    );
    const b = ['look2_01_front', 'look2_02_back'].map((n) => untimed(n, [jitter(outfitB, 0.1, random)]));
    const series = groupSeries([...b, ...a], P); // given out of order: the names order them
    expect(series.map((s) => s.contentIds)).toEqual([a.map((p) => p.contentId), b.map((p) => p.contentId)]);
    const description = describeSeries(
      series[0] as GroupedSeries,
      new Map([...a, ...b].map((p) => [p.contentId, p])),
      new Map(),
      P,
    );
    expect(description.reasons.timeSource.unknown).toBe(3);
    expect(description.explanation[0]).toMatch(/^3 photos without a usable time/);
    expect(description.explanation.join(' ')).not.toMatch(/ over |apart/);
  });

  it('links by a shared specific stem at a lower clothing bar, never by a plain counter', () => {
    // Similar but not identical outfits (two views of one look): ~0.8 alike.
    const front = jitter(outfitA, 0.55, random);
    const back = jitter(outfitA, 0.55, random);
    const sim = cosineSimilarity(front, back);
    expect(sim).toBeGreaterThan(P.clothingWithName);
    expect(sim).toBeLessThan(P.clothingAlone);
    expect(groupSeries([untimed('look7_1_front', [front]), untimed('look7_2_back', [back])], P)).toHaveLength(
      1,
    );
    expect(groupSeries([untimed('IMG_0001', [front]), untimed('IMG_0002', [back])], P)).toHaveLength(0);
  });

  it('never links photos of two known different people, nor two group photos by some similar outfit', () => {
    const same = jitter(outfitA, 0.02, random);
    expect(
      groupSeries(
        [
          untimed('look1_1', [same], { people: [1], bodyPeople: [1] }),
          untimed('look1_2', [same], { people: [2], bodyPeople: [2] }),
        ],
        P,
      ),
    ).toHaveLength(0);
    const crowd = (n: string): SeriesPhoto & SeriesPhotoMeta =>
      untimed(n, [same, randomUnitVector(32, random)]);
    expect(groupSeries([crowd('party_1'), crowd('party_2')], P)).toHaveLength(0);
  });

  it('links on a background only when it is not common in the library', () => {
    const studio = jitter(anyScene, 0.01, random);
    const shot = (n: string, commonness: number): SeriesPhoto & SeriesPhotoMeta =>
      untimed(n, [], { background: studio, backgroundCommonness: commonness });
    expect(groupSeries([shot('a_1', 0.9999), shot('a_2', 0.9999)], P)).toHaveLength(0);
    expect(groupSeries([shot('a_1', 0.9), shot('a_2', 0.9)], P)).toHaveLength(1);
  });
});

describe('best shots without a clock', () => {
  it('marks no frame redundant by "ms apart" when the times are a copy\'s file dates', () => {
    const scene = jitter(anyScene, 0.01, random);
    const shot = (id: number, timeKnown: boolean): Shot => ({
      contentId: id,
      time: T0 + id,
      timeKnown,
      sharpness: id,
      exposure: 1,
      faceQuality: null,
      pixels: 100,
      people: [],
      background: scene,
      bodies: [],
    });
    expect(judgeShots([shot(1, true), shot(2, true)], P).filter((v) => v.redundant)).toHaveLength(1);
    expect(judgeShots([shot(1, false), shot(2, false)], P).filter((v) => v.redundant)).toHaveLength(0);
  });
});
