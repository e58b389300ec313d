import { describe, expect, it } from 'vitest';
import {
  derivedHintEnglish,
  derivedNameHint,
  englishReason,
  suggestKeeper,
  type KeeperCandidate,
} from './keeper';

const DAY = 86_400_000;
function candidate(over: Partial<KeeperCandidate> & { id: number }): KeeperCandidate {
  return {
    path: `/photos/img${over.id}.jpg`,
    bytes: 2_000_000,
    width: 4000,
    height: 3000,
    format: 'jpeg',
    exifFieldCount: 20,
    capturedAt: null,
    mtime: 1_600_000_000_000,
    ...over,
  };
}

describe('suggestKeeper', () => {
  it('prefers the highest resolution and says so', () => {
    const result = suggestKeeper([
      candidate({ id: 1, width: 1600, height: 1200, bytes: 9_000_000 }),
      candidate({ id: 2 }),
    ]);
    expect(result.keeperId).toBe(2);
    expect(result.ranked[0]).toEqual({
      id: 2,
      keep: true,
      reasons: ['highest resolution (4000×3000)'],
      why: [{ key: 'keep.resolution', params: { width: 4000, height: 3000 } }],
    });
    expect(result.ranked[1]).toEqual({
      id: 1,
      keep: false,
      reasons: ['lower resolution than keeper (1600×1200 vs 4000×3000)'],
      why: [
        {
          key: 'lose.resolution',
          params: { width: 1600, height: 1200, keeperWidth: 4000, keeperHeight: 3000 },
        },
      ],
    });
    // The English texts are made from the keys and parameters, nothing else.
    for (const r of result.ranked) expect(r.why.map(englishReason)).toEqual(r.reasons);
  });

  it('ranks formats RAW > HEIC/PNG/TIFF > WebP/JPEG at equal pixels, before file size', () => {
    const result = suggestKeeper([
      candidate({ id: 1, format: 'jpeg', bytes: 30_000_000 }),
      candidate({ id: 2, format: 'webp' }),
      candidate({ id: 3, format: 'heic', bytes: 1_000_000 }),
      candidate({ id: 4, format: 'raw', bytes: 500_000 }),
    ]);
    expect(result.ranked.map((r) => r.id)).toEqual([4, 3, 1, 2]);
    expect(result.ranked[0]?.reasons).toContain('best format (RAW original)');
    expect(result.ranked[1]?.reasons[0]).toMatch(/lower-quality format than keeper \(HEIC vs RAW original\)/);
    expect(result.ranked.filter((r) => r.keep)).toHaveLength(1);
  });

  it('prefers the larger file at equal pixels and format (less compression)', () => {
    const result = suggestKeeper([
      candidate({ id: 1, bytes: 800_000 }),
      candidate({ id: 2, bytes: 3_500_000 }),
    ]);
    expect(result.keeperId).toBe(2);
    expect(result.ranked[0]?.reasons).toEqual(['largest file at this resolution (3.3 MB: least compressed)']);
    expect(result.ranked[1]?.reasons[0]).toMatch(/smaller file than keeper \(781 KB vs 3.3 MB/);
  });

  it('then richer EXIF, then originals over copies and edits', () => {
    const exif = suggestKeeper([
      candidate({ id: 1, exifFieldCount: 5 }),
      candidate({ id: 2, exifFieldCount: 34 }),
    ]);
    expect(exif.ranked[0]?.reasons).toEqual(['richest metadata (34 EXIF fields)']);
    const derived = suggestKeeper([
      candidate({ id: 1, path: '/photos/IMG_1 copy.jpg' }),
      candidate({ id: 2, path: '/photos/IMG_1.jpg', mtime: 1_700_000_000_000 }),
    ]);
    expect(derived.keeperId).toBe(2);
    expect(derived.ranked[0]?.reasons).toContain('name does not look like a copy (others do)');
    expect(derived.ranked[1]?.reasons[0]).toBe('looks derived (name has "copy") while keeper looks original');
    const marked = suggestKeeper([candidate({ id: 1, isDerived: true }), candidate({ id: 2 })]);
    expect(marked.keeperId).toBe(2);
  });

  it('then the preferred folder, then the oldest, then the path', () => {
    const folder = suggestKeeper(
      [
        candidate({ id: 1, path: '/inbox/a.jpg' }),
        candidate({ id: 2, path: '/archive/a.jpg', mtime: 1_700_000_000_000 }),
      ],
      {
        preferredFolders: ['/archive/'],
      },
    );
    expect(folder.keeperId).toBe(2);
    expect(folder.ranked[0]?.reasons).toContain('in preferred folder /archive');
    expect(folder.ranked[1]?.reasons).toEqual(['not in a preferred folder (keeper is in /archive)']);

    const oldest = suggestKeeper([
      candidate({ id: 1, capturedAt: Date.UTC(2021, 0, 2) }),
      candidate({ id: 2, capturedAt: Date.UTC(2021, 0, 1), mtime: Date.UTC(2024, 0, 1) }),
    ]);
    expect(oldest.keeperId).toBe(2);
    expect(oldest.ranked[0]?.reasons).toEqual(['oldest (2021-01-01)']);

    const tie = suggestKeeper([candidate({ id: 9, path: '/b.jpg' }), candidate({ id: 3, path: '/a.jpg' })]);
    expect(tie.keeperId).toBe(3);
    expect(tie.ranked[0]?.reasons).toEqual(['equal on every criterion; first by path']);
    expect(tie.ranked[1]?.reasons).toEqual(['equal to keeper on every criterion; path sorts after keeper']);
  });

  it('keeps the unedited copy first of all, naming the edits measured on the others', () => {
    // The edited copy has more pixels (an added border) and more metadata: the edit still decides.
    const result = suggestKeeper([
      candidate({ id: 1, width: 4400, height: 3400, exifFieldCount: 40, edits: ['border'] }),
      candidate({ id: 2, edits: [] }),
      candidate({ id: 3, edits: ['tone', 'saturation'] }),
    ]);
    expect(result.keeperId).toBe(2);
    expect(result.ranked[0]?.why[0]).toEqual({
      key: 'keep.unedited',
      params: { edits: ['border', 'tone', 'saturation'] },
    });
    expect(result.ranked[0]?.reasons[0]).toBe(
      'not edited (other copies have: added border, brightness/contrast changed, saturation changed)',
    );
    expect(result.ranked.find((r) => r.id === 3)?.reasons[0]).toBe(
      'edited copy: brightness/contrast changed, saturation changed',
    );
  });

  it('sees an upscaled copy by its bytes at the same size and JPEG quality, not by its pixel count', () => {
    const result = suggestKeeper([
      candidate({ id: 1, bytes: 700_000, jpegQuality: 92 }),
      candidate({ id: 2, bytes: 1_900_000, jpegQuality: 91 }),
    ]);
    expect(result.keeperId).toBe(2);
    expect(result.ranked[0]?.reasons[0]).toBe(
      'most real detail at this size (1.8 MB at the same JPEG quality)',
    );
    expect(result.ranked[1]?.why[0]?.key).toBe('lose.detail');
    // At another quality the bytes say nothing about detail: the quality decides instead.
    const recompressed = suggestKeeper([
      candidate({ id: 1, bytes: 700_000, jpegQuality: 55 }),
      candidate({ id: 2, bytes: 1_900_000, jpegQuality: 92 }),
    ]);
    expect(recompressed.ranked[0]?.reasons).toEqual(['highest JPEG quality (92)']);
    expect(recompressed.ranked[1]?.reasons).toEqual(['lower JPEG quality than keeper (55 vs 92)']);
  });

  it('prefers camera metadata, and a JPEG with it over its lossless PNG copy', () => {
    const result = suggestKeeper([
      candidate({ id: 1, format: 'png', bytes: 9_000_000, exifFieldCount: 0, path: '/photos/a.png' }),
      candidate({ id: 2, capturedAt: Date.UTC(2019, 5, 10), camera: 'Canon EOS 80D', path: '/photos/b.jpg' }),
    ]);
    expect(result.keeperId).toBe(2);
    expect(result.ranked[0]?.reasons[0]).toBe('camera metadata (Canon EOS 80D, taken 2019-06-10)');
    expect(result.ranked[1]?.reasons).toEqual(['no camera metadata while keeper has it']);
  });

  it('never claims "oldest" from file times of copies made together, nor a larger file at a known equal quality', () => {
    const together = suggestKeeper([
      candidate({ id: 1, mtime: 1_600_000_030_000, path: '/a.jpg' }),
      candidate({ id: 2, mtime: 1_600_000_000_000, path: '/b.jpg' }),
    ]);
    expect(together.keeperId).toBe(1);
    expect(together.ranked[0]?.reasons).toEqual(['equal on every criterion; first by path']);
    const apart = suggestKeeper([
      candidate({ id: 1, mtime: 1_600_000_000_000 + DAY, path: '/a.jpg' }),
      candidate({ id: 2, mtime: 1_600_000_000_000, path: '/b.jpg' }),
    ]);
    expect(apart.keeperId).toBe(2);
    const sameQuality = suggestKeeper([
      candidate({ id: 1, bytes: 2_100_000, jpegQuality: 92, path: '/b.jpg' }),
      candidate({ id: 2, bytes: 2_000_000, jpegQuality: 92, path: '/a.jpg' }),
    ]);
    expect(sameQuality.ranked[0]?.why.map((w) => w.key)).not.toContain('keep.size');
  });

  it('applies the criteria in order: resolution beats format and metadata', () => {
    const result = suggestKeeper([
      candidate({ id: 1, format: 'raw', width: 3000, height: 2000, exifFieldCount: 80, capturedAt: 0 }),
      candidate({ id: 2, format: 'jpeg', width: 6000, height: 4000, exifFieldCount: 3, mtime: Date.now() }),
    ]);
    expect(result.keeperId).toBe(2);
  });

  it('is deterministic whatever the input order', () => {
    const cs = [
      candidate({ id: 1 }),
      candidate({ id: 2, bytes: 10 }),
      candidate({ id: 3, path: '/photos/x (1).jpg' }),
      candidate({ id: 4, mtime: 1_600_000_000_000 - DAY }),
    ];
    const a = suggestKeeper(cs);
    const b = suggestKeeper([...cs].reverse());
    expect(b).toEqual(a);
    expect(a.ranked.map((r) => r.id)).toEqual([4, 1, 3, 2]);
  });

  it('rejects empty input and duplicate ids', () => {
    expect(() => suggestKeeper([])).toThrow(/at least one candidate/);
    expect(() => suggestKeeper([candidate({ id: 1 }), candidate({ id: 1 })])).toThrow(
      /unique candidate ids but received 1 twice/,
    );
  });
});

describe('derivedNameHint', () => {
  it.each([
    ['/a/IMG_0001 copy.jpg', '"copy"'],
    ['/a/IMG_0001 - Copy.jpg', '"copy"'],
    ['/a/Copy of beach.png', '"Copy of"'],
    ['/a/beach (1).jpg', 'a "(n)" suffix'],
    ['/a/beach-edited.jpg', '"edited"'],
    ['/a/beach_resized.jpg', 'a resize suffix'],
    ['/a/beach_1920x1080.jpg', 'a size suffix'],
  ])('recognises %s', (path, what) => {
    expect(derivedHintEnglish(derivedNameHint(path) ?? 'marked')).toBe(`name has ${what}`);
  });

  it.each(['/a/IMG_0001.jpg', '/copy/beach.jpg', '/a/copyright.jpg', '/a/2019.jpg'])(
    'leaves %s alone',
    (path) => {
      expect(derivedNameHint(path)).toBeNull();
    },
  );
});
