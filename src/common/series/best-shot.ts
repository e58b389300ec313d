/**
 * Best shot and redundant burst frames within one series. Each shot gets a score from sharpness,
 * exposure, face quality and resolution (only the signals that are known count; weights are
 * renormalised). Near-identical consecutive frames (close in time AND very similar background and
 * bodies AND the same people) form a burst; its best frame is kept and the others are marked
 * redundant, never one that shows a person the kept frame does not.
 */
import type { ShotParts, ShotReason } from '../contract/types';
import type { SeriesParams } from './params';
import { formatDuration } from './describe';
import { bestPairSimilarity, cosineSimilarity } from './vectors';

export interface Shot {
  contentId: number;
  time: number;
  /** False when the time is a copy's file date (see SeriesPhoto.timeKnown): no burst can be told from it. */
  timeKnown?: boolean;
  /** Laplacian-variance style sharpness, any positive scale (compared within the series). */
  sharpness: number | null;
  /** Exposure quality in [0, 1], 1 = well exposed. */
  exposure: number | null;
  /** Mean quality of the detected faces in [0, 1], null when there are none. */
  faceQuality: number | null;
  pixels: number | null;
  people: readonly number[];
  background: ArrayLike<number> | null;
  bodies: readonly ArrayLike<number>[];
}

export interface ShotVerdict {
  contentId: number;
  score: number;
  best: boolean;
  redundant: boolean;
  /** Index of the burst the shot belongs to, null when it is not part of a burst. */
  burst: number | null;
  /** `why` in English. */
  reasons: string[];
  why: ShotReason[];
}

const WEIGHTS = { sharpness: 0.4, faceQuality: 0.3, exposure: 0.2, resolution: 0.1 } as const;

export function scoreShots(shots: readonly Shot[]): Map<number, { score: number; parts: ShotParts }> {
  const maxSharp = Math.max(0, ...shots.map((s) => s.sharpness ?? 0));
  const maxPixels = Math.max(0, ...shots.map((s) => s.pixels ?? 0));
  const out = new Map<number, { score: number; parts: ShotParts }>();
  for (const s of shots) {
    const parts: ShotParts = {};
    if (s.sharpness !== null && maxSharp > 0) parts.sharpness = s.sharpness / maxSharp;
    if (s.faceQuality !== null) parts.faceQuality = clamp01(s.faceQuality);
    if (s.exposure !== null) parts.exposure = clamp01(s.exposure);
    if (s.pixels !== null && maxPixels > 0) parts.resolution = s.pixels / maxPixels;
    let total = 0;
    let weight = 0;
    for (const [k, v] of Object.entries(parts)) {
      const w = WEIGHTS[k as keyof typeof WEIGHTS];
      total += w * v;
      weight += w;
    }
    out.set(s.contentId, { score: weight === 0 ? 0 : Math.round((total / weight) * 1000) / 1000, parts });
  }
  return out;
}

export function judgeShots(input: readonly Shot[], p: SeriesParams): ShotVerdict[] {
  const shots = [...input].sort((a, b) => a.time - b.time || a.contentId - b.contentId);
  const scores = scoreShots(shots);
  const scoreOf = (id: number): number => scores.get(id)?.score ?? 0;
  const partsOf = (id: number): ShotParts => scores.get(id)?.parts ?? {};
  const verdicts = new Map<number, ShotVerdict>(
    shots.map((s) => [
      s.contentId,
      {
        contentId: s.contentId,
        score: scoreOf(s.contentId),
        best: false,
        redundant: false,
        burst: null,
        reasons: [],
        why: [],
      },
    ]),
  );

  // Bursts: chains of near-identical consecutive frames.
  const bursts: Array<{ shots: Shot[]; evidence: ShotReason[] }> = [];
  let current: { shots: Shot[]; evidence: ShotReason[] } | null = null;
  for (let i = 1; i < shots.length; i++) {
    const a = shots[i - 1] as Shot;
    const b = shots[i] as Shot;
    const why = nearIdentical(a, b, p);
    if (why === null) {
      current = null;
      continue;
    }
    if (current === null) {
      current = { shots: [a], evidence: [] };
      bursts.push(current);
    }
    current.shots.push(b);
    current.evidence.push(why);
  }

  bursts.forEach((burst, index) => {
    const keeper = [...burst.shots].sort(
      (x, y) => scoreOf(y.contentId) - scoreOf(x.contentId) || x.time - y.time,
    )[0] as Shot;
    const keeperPeople = new Set(keeper.people);
    for (const shot of burst.shots) {
      const v = verdicts.get(shot.contentId) as ShotVerdict;
      v.burst = index;
      if (shot === keeper) {
        v.why.push({
          key: 'shot.burstKept',
          params: { frames: burst.shots.length, score: v.score, parts: partsOf(shot.contentId) },
        });
        continue;
      }
      const extra = shot.people.filter((id) => !keeperPeople.has(id));
      if (extra.length > 0) {
        v.why.push({ key: 'shot.onlyWithPerson', params: { people: extra } });
        continue;
      }
      v.redundant = true;
      v.why.push(
        {
          key: 'shot.redundant',
          params: { gapMs: Math.abs(shot.time - keeper.time), kept: keeper.contentId },
        },
        ...burst.evidence.slice(0, 2),
        {
          key: 'shot.lowerScore',
          params: {
            score: v.score,
            keptScore: scoreOf(keeper.contentId),
            parts: partsOf(shot.contentId),
            keptParts: partsOf(keeper.contentId),
          },
        },
      );
    }
  });

  // The series' picture (its cover) shows the people in it: a sharp back view is not the best shot
  // of a shoot whose other views show the model's face. Faceless shots score without the face
  // signal, so they would often win on sharpness alone.
  // A redundant burst frame is never the best shot (it would be offered for deletion).
  const kept = shots.filter((s) => verdicts.get(s.contentId)?.redundant !== true);
  const withFace = kept.filter((s) => s.faceQuality !== null);
  const pool = withFace.length > 0 ? withFace : kept;
  const best = [...pool].sort((x, y) => scoreOf(y.contentId) - scoreOf(x.contentId) || x.time - y.time)[0];
  if (best !== undefined) {
    const v = verdicts.get(best.contentId) as ShotVerdict;
    v.best = true;
    const faceOnly = withFace.length > 0 && withFace.length < kept.length;
    v.why.unshift({
      key: 'shot.best',
      params: { score: v.score, parts: partsOf(best.contentId), ...(faceOnly ? { withFace: true } : {}) },
    });
  }
  for (const v of verdicts.values()) v.reasons = v.why.map(englishShotReason);
  return shots.map((s) => verdicts.get(s.contentId) as ShotVerdict);
}

