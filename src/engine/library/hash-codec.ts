/** Packs the 24 perceptual hashes of a photo into one 192-byte BLOB (big-endian u64s). */
import { DIHEDRAL_TRANSFORMS } from '../../common/dedup/dihedral';
import type { HashTriple, ImageHashes } from '../../common/dedup/types';
import { HASH_KINDS } from '../../common/dedup/types';

const VARIANTS = DIHEDRAL_TRANSFORMS.filter((t) => t !== 'identity');
export const PACKED_HASH_BYTES = 8 * HASH_KINDS.length * (VARIANTS.length + 1);

export function packHashes(hashes: ImageHashes): Buffer {
  const out = Buffer.alloc(PACKED_HASH_BYTES);
  let offset = 0;
  const write = (triple: HashTriple): void => {
    for (const kind of HASH_KINDS) {
      out.writeBigUInt64BE(BigInt.asUintN(64, triple[kind]), offset);
      offset += 8;
    }
  };
  write(hashes);
  for (const v of VARIANTS) write(hashes.variants[v]);
  return out;
}

export function unpackHashes(blob: Uint8Array): ImageHashes {
  if (blob.length !== PACKED_HASH_BYTES) throw new RangeError(`expected ${PACKED_HASH_BYTES} bytes of hashes but received ${blob.length}`);
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  let offset = 0;
  const read = (): HashTriple => {
    const triple = {} as HashTriple;
    for (const kind of HASH_KINDS) {
      triple[kind] = buf.readBigUInt64BE(offset);
      offset += 8;
    }
    return triple;
  };
  const identity = read();
  const variants = {} as ImageHashes['variants'];
  for (const v of VARIANTS) variants[v] = read();
  return { ...identity, variants };
}
