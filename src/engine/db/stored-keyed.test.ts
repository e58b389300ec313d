import { describe, expect, it } from 'vitest';
import type { KeeperReason } from '../../common/contract/types';
import { englishReason } from '../../common/dedup/keeper';
import { parseStoredKeyed } from './stored-keyed';

describe('parseStoredKeyed', () => {
  it('reads keys and parameters, and the English strings an older Sift stored', () => {
    const stored = JSON.stringify([
      { key: 'keep.exif', params: { fields: 12 } },
      'highest resolution (10×10)',
    ]);
    const why = parseStoredKeyed<KeeperReason>(stored);
    expect(why).toEqual([
      { key: 'keep.exif', params: { fields: 12 } },
      { key: 'text', params: { text: 'highest resolution (10×10)' } },
    ]);
    expect(why.map(englishReason)).toEqual([
      'richest metadata (12 EXIF fields)',
      'highest resolution (10×10)',
    ]);
  });
});
