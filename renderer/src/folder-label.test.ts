import { describe, expect, it } from 'vitest';
import { libraryRelativeFolder, middleEllipsis } from './folder-label';

describe('libraryRelativeFolder', () => {
  const roots = ['/home/ann/Pictures', '/home/ann/Pictures/Phone/', 'D:\\Photos'];

  it('starts at the name of the innermost library folder that holds the file', () => {
    expect(libraryRelativeFolder('/home/ann/Pictures/2021/Holiday', roots)).toBe('Pictures/2021/Holiday');
    expect(libraryRelativeFolder('/home/ann/Pictures/Phone/DCIM', roots)).toBe('Phone/DCIM');
    expect(libraryRelativeFolder('/home/ann/Pictures', roots)).toBe('Pictures');
    expect(libraryRelativeFolder('D:\\Photos\\2020', roots)).toBe('Photos/2020');
  });

  it('keeps a folder outside every library folder as it is (a sibling with the same prefix is outside)', () => {
    expect(libraryRelativeFolder('/home/ann/Pictures2/x', roots)).toBe('/home/ann/Pictures2/x');
    expect(libraryRelativeFolder('/tmp', [])).toBe('/tmp');
  });
});

describe('middleEllipsis', () => {
  it('leaves short text alone', () => {
    expect(middleEllipsis('Pictures/2021', 20)).toBe('Pictures/2021');
  });

  it('keeps the start and the last folders, never cuts from the left only', () => {
    const long = 'Pictures/Backups/old laptop/2019/Summer holiday in Brittany/edited/exports';
    const short = middleEllipsis(long, 40);
    expect([...short].length).toBeLessThanOrEqual(40);
    expect(short.startsWith('Pictures/')).toBe(true);
    expect(short.endsWith('/edited/exports')).toBe(true);
    expect(short).toContain('…');
  });

  it('cuts inside a name when there is no separator nearby, and counts characters, not UTF-16 units', () => {
    const s = middleEllipsis('a'.repeat(30) + '📷'.repeat(30), 21);
    expect([...s].length).toBe(21);
    expect(s.startsWith('aaaaaaa')).toBe(true);
    expect(s.endsWith('📷📷📷')).toBe(true);
  });
});
