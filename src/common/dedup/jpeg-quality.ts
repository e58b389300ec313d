/**
 * The quality a JPEG was saved at, estimated from its luminance quantisation table (DQT) the way
 * IJG libjpeg scales its standard table: quality q multiplies every step by (200 − 2q) % for q ≥ 50
 * and by 5000 / q % below. Works on the first bytes of the file (tables precede the image data).
 */

/** The standard luminance table of the JPEG spec (Annex K), any order: only its sum is used. */
const STANDARD_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const STANDARD_SUM = STANDARD_LUMA.reduce((s, v) => s + v, 0);

/** Estimated quality 1..100 of the luminance table, or null when the bytes are not a JPEG with one. */
export function estimateJpegQuality(bytes: Uint8Array): number | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null;
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return null;
    if (marker === 0xdb) {
      let p = at + 4;
      while (p < end) {
        const precision = (bytes[p] ?? 0) >> 4;
        const id = (bytes[p] ?? 0) & 15;
        const size = precision === 0 ? 64 : 128;
        if (p + 1 + size > end) return null;
        if (id === 0) {
          let sum = 0;
          for (let i = 0; i < 64; i++)
            sum +=
              precision === 0
                ? (bytes[p + 1 + i] ?? 0)
                : ((bytes[p + 1 + 2 * i] ?? 0) << 8) | (bytes[p + 2 + 2 * i] ?? 0);
          return qualityFromScale((100 * sum) / STANDARD_SUM);
        }
        p += 1 + size;
      }
    }
    at = end;
  }
  return null;
}

function qualityFromScale(scale: number): number {
  const q = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
  return Math.max(1, Math.min(100, Math.round(q)));
}
