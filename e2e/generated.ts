/**
 * Photos the e2e run generates when the research datasets are absent (a clone without ../shared):
 * three frames of one moment, so the Series views have a series to show. Deterministic.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** Frames of `source` shifted by 0, 1 and 2 % of its width (a burst), saved as frame_0001.jpg... in `folder`. */
export async function addGeneratedBurst(source: string, folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true });
  const { width = 0, height = 0 } = await sharp(source).metadata();
  const window = Math.round(width * 0.97);
  for (let i = 0; i < 3; i++) {
    const left = Math.round(width * 0.01 * i);
    await sharp(source)
      .extract({ left, top: 0, width: window, height })
      .resize(width, height)
      .jpeg({ quality: 90 })
      .toFile(path.join(folder, `frame_${String(i + 1).padStart(4, '0')}.jpg`));
  }
}
