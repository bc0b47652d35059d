import { DateTime } from 'luxon';
import { outsideQuietHours, planReminders, visitMomentRu } from './reminder-schedule';

const zone = 'Asia/Krasnoyarsk';
const quiet = { start: '22:00', end: '09:00' };
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const asLocal = (date: Date) => DateTime.fromJSDate(date, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

describe('planReminders', () => {
  it('reminds 24 h and 1 h before a visit, in local time', () => {
    const plan = planReminders(local('2026-11-27T17:00'), local('2026-11-24T10:00'), zone, quiet);
    expect(plan.map((p) => [p.kind, asLocal(p.sendAt)])).toEqual([
      ['24h', '2026-11-26T17:00'],
      ['1h', '2026-11-27T16:00'],
    ]);
  });

  it('skips the 24 h reminder when the visit is booked less than a day ahead', () => {
    const plan = planReminders(local('2026-11-24T18:00'), local('2026-11-24T10:00'), zone, quiet);
    expect(plan.map((p) => p.kind)).toEqual(['1h']);
  });

  it('skips both when the visit is less than an hour away', () => {
    expect(planReminders(local('2026-11-24T10:40'), local('2026-11-24T10:00'), zone, quiet)).toEqual([]);
  });

  it('a reminder due in quiet hours goes out at 09:00', () => {
    // A 09:30 visit: the 24 h reminder is due at 09:30 the day before (fine), the 1 h one at 08:30 (quiet).
    const plan = planReminders(local('2026-11-27T09:30'), local('2026-11-24T10:00'), zone, quiet);
    expect(plan.map((p) => [p.kind, asLocal(p.sendAt)])).toEqual([
      ['24h', '2026-11-26T09:30'],
      ['1h', '2026-11-27T09:00'],
    ]);
  });

  it('a late-evening reminder moves to 09:00 the next morning', () => {
    const plan = planReminders(local('2026-11-27T23:30'), local('2026-11-24T10:00'), zone, {
      start: '23:00',
      end: '09:00',
    });
    expect(plan.map((p) => [p.kind, asLocal(p.sendAt)])).toEqual([
      ['24h', '2026-11-27T09:00'],
      ['1h', '2026-11-27T22:30'],
    ]);
  });

  it('drops a reminder that quiet hours would push past the visit', () => {
    // 08:30 visit: the 1 h reminder (07:30) would move to 09:00, after the visit.
    const plan = planReminders(local('2026-11-27T08:30'), local('2026-11-24T10:00'), zone, quiet);
    expect(plan.map((p) => p.kind)).toEqual(['24h']);
  });
});

describe('outsideQuietHours', () => {
  it('keeps a moment outside quiet hours', () => {
    const moment = DateTime.fromISO('2026-11-24T21:59', { zone });
    expect(outsideQuietHours(moment, quiet).toISO()).toBe(moment.toISO());
  });

  it('moves 23:10 to 09:00 the next day and 03:00 to 09:00 the same day', () => {
    expect(outsideQuietHours(DateTime.fromISO('2026-11-24T23:10', { zone }), quiet).toFormat('dd HH:mm')).toBe(
      '25 09:00',
    );
    expect(outsideQuietHours(DateTime.fromISO('2026-11-24T03:00', { zone }), quiet).toFormat('dd HH:mm')).toBe(
      '24 09:00',
    );
  });
});

describe('visitMomentRu', () => {
  it('says завтра / сегодня / a date', () => {
    const start = local('2026-11-27T17:00');
    expect(visitMomentRu(start, local('2026-11-26T17:00'), zone)).toBe('завтра в 17:00');
    expect(visitMomentRu(start, local('2026-11-27T16:00'), zone)).toBe('сегодня в 17:00');
    expect(visitMomentRu(start, local('2026-11-24T16:00'), zone)).toBe('27 ноября в 17:00');
  });
});
