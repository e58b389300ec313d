import { describe, expect, it } from 'vitest';
import { plausibleTime } from './exif';

describe('EXIF capture time', () => {
  it('accepts real dates and rejects unset camera clocks and future dates', () => {
    const now = Date.UTC(2026, 10, 23);
    expect(plausibleTime(new Date(Date.UTC(2024, 4, 3, 10)), now)).toBe(Date.UTC(2024, 4, 3, 10));
    expect(plausibleTime(new Date(Date.UTC(1899, 10, 30)), now)).toBeNull();
    expect(plausibleTime(new Date(Date.UTC(2031, 0, 1)), now)).toBeNull();
    expect(plausibleTime(new Date(Number.NaN), now)).toBeNull();
    expect(plausibleTime('2024:05:03 10:00:00', now)).toBeNull();
  });
});
