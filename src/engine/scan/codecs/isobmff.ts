/**
 * Structure check of HEIF/AVIF files (ISO base media boxes) before any parser sees them. Parsers
 * trust box sizes: a zero or too-small size makes exifr loop forever on the same offset, and item
 * counts far above what the box can hold make it loop for minutes. Checked here, in JS, in linear time.
 */
import { DecodeError } from './decode-error';

interface Box {
  kind: string;
  /** First byte after the header. */
  start: number;
  end: number;
}

function boxesIn(bytes: Buffer, from: number, end: number, where: string, topLevel: boolean): Box[] {
  const boxes: Box[] = [];
  let at = from;
  while (at < end) {
    if (at + 8 > end) throw problem(topLevel, `a box header in ${where} is cut short at byte ${at}`);
    let size = bytes.readUInt32BE(at);
    const kind = bytes.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) throw problem(topLevel, `a box header in ${where} is cut short at byte ${at}`);
      const big = bytes.readBigUInt64BE(at + 8);
      size = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
      header = 16;
    } else if (size === 0) {
      // "Extends to the end of the file": only meaningful for the last top-level box.
      if (!topLevel)
        throw new DecodeError(
          'CORRUPT',
          `HEIF structure is invalid: box "${printable(kind)}" in ${where} has size 0`,
        );
      size = end - at;
    }
    if (size < header)
      throw new DecodeError(
        'CORRUPT',
        `HEIF structure is invalid: box "${printable(kind)}" in ${where} claims ${size} bytes, less than its own header`,
      );
    if (at + size > end)
      throw problem(topLevel, `box "${printable(kind)}" in ${where} runs past the end of its container`);
    boxes.push({ kind, start: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

function problem(topLevel: boolean, what: string): DecodeError {
  return topLevel
    ? new DecodeError('TRUNCATED', `HEIF data is truncated: ${what}`)
    : new DecodeError('CORRUPT', `HEIF structure is invalid: ${what}`);
}

function printable(kind: string): string {
  return kind.replace(/[^\x20-\x7e]/g, '?');
}

/** Checks a full box's item count against the bytes it has: each entry takes at least `minEntry` bytes. */
function checkCount(bytes: Buffer, box: Box, minEntry: number): void {
  if (box.end - box.start < 4)
    throw new DecodeError('CORRUPT', `HEIF structure is invalid: "${box.kind}" is too short`);
  const version = bytes[box.start] ?? 0;
  let at = box.start + 4;
  if (box.kind === 'iloc') at += 2; // offset_size/length_size/base_offset_size/index_size nibbles
  const wide = version >= (box.kind === 'iloc' ? 2 : 1);
  if (at + (wide ? 4 : 2) > box.end)
    throw new DecodeError('CORRUPT', `HEIF structure is invalid: "${box.kind}" is too short`);
  const count = wide ? bytes.readUInt32BE(at) : bytes.readUInt16BE(at);
  const room = box.end - at - (wide ? 4 : 2);
  if (count * minEntry > room)
    throw new DecodeError(
      'CORRUPT',
      `HEIF structure is invalid: "${box.kind}" lists ${count} items but has room for ${Math.floor(room / minEntry)}`,
    );
}

/** Throws a DecodeError (CORRUPT or TRUNCATED) when the box structure would mislead a parser. */
export function assertHeifStructure(bytes: Buffer): void {
  const top = boxesIn(bytes, 0, bytes.length, 'the file', true);
  if (top[0]?.kind !== 'ftyp')
    throw new DecodeError('CORRUPT', 'HEIF structure is invalid: it does not start with a file type box');
  const meta = top.find((b) => b.kind === 'meta');
  if (!meta)
    throw new DecodeError(
      'CORRUPT',
      'HEIF structure is invalid: no metadata box (the file holds no image description)',
    );
  // meta is a full box: 4 bytes of version and flags before its children.
  const children = boxesIn(bytes, meta.start + 4, meta.end, '"meta"', false);
  for (const child of children) {
    if (child.kind === 'iinf') checkCount(bytes, child, 8);
    if (child.kind === 'iloc') checkCount(bytes, child, 2);
    if (child.kind === 'iprp') {
      for (const prop of boxesIn(bytes, child.start, child.end, '"iprp"', false)) {
        if (prop.kind === 'ipco') boxesIn(bytes, prop.start, prop.end, '"ipco"', false);
      }
    }
    if (child.kind === 'iref') boxesIn(bytes, child.start + 4, child.end, '"iref"', false);
  }
}
