/**
 * Which members of a duplicate group are edits of the others, measured against the group: an
 * added frame, a crop, an overlay (caption bar, banner), tone or saturation moved away from what
 * the other copies agree on, grey, blur. Every flag is a measurement a person could check; a
 * group of two that disagree (original and brightened copy) gives no tone flag to either, since
 * there is no consensus to depart from.
 */
import type { EditHint } from '../contract/types';
import { measureContent, type ContentSignature } from './content';
import type { DihedralTransform } from './dihedral';

export interface EditMember {
  id: number;
  content?: ContentSignature | undefined;
  /** Variance of the Laplacian on the ~320 px preview (scan's quality signal), when known. */
  sharpness?: number | null;
}

export interface EditPair {
  a: number;
  b: number;
  /** b looks like transform(a). */
  transform: DihedralTransform;
}

/** A frame thinner than this (of a side, per side) is not counted: JPEG edges, scanner margins. */
const BORDER_MIN = 0.015;
/** Tone: mid-dark or mid-light grey moved by more than this many levels. */
const TONE_SHIFT = 14;
/** Saturation: mean chroma changed by more than this factor. */
const SATURATION_RATIO = 1.3;
/** Grey: mean chroma below this while the group's median is above COLOUR. */
const GREY = 2.5;
const COLOUR = 6;
/** Blur: preview sharpness below this share of the group's median. */
const BLUR_RATIO = 0.55;
/** Crop: covers less than this share of the other's area (both axes together). */
const CROP_AREA = 0.9;
/** Most pairs a group's analysis looks at (groups of hundreds are bursts, not edits). */
const MAX_PAIRS = 300;

export function findEdits(
  members: readonly EditMember[],
  pairs: readonly EditPair[],
): Map<number, EditHint[]> {
  const out = new Map<number, EditHint[]>(members.map((m) => [m.id, []]));
  const flag = (id: number, hint: EditHint): void => {
    const list = out.get(id);
    if (list && !list.includes(hint)) list.push(hint);
  };
  if (members.length < 2) return out;
  const byId = new Map(members.map((m) => [m.id, m]));

  const framed = members.filter((m) => m.content && Math.max(...m.content.border) / 255 >= BORDER_MIN);
  // A frame is an edit only when some copy lacks it (an original with a frame has it everywhere).
  if (framed.length < members.filter((m) => m.content).length) for (const m of framed) flag(m.id, 'border');

  const chroma = new Map(members.flatMap((m) => (m.content ? [[m.id, meanChroma(m.content)] as const] : [])));
  const medianChroma = median([...chroma.values()]);
  for (const [id, c] of chroma) if (c < GREY && medianChroma >= COLOUR) flag(id, 'grey');

  const sharp = members.flatMap((m) =>
    m.sharpness != null && m.sharpness > 0 ? [[m.id, m.sharpness] as const] : [],
  );
  const medianSharp = median(sharp.map(([, s]) => s));
  for (const [id, s] of sharp) if (sharp.length >= 3 && s < BLUR_RATIO * medianSharp) flag(id, 'blur');

  // Per member: how its tone and saturation relate to each partner, and whether a partner sees it cropped.
  const toneVotes = new Map<number, boolean[]>();
  const satVotes = new Map<number, boolean[]>();
  const overlayVotes = new Map<number, boolean[]>();
  const cropVotes = new Map<number, boolean[]>();
  for (const p of pairs.slice(0, MAX_PAIRS)) {
    const a = byId.get(p.a)?.content;
    const b = byId.get(p.b)?.content;
    if (!a || !b) continue;
    const m = measureContent(a, b, p.transform, 0.7);
    if (m.flat || m.agreement < 0.85) continue;
    const area = m.sx * m.sy;
    push(cropVotes, p.b, area < CROP_AREA);
    push(cropVotes, p.a, 1 / area < CROP_AREA);
    // b ≈ gain·a + offset: how far that moves dark-mid and light-mid greys.
    const shift = Math.max(Math.abs(m.gain * 64 + m.offset - 64), Math.abs(m.gain * 192 + m.offset - 192));
    push(toneVotes, p.a, shift > TONE_SHIFT);
    push(toneVotes, p.b, shift > TONE_SHIFT);
    push(overlayVotes, p.a, m.overlay);
    push(overlayVotes, p.b, m.overlay);
    const ca = chroma.get(p.a) ?? 0;
    const cb = chroma.get(p.b) ?? 0;
    if (ca >= COLOUR && cb >= COLOUR) {
      const ratio = Math.max(ca, cb) / Math.min(ca, cb);
      push(satVotes, p.a, ratio > SATURATION_RATIO);
      push(satVotes, p.b, ratio > SATURATION_RATIO);
    }
  }
  // A member departs from the consensus when it differs from most of its partners; the copies
  // that share the original tone differ only from the edited one.
  for (const [id, votes] of toneVotes) if (majority(votes)) flag(id, 'tone');
  for (const [id, votes] of satVotes)
    if (majority(votes) && !out.get(id)?.includes('grey')) flag(id, 'saturation');
  for (const [id, votes] of overlayVotes) if (majority(votes)) flag(id, 'overlay');
  // A crop covers less than most of its partners; in a pair, the smaller view is the crop.
  for (const [id, votes] of cropVotes)
    if (majority(votes) || (votes.length === 1 && votes[0])) flag(id, 'crop');
  return out;
}

/** Differs from more than half of its partners, and from at least two. */
function majority(votes: boolean[]): boolean {
  const yes = votes.filter(Boolean).length;
  return yes >= 2 && yes * 2 > votes.length;
}

function push(map: Map<number, boolean[]>, id: number, v: boolean): void {
  const list = map.get(id);
  if (list) list.push(v);
  else map.set(id, [v]);
}

function meanChroma(c: ContentSignature): number {
  let s = 0;
  for (let i = 0; i < c.cb.length; i++) s += Math.hypot((c.cb[i] ?? 128) - 128, (c.cr[i] ?? 128) - 128);
  return s / c.cb.length;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
