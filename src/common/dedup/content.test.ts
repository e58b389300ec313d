import { describe, expect, it } from 'vitest';
import {
  contentSignature,
  measureContent,
  uniformBorder,
  verifyContent,
  verifyTilt,
  type ContentSignature,
} from './content';

const SIZE = 64;
const DEFAULT = { agreement: 0.85, hue: 0.6, minScale: 0.87 };

/** A size×size RGB float thumbnail from a function of normalised coordinates. */
function thumb(f: (u: number, v: number) => [number, number, number]): Float64Array {
  const out = new Float64Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) out.set(f((x + 0.5) / SIZE, (y + 0.5) / SIZE), (y * SIZE + x) * 3);
  return out;
}

/** A textured scene: blobs of colour and stripes; `seed` picks another scene. */
function scene(seed: number): (u: number, v: number) => [number, number, number] {
  return (u, v) => {
    const a = Math.sin(u * (9 + seed) + seed) * Math.cos(v * (7 + 2 * seed) - seed);
    const b = Math.sin((u + v) * (13 + seed * 3));
    const l = 128 + 70 * a + 40 * b;
    return [l + 30 * Math.sin(u * 5 + seed), l, l - 30 * Math.cos(v * 4 + seed)];
  };
}

const sig = (f: (u: number, v: number) => [number, number, number]): ContentSignature =>
  contentSignature(thumb(f), SIZE, [0, 0, 0, 0]);

describe('content verification', () => {
  it('accepts the same picture after a tone change, and a 10 % crop when the search may crop', () => {
    const original = sig(scene(1));
    const brighter = sig((u, v) => scene(1)(u, v).map((c) => 1.2 * c + 10) as [number, number, number]);
    expect(verifyContent(original, brighter, 'identity')?.agreement).toBeGreaterThan(0.9);
    // B shows the window [0.1, 0.95] × [0.05, 0.9] of A.
    const cropped = sig((u, v) => scene(1)(0.1 + 0.85 * u, 0.05 + 0.85 * v));
    const m = measureContent(original, cropped, 'identity', 0.7);
    expect(m.agreement).toBeGreaterThan(0.9);
    expect(m.sx).toBeCloseTo(0.85, 1);
    expect(m.ox).toBeCloseTo(0.1, 1);
  });

  it('accepts a copy with a caption bar over the bottom 18 %', () => {
    const captioned = sig((u, v) =>
      v > 0.82
        ? ((Math.floor(u * 40) % 3 === 0 && v > 0.88 && v < 0.95 ? [250, 250, 250] : [15, 15, 15]) as [
            number,
            number,
            number,
          ])
        : scene(2)(u, v),
    );
    expect(verifyContent(sig(scene(2)), captioned, 'identity')).not.toBeNull();
  });

  it('rejects a different picture with the same layout and background', () => {
    // Two "people" (textured columns) at different places on one white wall.
    const person =
      (centre: number, seed: number) =>
      (u: number, v: number): [number, number, number] =>
        Math.abs(u - centre) < 0.12 && v > 0.1 ? scene(seed)(u, v) : [245, 245, 245];
    expect(verifyContent(sig(person(0.45, 3)), sig(person(0.55, 4)), 'identity')).toBeNull();
    expect(verifyContent(sig(scene(3)), sig(scene(5)), 'identity')).toBeNull();
  });

  it('leaves out a white caption bar whatever it does to the tone map of the whole frame', () => {
    // A bright bar over 21 % drags a least-squares fit so far that only a fit without the band shows
    // that the rest agrees (measured 0.67 before each band got its own fit).
    const captioned = sig((u, v) => (v > 0.79 ? [255, 255, 255] : scene(6)(u, v)));
    for (const [a, b] of [
      [sig(scene(6)), captioned],
      [captioned, sig(scene(6))],
    ] as const) {
      const m = verifyContent(a, b, 'identity');
      expect(m?.agreement).toBeGreaterThan(0.9);
      expect(m?.leftOut).not.toBeNull();
    }
  });

  it('verifies a tilt match on the turned probe box', () => {
    // B samples A turned by 30° about the centre (aspect 1): B's box turned by −30° shows A's box.
    const turned =
      (f: (u: number, v: number) => [number, number, number], degrees: number) =>
      (u: number, v: number): [number, number, number] => {
        const t = (degrees * Math.PI) / 180;
        const x = u - 0.5;
        const y = v - 0.5;
        return f(0.5 + Math.cos(t) * x - Math.sin(t) * y, 0.5 + Math.sin(t) * x + Math.cos(t) * y);
      };
    const a = sig(scene(8));
    const b = sig(turned(scene(8), 30));
    expect(verifyTilt(b, a, -30, false, { ...DEFAULT, agreement: 0.93 })?.agreement ?? 0).toBeGreaterThan(
      0.93,
    );
    expect(verifyTilt(b, a, 30, false, { ...DEFAULT, agreement: 0.93 })).toBeNull();
    expect(verifyTilt(sig(turned(scene(9), 30)), a, -30, false, { ...DEFAULT, agreement: 0.93 })).toBeNull();
  });

  it('tells flat images apart by colour only', () => {
    const red = sig(() => [220, 20, 30]);
    const blue = sig(() => [20, 30, 220]);
    const white = sig(() => [255, 255, 255]);
    expect(verifyContent(red, blue, 'identity')).toBeNull();
    expect(verifyContent(red, white, 'identity')).toBeNull();
    expect(
      verifyContent(
        red,
        sig(() => [222, 21, 29]),
        'identity',
      )?.flat,
    ).toBe(true);
    // A flat image and a striped one are never the same picture.
    expect(
      verifyContent(
        white,
        sig((u) => (Math.floor(u * 16) % 2 ? [0, 0, 0] : [255, 255, 255])),
        'identity',
      ),
    ).toBeNull();
  });
});

