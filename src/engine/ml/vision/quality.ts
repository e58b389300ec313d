/** Face quality in [0,1] from detector score, size, sharpness (Laplacian variance) and pose. */

/** Variance of the 4-neighbour Laplacian of the luma of an HWC 0..255 chip, over its central area. */
export function laplacianVariance(chip: Float32Array, offset: number, size: number, margin = 0.2): number {
  const lo = Math.max(1, Math.floor(size * margin));
  const hi = size - lo;
  const luma = (x: number, y: number): number => {
    const o = offset + (y * size + x) * 3;
    // In range by construction (1 <= x, y <= size - 2 around the centre): plain reads in the hot loop.
    return 0.299 * (chip[o] as number) + 0.587 * (chip[o + 1] as number) + 0.114 * (chip[o + 2] as number);
  };
  let sum = 0,
    sum2 = 0,
    n = 0;
  for (let y = lo; y < hi; y++)
    for (let x = lo; x < hi; x++) {
      const v = 4 * luma(x, y) - luma(x - 1, y) - luma(x + 1, y) - luma(x, y - 1) - luma(x, y + 1);
      sum += v;
      sum2 += v * v;
      n++;
    }
  return n ? sum2 / n - (sum / n) ** 2 : 0;
}

export interface PoseEstimate {
  /** Nose offset from the eye midpoint along the eye line, in eye distances (0 = frontal). */
  yaw: number;
  /** Nose drop below the eye line relative to the mouth drop (about 0.5 when frontal). */
  pitch: number;
  /** Eye-line angle in degrees. */
  roll: number;
}

export function estimatePose(kp: ReadonlyArray<readonly [number, number]>): PoseEstimate {
  const [re = [0, 0], le = [1, 0], nose = [0.5, 0.5], mouth = [0.5, 1]] = kp;
  const ex = le[0] - re[0];
  const ey = le[1] - re[1];
  const d = Math.hypot(ex, ey) || 1;
  const ux = ex / d,
    uy = ey / d;
  const mx = (re[0] + le[0]) / 2,
    my = (re[1] + le[1]) / 2;
  const along = (p: readonly [number, number]): number => ((p[0] - mx) * ux + (p[1] - my) * uy) / d;
  const across = (p: readonly [number, number]): number => (-(p[0] - mx) * uy + (p[1] - my) * ux) / d;
  const mouthDrop = across(mouth) || 1;
  return { yaw: along(nose), pitch: across(nose) / mouthDrop, roll: (Math.atan2(ey, ex) * 180) / Math.PI };
}

export interface QualityInput {
  score: number;
  /** Face width in analysis-raster pixels. */
  faceWidth: number;
  laplacianVariance: number;
  pose: PoseEstimate;
}

export const QUALITY_REFERENCE = {
  /** Faces this wide (px) or wider count as full size. */
  fullSizePx: 96,
  /** Laplacian variance at which sharpness reaches 1 - 1/e. */
  sharpnessScale: 120,
  /** |yaw| at which the pose score reaches 0. */
  maxYaw: 0.55,
} as const;

export function faceQuality(q: QualityInput): { quality: number; parts: Record<string, number> } {
  const clamp = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
  const detector = clamp(q.score);
  const size = clamp(q.faceWidth / QUALITY_REFERENCE.fullSizePx);
  const sharpness = clamp(1 - Math.exp(-q.laplacianVariance / QUALITY_REFERENCE.sharpnessScale));
  const yawScore = clamp(1 - Math.abs(q.pose.yaw) / QUALITY_REFERENCE.maxYaw);
  const pitchScore = clamp(1 - Math.abs(q.pose.pitch - 0.5) / 0.5);
  const pose = clamp(yawScore * (0.5 + 0.5 * pitchScore));
  // Geometric mean: any one bad factor pulls the whole score down.
  const quality = Math.pow(
    Math.max(detector, 1e-6) * Math.max(size, 1e-6) * Math.max(sharpness, 1e-6) * Math.max(pose, 1e-6),
    1 / 4,
  );
  return {
    quality: clamp(quality),
    parts: {
      detector,
      size,
      sharpness,
      pose,
      yaw: q.pose.yaw,
      pitch: q.pose.pitch,
      roll: q.pose.roll,
      laplacianVariance: q.laplacianVariance,
      faceWidth: q.faceWidth,
    },
  };
}
