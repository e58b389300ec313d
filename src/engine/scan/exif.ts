/** EXIF through exifr: capture time, camera, orientation, GPS and how rich the metadata is. */
import exifr from 'exifr';

export interface PhotoMetadata {
  capturedAt: number | null;
  camera: string | null;
  orientation: number | null;
  gps: { lat: number; lon: number } | null;
  fieldCount: number;
}

const EMPTY: PhotoMetadata = { capturedAt: null, camera: null, orientation: null, gps: null, fieldCount: 0 };

/** Cameras with an unset clock write "0000:00:00 00:00:00" (read as 1899-11-30) or years far off. */
export function plausibleTime(value: unknown, now = Date.now()): number | null {
  if (!(value instanceof Date)) return null;
  const t = value.getTime();
  if (Number.isNaN(t)) return null;
  const year = value.getUTCFullYear();
  return year >= 1900 && t <= now + 2 * 86_400_000 ? t : null;
}

export async function readMetadata(bytes: Buffer): Promise<PhotoMetadata> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(bytes, {
      tiff: true,
      exif: true,
      gps: true,
      ifd1: false,
      xmp: false,
      icc: false,
      iptc: false,
      reviveValues: true,
      translateValues: false,
    })) as Record<string, unknown> | undefined;
  } catch {
    return EMPTY; // Broken EXIF never fails a photo; the pixels decide.
  }
  if (!tags) return EMPTY;
  const date = tags.DateTimeOriginal ?? tags.CreateDate ?? tags.DateTimeDigitized ?? tags.ModifyDate;
  const capturedAt = plausibleTime(date);
  const make = typeof tags.Make === 'string' ? tags.Make.trim() : '';
  const model = typeof tags.Model === 'string' ? tags.Model.trim() : '';
  const camera =
    [make, model.startsWith(make) ? model.slice(make.length).trim() : model].filter(Boolean).join(' ') ||
    null;
  const orientation = typeof tags.Orientation === 'number' ? tags.Orientation : null;
  const lat = tags.latitude;
  const lon = tags.longitude;
  const gps =
    typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon)
      ? { lat, lon }
      : null;
  return { capturedAt, camera, orientation, gps, fieldCount: Object.keys(tags).length };
}