describe('uniformBorder', () => {
  const framed = (w: number, h: number, b: number, colour: number): Uint8Array => {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const inside = x >= b && x < w - b && y >= b && y < h - b;
        data.fill(inside ? (x * 7 + y * 13) % 256 : colour, (y * w + x) * 3, (y * w + x) * 3 + 3);
      }
    return data;
  };

  it('trims only the width of the frame when the background beyond it has the frame colour', () => {
    // A white frame of 4 px around a picture whose own white margin is 1 px at the top, none at
    // the bottom and 12 px at the sides: only the 4 px all sides share are trimmed.
    const w = 100;
    const h = 80;
    const data = new Uint8Array(w * h * 3).fill(255);
    for (let y = 4 + 1; y < h - 4; y++)
      for (let x = 4 + 12; x < w - 4 - 12; x++)
        data.fill((x * 7 + y * 13) % 200, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const [top, right, bottom, left] = uniformBorder(data, w, h, 3);
    expect(top * h).toBeCloseTo(4, 5);
    expect(bottom * h).toBeCloseTo(4, 5);
    expect(left * w).toBeCloseTo(4, 5);
    expect(right * w).toBeCloseTo(4, 5);
  });

  it('measures a frame on all four sides', () => {
    const [top, right, bottom, left] = uniformBorder(framed(100, 80, 5, 255), 100, 80, 3);
    expect(top).toBeCloseTo(5 / 80, 2);
    expect(bottom).toBeCloseTo(5 / 80, 2);
    expect(left).toBeCloseTo(5 / 100, 2);
    expect(right).toBeCloseTo(5 / 100, 2);
  });

  it('leaves unframed and flat images alone', () => {
    expect(uniformBorder(framed(100, 80, 0, 255), 100, 80, 3)).toEqual([0, 0, 0, 0]);
    expect(uniformBorder(new Uint8Array(100 * 80 * 3).fill(200), 100, 80, 3)).toEqual([0, 0, 0, 0]);
  });
});
