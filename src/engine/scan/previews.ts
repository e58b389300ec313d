/**
 * What the viewer shows for a photo: the small thumbnail the scan wrote, a large preview made on
 * first request (and kept), or the original file itself where a browser can decode it.
 */
import { promises as fs } from 'node:fs';
import sharp from 'sharp';
import type { Logger } from '../../common/logger';
import type { ThumbnailStore } from './thumbs';

/** Formats every browser decodes itself, so the viewer can show the original pixels at 100 %. */
const BROWSER_MIME: Readonly<Record<string, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  bmp: 'image/bmp',
};

/** Long side of the large preview (px). */
const LARGE_PREVIEW = 1280;

export interface PhotoFile {
  contentId: number;
  pathBytes: Buffer;
  format: string | null;
}

/** The original file when a browser can show it and its path survives a round trip through a string. */
function browserViewable(pathBytes: Buffer, format: string | null): { path: string; mime: string } | null {
  const mime = format === null ? undefined : BROWSER_MIME[format];
  if (!mime) return null;
  const text = pathBytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(pathBytes) ? { path: text, mime } : null;
}

export function createPreviews(deps: {
  thumbs: ThumbnailStore;
  photoFile: (photoId: number) => PhotoFile | null;
  maxPixels: number;
  logger: Logger;
}) {
  const { thumbs, logger } = deps;
  return {
    /** `full` is the original file where a browser can show it, else the large preview. */
    async get(
      photoId: number,
      size: 'small' | 'large' | 'full',
    ): Promise<{ path: string; mime: string } | null> {
      if (!Number.isSafeInteger(photoId) || photoId <= 0) return null;
      const photo = deps.photoFile(photoId);
      if (!photo) return null;
      if (size === 'full') {
        const original = browserViewable(photo.pathBytes, photo.format);
        if (original) return original;
        size = 'large';
      }
      const file = thumbs.pathFor(photo.contentId, size);
      if (!(await thumbs.exists(photo.contentId, size))) {
        if (size === 'small') return null;
        try {
          const jpeg = await sharp(await fs.readFile(photo.pathBytes), { limitInputPixels: deps.maxPixels })
            .rotate()
            .resize({ width: LARGE_PREVIEW, height: LARGE_PREVIEW, fit: 'inside', withoutEnlargement: true })
            .jpeg({ quality: 82 })
            .toBuffer();
          await thumbs.write(photo.contentId, jpeg, 'large');
        } catch (error) {
          logger.warn('large preview failed; serving the small thumbnail', { photoId, error: String(error) });
          return (await thumbs.exists(photo.contentId, 'small'))
            ? { path: thumbs.pathFor(photo.contentId, 'small'), mime: 'image/jpeg' }
            : null;
        }
      }
      return { path: file, mime: 'image/jpeg' };
    },
  };
}
