/**
 * Bridge to image-hash's blockhash. image-hash's public `imageHash()` wants a file or an encoded
 * buffer and re-decodes it with jpeg-js/pngjs (slow, and blind to EXIF orientation), so we call its
 * block-hash module directly with RGBA pixels that sharp has already produced.
 */
import { createRequire } from 'node:module';
import { hashFromHex, type Hash64 } from '../../common/dedup/hash64';

interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}
type BlockhashFn = (image: RgbaImage, bits: number, method: number) => string;

const require = createRequire(import.meta.url);

function loadBlockhash(): BlockhashFn {
  const mod: unknown = require('image-hash/lib/block-hash');
  const fn: unknown = typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : mod;
  if (typeof fn !== 'function') throw new Error('image-hash/lib/block-hash does not export a function');
  return fn as BlockhashFn;
}

const blockhash = loadBlockhash();

/** Blockhash grid: 8×8 blocks give 64 bits. */
export const BLOCKHASH_BITS = 8;

/**
 * 64-bit blockhash of an RGBA image. When width and height are multiples of 8, image-hash's exact
 * "even" method is used (each block is a plain sum of R+G+B, alpha 0 counts as white).
 */
export function blockhash64(image: RgbaImage): Hash64 {
  if (image.data.length !== image.width * image.height * 4) {
    throw new RangeError(
      `expected ${image.width * image.height * 4} RGBA bytes but received ${image.data.length}`,
    );
  }
  const even = image.width % BLOCKHASH_BITS === 0 && image.height % BLOCKHASH_BITS === 0;
  const hex = blockhash(image, BLOCKHASH_BITS, even ? 1 : 2);
  return hashFromHex(hex);
}
