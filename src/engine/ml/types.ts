/**
 * Types of the vision stage's public interface (re-exported by ml/index.ts). They live apart so that
 * the implementation (vision/pipeline.ts) uses them without importing the index that imports it.
 */
import type { Logger } from '../../common/logger';
import type { Raster } from '../../common/raster';

export interface VisionOptions {
  modelsDir: string;
  workers?: number;
  logger: Logger;
  /** Tuning knobs; the defaults were chosen by measurement (see docs/models.md). */
  faceMinScore?: number;
  personMinScore?: number;
  /** Resolution of the detail face pass for small faces: long side (px) of the whole image. Default 512. */
  faceDetailLongSide?: number;
  /**
   * When the detail pass runs: 'auto' (default) when a detected person has no reliable face from
   * the global pass, 'always', or 'never'.
   */
  faceDetailPass?: 'auto' | 'always' | 'never';
  /**
   * Minimum verification score: every candidate face is detected again in a canonical crop
   * around it and dropped when that second look scores below this (0 turns verification off).
   * Default 0.78; candidates with a detector score of 0.9 or more are trusted without it (see docs/models.md).
   */
  faceMinVerification?: number;
}

export interface DetectedFace {
  box: [number, number, number, number] /* x,y,w,h in input-raster pixels */;
  score: number;
  landmarks: Array<[number, number]>;
  quality: number;
  qualityParts: Record<string, number>;
  embedding: Float32Array /*128, L2=1*/;
}

export interface DetectedPerson {
  box: [number, number, number, number];
  score: number;
  descriptor: Float32Array /*L2=1*/;
  faceIndex: number | null /* index into faces of the face inside this body, if any */;
}

export interface VisionResult {
  faces: DetectedFace[];
  persons: DetectedPerson[];
  background: Float32Array /*L2=1*/;
  modelVersion: string;
}

export interface VisionProgress {
  stage: 'detect' | 'embed' | 'describe' | 'done';
  done: number;
  total: number;
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
  onProgress?: (progress: VisionProgress) => void;
}

export interface VisionPipeline {
  analyze(raster: Raster, opts?: AnalyzeOptions): Promise<VisionResult>;
  dispose(): Promise<void>;
}

/** Extra capability of the pipeline createVisionPipeline returns (benchmarks, re-embedding). */
export interface FaceChipEmbedder {
  /** L2-normalised descriptors for ready-made 150x150 RGB dlib chips (HWC, 0..255), batched across workers. */
  embedChips(chips: Float32Array, count: number, opts?: { signal?: AbortSignal }): Promise<Float32Array[]>;
  /**
   * Body descriptors of given person boxes (x, y, w, h in raster pixels) instead of detected ones,
   * e.g. a re-identification crop that is itself the person box.
   */
  describePersons(
    raster: Raster,
    boxes: ReadonlyArray<readonly [number, number, number, number]>,
    opts?: { signal?: AbortSignal },
  ): Promise<Float32Array[]>;
  /** Inference time per model file so far (see InferencePool.inferenceTime); empty before the first run. */
  inferenceTime(): Record<string, { runs: number; ms: number; cpuMs: number | null }>;
}
