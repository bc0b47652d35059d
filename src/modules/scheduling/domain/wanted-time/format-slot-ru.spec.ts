import { DateTime } from 'luxon';
import { formatSlotRu } from './index';

describe('formatSlotRu', () => {
  it('writes weekday, day, month and time in Russian', () => {
    expect(formatSlotRu(DateTime.fromISO('2026-11-27T17:00', { zone: 'Asia/Krasnoyarsk' }))).toBe(
      'пт, 27 ноября, 17:00',
    );
    expect(formatSlotRu(DateTime.fromISO('2027-01-04T09:05', { zone: 'Asia/Krasnoyarsk' }))).toBe(
      'пн, 4 января, 09:05',
    );
  });

  it("uses the slot's own time zone", () => {
    const utc = DateTime.fromISO('2026-11-27T10:00:00Z', { zone: 'utc' });
    expect(formatSlotRu(utc.setZone('Asia/Krasnoyarsk'))).toBe('пт, 27 ноября, 17:00');
  });
});
