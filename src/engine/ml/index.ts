/**
 * Vision stage public interface: faces (box, landmarks, quality, 128-d descriptor), persons (box,
 * appearance descriptor, linked face) and a background descriptor for one analysis raster.
 */
import type { Logger } from '../../common/logger';
import { verifyModelFiles } from './models/verify';
import type { FaceChipEmbedder, VisionOptions, VisionPipeline } from './types';
import { createVisionPipelineImpl } from './vision/pipeline';

/** `<repo>/models`: manifest.json plus the built ONNX files in build/. */
export { DEFAULT_MODELS_DIR } from '../paths';

export type {
  AnalyzeOptions,
  DetectedFace,
  DetectedPerson,
  FaceChipEmbedder,
  VisionOptions,
  VisionPipeline,
  VisionProgress,
  VisionResult,
} from './types';

/**
 * Cosine distance (1 - cos) under which two face embeddings are taken to be the same person.
 * Chosen on the dev set (40 face crops of 8 people, all 780 pairs): see ml quality tests.
 */
export const FACE_MATCH_THRESHOLD = 0.085;

export function createVisionPipeline(opts: VisionOptions): VisionPipeline & FaceChipEmbedder {
  return createVisionPipelineImpl(opts);
}

/**
 * Makes sure the built model files are there and are the ones the manifest pins (sha256). Nothing
 * is built at run time: a missing or different file is a MODEL error that says to run
 * `npm run build:models`.
 */
export async function ensureModels(modelsDir: string, logger: Logger): Promise<void> {
  const started = Date.now();
  const manifest = await verifyModelFiles(modelsDir);
  logger.debug('models verified', { models: manifest.models.length, ms: Date.now() - started });
}

export { cosineDistance } from '../../common/vectors';
