/** One way from a row of files + contents to a `PhotoSummary`, for every domain that lists photos. */
import type { ImageFormat, PhotoSummary } from '../../common/contract/types';

export interface PhotoRow {
  id: number;
  path: string;
  size: number;
  mtime_ms: number;
  width: number | null;
  height: number | null;
  format: string | null;
  captured_at: number | null;
}

/** The columns a `PhotoRow` reads, for a query where `files` is `f` and `contents` is `c`. */
export function photoColumns(f: string, c: string): string {
  return `${f}.id, ${f}.path, ${f}.size, ${f}.mtime_ms, ${c}.width, ${c}.height, ${c}.format, ${c}.captured_at`;
}

export function toPhotoSummary(r: PhotoRow): PhotoSummary {
  return {
    id: r.id,
    path: r.path,
    bytes: r.size,
    width: r.width,
    height: r.height,
    format: r.format as ImageFormat | null,
    capturedAt: r.captured_at,
    mtime: r.mtime_ms,
  };
}
