import { describe, expect, it } from 'vitest';
import type { DeleteReason, DuplicateMember, GuardReason, ShotParts } from '../../src/common/contract/types';
import type { MessageKey, Translate } from './i18n';
import { DICTS } from './i18n';
import {
  deleteReasonText,
  engineMessageParts,
  groupSummaryText,
  guardReasonText,
  memberDiffText,
  seriesTitleText,
  shotReasonsText,
  shotReasonText,
} from './texts';

const t: Translate = (key: MessageKey, vars) =>
  DICTS.en[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? `{${name}}`));

describe('delete-plan wording', () => {
  it("names a guarded person by today's name and the series by its date, never by its stored title", () => {
    // What the engine stored when the series was grouped, before anyone was named.
    const because: GuardReason = {
      key: 'guard.lastOfPerson',
      params: {
        person: 'Person 7',
        series: 'Person 7, Person 4 +2 · Jun 12, 2021',
        personId: 7,
        seriesId: 3,
        seriesStart: Date.UTC(2021, 5, 12, 12),
      },
    };
    const text = guardReasonText(because, t, 'en-US', (id) => (id === 7 ? 'Alice' : undefined));
    expect(text).toBe('the last photo of Alice in their series of Jun 12, 2021');
    expect(text).not.toMatch(/Person \d/);
  });

  it('never cites a group number the UI does not show', () => {
    const dup: DeleteReason = {
      key: 'delete.duplicate',
      params: { kind: 'exact', keeper: '/photos/a/IMG_1.jpg', group: 31 },
    };
    expect(deleteReasonText(dup, t)).toBe('exact copy of IMG_1.jpg');
    expect(guardReasonText({ key: 'guard.lastCopy', params: { group: 31 } }, t, 'en-US')).not.toMatch(/31/);
  });

  it('explains series shots without internal ids', () => {
    const texts = [
      shotReasonText({ key: 'shot.redundant', params: { gapMs: 1200, kept: 172 } }, String, t),
      shotReasonText(
        {
          key: 'shot.nearIdentical',
          params: { from: 171, to: 172, gapMs: 800, background: 0.93, bodies: null },
        },
        String,
        t,
      ),
    ];
    for (const text of texts) expect(text).not.toMatch(/#\d|17[12]/);
    expect(texts[1]).toContain('93 %');
  });
});

describe('duplicate wording', () => {
  const member = (
    id: number,
    width: number,
    height: number,
    bytes: number,
    keep = false,
    format: 'jpeg' | 'png' = 'jpeg',
  ): DuplicateMember => ({
    id,
    path: `/p/${id}.jpg`,
    bytes,
    width,
    height,
    format,
    capturedAt: null,
    mtime: 0,
    keep,
    reasons: [],
    why: [],
  });
  const keeper = member(1, 1280, 800, 233_000, true);

  it('says how a copy differs from the kept one in words', () => {
    expect(memberDiffText(member(2, 640, 400, 71_000), keeper, t)).toBe('75 % smaller');
    // Fewer bytes alone is a smaller file; "re-compressed" needs the JPEG quality the engine read.
    expect(memberDiffText(member(3, 1280, 800, 72_000), keeper, t)).toBe('smaller file');
    const q40 = {
      ...member(3, 1280, 800, 72_000),
      why: [{ key: 'lose.quality' as const, params: { quality: 40, keeperQuality: 90 } }],
    };
    expect(memberDiffText(q40, keeper, t)).toBe('re-compressed (JPEG quality 40, kept copy 90)');
    expect(memberDiffText(member(4, 1280, 800, 900_000, false, 'png'), keeper, t)).toBe('saved as png');
    expect(memberDiffText(keeper, keeper, t)).toBeNull();
    // A measured edit is named instead of the byte count it changed.
    const grey = {
      ...member(5, 1280, 800, 170_000),
      why: [{ key: 'lose.edited' as const, params: { edits: ['grey' as const] } }],
    };
    expect(memberDiffText(grey, keeper, t)).toBe('made greyscale');
    const croppedSmaller = {
      ...member(6, 1216, 760, 198_000),
      why: [{ key: 'lose.edited' as const, params: { edits: ['crop' as const] } }],
    };
    expect(memberDiffText(croppedSmaller, keeper, t)).toBe('10 % smaller, cropped');
  });

  it('says why copies are one group without hash jargon', () => {
    const near = groupSummaryText(
      {
        kind: 'near',
        proof: [
          {
            key: 'evidence.pair',
            params: { a: 35, b: 283, transform: 'hflip', phash: 0, dhash: 0, blockhash: 0 },
          },
        ],
      },
      t,
    );
    expect(near).toBe('the same picture, one copy mirrored');
    expect(near).not.toMatch(/#|pHash/);
  });
});

describe('series titles', () => {
  const at = (h: number, m = 0): number => new Date(2021, 5, 12, h, m).getTime();
  it("tell series of plain photos apart by the cover's folder and the time of day", () => {
    const series = {
      title: 'Photos · 2021-06-12 · 8 photos',
      subject: { kind: 'photos' as const },
      people: [],
      start: at(14, 34),
      end: null,
      photoCount: 8,
    };
    const title = seriesTitleText(
      { ...series, cover: { path: '/home/a/Pictures/Beach trip/IMG_1.jpg' } },
      String,
      t,
      'en-US',
    );
    expect(title).toMatch(/^Photos in “Beach trip” · Jun 12, 2021, 2:34\sPM · 8 photos$/);
  });

  it('differ for two series of the same people on the same day (time range, folder)', () => {
    const morning = {
      title: 'x',
      subject: { kind: 'people' as const },
      people: [3, 4],
      start: at(9, 5),
      end: at(9, 40),
      photoCount: 8,
      cover: { path: '/p/Zoo/a.jpg' },
    };
    const evening = { ...morning, start: at(19, 0), end: at(19, 20) };
    const a = seriesTitleText(morning, (id) => (id === 3 ? 'Anna' : 'Raj'), t, 'en-US');
    const b = seriesTitleText(evening, (id) => (id === 3 ? 'Anna' : 'Raj'), t, 'en-US');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^Anna & Raj in “Zoo” · Jun 12, 2021, 9:05\s.\s9:40\sAM · 8 photos$/);
    // The day is said once.
    expect(a.match(/2021/g)?.length).toBe(1);
    const twoDays = seriesTitleText(
      { ...morning, end: new Date(2021, 5, 14, 10).getTime() },
      String,
      t,
      'en-US',
    );
    expect(twoDays).toMatch(/Jun 12\s.\s14, 2021 · 8 photos$/);
  });

  it('give no date to a series without a clock, and a subject to one whose people are gone', () => {
    const untimed = {
      title: 'x',
      subject: { kind: 'people' as const },
      people: [3],
      start: null,
      end: null,
      photoCount: 4,
    };
    expect(seriesTitleText(untimed, () => 'Anna', t, 'en-US')).toBe('Anna · 4 photos');
    expect(seriesTitleText({ ...untimed, people: [] }, () => 'Anna', t, 'en-US')).toBe(
      'Unknown people · 4 photos',
    );
    expect(
      seriesTitleText(
        {
          ...untimed,
          subject: { kind: 'unknown-people' },
          people: [],
          cover: { path: '/p/Street/IMG_7.jpg' },
        },
        String,
        t,
        'en-US',
      ),
    ).toBe('Unknown people in “Street” · cover IMG_7.jpg · 4 photos');
    // A long cover name keeps its end, which tells two covers of one shoot apart.
    const long = seriesTitleText(
      { ...untimed, cover: { path: '/p/df_WOMEN_Tees_Tanks_id_00000123_01_3_back.jpg' } },
      () => 'Anna',
      t,
      'en-US',
    );
    expect(long).toMatch(/^Anna in “p” · cover df_WOMEN_.*…[^·]*_3_back\.jpg · 4 photos$/);
  });
});

describe('series shots in words', () => {
  it('say what was measured, without scores', () => {
    const best = shotReasonText(
      { key: 'shot.best', params: { score: 0.94, parts: { sharpness: 1, exposure: 0.79, resolution: 1 } } },
      String,
      t,
    );
    expect(best).toBe('the best shot of the series: the sharpest, exposure fair, full size');
    // Face quality was not measured (no faces): nothing is said about faces or eyes.
    expect(best).not.toMatch(/face|eye|0\.9/);
  });

  it("say the best shot's strengths once when it is also the kept frame of a burst", () => {
    const parts = { sharpness: 1, exposure: 0.9 };
    const text = shotReasonsText(
      [
        { key: 'shot.best', params: { score: 0.9, parts } },
        { key: 'shot.burstKept', params: { frames: 3, score: 0.9, parts } },
      ],
      String,
      t,
    );
    expect(text).toBe(
      'the best shot of the series: the sharpest, well exposed; the best of 3 near-identical frames',
    );
  });

  it('compare a redundant shot with the kept one signal by signal', () => {
    const lower = (parts: ShotParts, keptParts: ShotParts): string =>
      shotReasonText(
        { key: 'shot.lowerScore', params: { score: 0.6, keptScore: 0.87, parts, keptParts } },
        String,
        t,
      );
    expect(lower({ sharpness: 0.6, exposure: 0.8 }, { sharpness: 1, exposure: 0.81 })).toBe(
      'not as good as the kept shot: less sharp',
    );
    expect(lower({ sharpness: 0.6, faceQuality: 0.9 }, { sharpness: 1, faceQuality: 0.5 })).toBe(
      'not as good as the kept shot: less sharp (though faces clearer)',
    );
    expect(lower({ sharpness: 0.87 }, { sharpness: 0.87 })).toBe(
      'as good as the kept shot by every measure; the earlier frame was kept',
    );
    expect(lower({ sharpness: 0.87 }, { sharpness: 0.87 })).not.toMatch(/0\.87|</);
  });
});

describe('engine errors', () => {
  const zh: Translate = (key: MessageKey, vars) =>
    DICTS.zh[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? `{${name}}`));
  it('are said by their code in Chinese, the English detail kept for the hover', () => {
    const parts = engineMessageParts('NOT_FOUND', 'Folder not found or not readable: /x', 'zh', zh);
    expect(parts.text).toBe('找不到。');
    expect(parts.text).not.toMatch(/[A-Za-z]/);
    expect(parts.detail).toBe('Folder not found or not readable: /x');
    expect(engineMessageParts('NOT_FOUND', 'Folder not found: /x', 'en', t)).toEqual({
      text: 'Not found. Folder not found: /x',
      detail: null,
    });
  });
});