/** Why two consecutive frames are near-identical, or null when they are not. */
function nearIdentical(a: Shot, b: Shot, p: SeriesParams): ShotReason | null {
  // A burst is frames close in time; without a clock there is no "ms apart" to tell (nor to show).
  if (a.timeKnown === false || b.timeKnown === false) return null;
  const gap = Math.abs(b.time - a.time);
  if (gap > p.redundantGapMs) return null;
  if (a.background === null || b.background === null) return null;
  const bg = cosineSimilarity(a.background, b.background);
  if (bg < p.redundantBackground) return null;
  const bodies = bestPairSimilarity(a.bodies, b.bodies);
  if (a.bodies.length > 0 !== b.bodies.length > 0) return null;
  if (bodies !== null && bodies < p.redundantClothing) return null;
  const pa = [...new Set(a.people)].sort((x, y) => x - y).join(',');
  const pb = [...new Set(b.people)].sort((x, y) => x - y).join(',');
  if (pa !== pb) return null;
  return {
    key: 'shot.nearIdentical',
    params: { from: a.contentId, to: b.contentId, gapMs: gap, background: bg, bodies },
  };
}

/** A shot reason in English. */
export function englishShotReason(r: ShotReason): string {
  switch (r.key) {
    case 'shot.best':
      return `best shot of the series${r.params.withFace === true ? ' among those showing a face' : ''}: score ${r.params.score.toFixed(2)} (${describeParts(r.params.parts)})`;
    case 'shot.burstKept':
      return `kept from a burst of ${r.params.frames} near-identical frames: highest score ${r.params.score.toFixed(2)} (${describeParts(r.params.parts)})`;
    case 'shot.onlyWithPerson':
      return `near-identical to a kept frame but the only frame of the burst showing person ${r.params.people.join(', ')}; kept`;
    case 'shot.redundant':
      return `redundant: ${formatDuration(r.params.gapMs)} from the kept frame #${r.params.kept}`;
    case 'shot.nearIdentical': {
      const { from, to, gapMs, background, bodies } = r.params;
      return `#${from} → #${to}: ${formatDuration(gapMs)} apart, background similarity ${background.toFixed(3)}${bodies === null ? '' : `, body similarity ${bodies.toFixed(3)}`}`;
    }
    case 'shot.lowerScore':
      return `score ${r.params.score.toFixed(2)} < ${r.params.keptScore.toFixed(2)} of the kept frame (${describeComparison(r.params.parts, r.params.keptParts)})`;
    case 'text':
      return r.params.text;
  }
}

function describeParts(parts: ShotParts): string {
  if (Object.keys(parts).length === 0) return 'no quality signals';
  return Object.entries(parts)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
}

function describeComparison(mine: ShotParts, kept: ShotParts): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(mine)) {
    const w = kept[k as keyof ShotParts];
    if (w !== undefined && Math.abs(w - v) >= 0.01) lines.push(`${k} ${v.toFixed(2)} vs ${w.toFixed(2)}`);
  }
  return lines.length === 0 ? 'equal signals, earlier frame kept' : lines.join(', ');
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}
