/**
 * A decoded image in memory: interleaved 8-bit pixels, EXIF orientation already applied.
 * The scan decodes each photo once into an "analysis raster" (RGB, long side <= ANALYSIS_LONG_SIDE,
 * never upscaled); every later stage (hashes, vision, quality) works from it.
 */
export interface Raster {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export const ANALYSIS_LONG_SIDE = 1600;
