/**
 * Decodes an image file into an analysis raster the way the scan does (EXIF orientation applied,
 * RGB, long side ≤ ANALYSIS_LONG_SIDE, never upscaled). Used by dataset tests and the sweep script.
 */
import sharp from 'sharp';
import { ANALYSIS_LONG_SIDE, type Raster } from '../../common/raster';

export async function decodeAnalysisRaster(path: string): Promise<Raster> {
  const { data, info } = await sharp(path, { failOn: 'error' })
    .rotate()
    .resize({
      width: ANALYSIS_LONG_SIDE,
      height: ANALYSIS_LONG_SIDE,
      fit: 'inside',
      withoutEnlargement: true,
    })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels from ${path} but received ${info.channels}`);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    channels: 3,
  };
}
