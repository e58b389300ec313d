import { describe, expect, it } from 'vitest';
import { contentSignature, type ContentSignature } from './content';
import { findEdits, type EditMember } from './edits';

const SIZE = 64;
type Pixel = [number, number, number];
const scene = (u: number, v: number): Pixel => {
  const l = 120 + 60 * Math.sin(u * 11) * Math.cos(v * 9) + 30 * Math.sin((u + v) * 17);
  return [l + 40 * Math.sin(u * 4), l, l - 40 * Math.cos(v * 3)];
};
function sig(
  f: (u: number, v: number) => Pixel,
  border: [number, number, number, number] = [0, 0, 0, 0],
): ContentSignature {
  const out = new Float64Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++)
      out.set(
        f((x + 0.5) / SIZE, (y + 0.5) / SIZE).map((c) => Math.max(0, Math.min(255, c))),
        (y * SIZE + x) * 3,
      );
  return contentSignature(out, SIZE, border);
}

/** Original, two plain copies and the edit under test; every pair matched as identity. */
function editsWith(edit: EditMember, extra: Partial<EditMember> = {}): Map<number, string[]> {
  const members: EditMember[] = [
    { id: 1, content: sig(scene), sharpness: 100, ...extra },
    { id: 2, content: sig(scene), sharpness: 100 },
    { id: 3, content: sig(scene), sharpness: 100 },
    edit,
  ];
  const pairs = members.flatMap((a, i) =>
    members.slice(i + 1).map((b) => ({ a: a.id, b: b.id, transform: 'identity' as const })),
  );
  return findEdits(members, pairs);
}

describe('findEdits', () => {
  it('flags each kind of edit on the edited copy only', () => {
    const cases: Array<[string, EditMember]> = [
      ['border', { id: 4, content: sig(scene, [0.05, 0.05, 0.05, 0.05]) }],
      ['tone', { id: 4, content: sig((u, v) => scene(u, v).map((c) => c * 1.3 + 25) as Pixel) }],
      [
        'saturation',
        {
          id: 4,
          content: sig((u, v) => {
            const p = scene(u, v);
            const m = (p[0] + p[1] + p[2]) / 3;
            return p.map((c) => m + 1.8 * (c - m)) as Pixel;
          }),
        },
      ],
      [
        'grey',
        {
          id: 4,
          content: sig((u, v) => {
            const p = scene(u, v);
            const l = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
            return [l, l, l];
          }),
        },
      ],
      ['blur', { id: 4, content: sig(scene), sharpness: 30 }],
      ['crop', { id: 4, content: sig((u, v) => scene(0.1 + 0.82 * u, 0.08 + 0.84 * v)) }],
      [
        'overlay',
        {
          id: 4,
          content: sig((u, v) =>
            v > 0.82
              ? ((Math.floor(u * 30) % 2 && v > 0.87 && v < 0.95 ? [255, 255, 255] : [10, 10, 10]) as Pixel)
              : scene(u, v),
          ),
        },
      ],
    ];
    for (const [kind, member] of cases) {
      const found = editsWith({ sharpness: 100, ...member });
      expect(found.get(4), kind).toContain(kind);
      for (const id of [1, 2, 3]) expect(found.get(id), `${kind}: copy ${id}`).toEqual([]);
    }
  });

  it('claims no tone edit in a pair that merely disagrees (no consensus to depart from)', () => {
    const found = findEdits(
      [
        { id: 1, content: sig(scene) },
        { id: 2, content: sig((u, v) => scene(u, v).map((c) => c + 40) as Pixel) },
      ],
      [{ a: 1, b: 2, transform: 'identity' }],
    );
    expect(found.get(1)).toEqual([]);
    expect(found.get(2)).toEqual([]);
  });
});
