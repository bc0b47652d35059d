import { DateTime } from 'luxon';
import { findFreeSlots, withinWorkingHours, type SlotSearch, type StaffAvailability } from './free-slots';
import type { WeeklyInterval } from './weekly-hours';

const ZONE = 'Asia/Krasnoyarsk'; // UTC+7 all year
const MONDAY = '2030-03-04';
const TUESDAY = '2030-03-05';

/** A wall-clock time of the business zone as a Date. */
const at = (date: string, time: string, zone = ZONE) => DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate();
const local = (d: Date, zone = ZONE) => DateTime.fromJSDate(d, { zone }).toFormat('ccc HH:mm');
const hhmm = (d: Date, zone = ZONE) => DateTime.fromJSDate(d, { zone }).toFormat('HH:mm');

const staff = (overrides: Partial<StaffAvailability> = {}): StaffAvailability => ({
  staffId: 'anna',
  hours: [{ weekday: 1, start: '09:00', end: '12:00' }],
  breaks: [],
  daysOff: [],
  busy: [],
  ...overrides,
});

const search = (overrides: Partial<SlotSearch> = {}): SlotSearch => ({
  durationMinutes: 60,
  stepMinutes: 30,
  from: at(MONDAY, '00:00'),
  to: at(TUESDAY, '00:00'),
  earliestStart: at('2030-01-01', '00:00'),
  zone: ZONE,
  limit: 100,
  ...overrides,
});

const starts = (slots: Array<{ start: Date }>, zone = ZONE) => slots.map((s) => hhmm(s.start, zone));

describe('findFreeSlots', () => {
  it('offers the grid inside the hours; a slot ending exactly at closing time is offered, one past it is not', () => {
    const slots = findFreeSlots([staff()], search());
    expect(starts(slots)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00']);
    expect(hhmm(slots[4].end)).toBe('12:00');
    expect(slots.every((s) => s.staffId === 'anna')).toBe(true);
  });

  it('resolves weekly hours as wall-clock times of the zone, not UTC', () => {
    const [first] = findFreeSlots([staff()], search());
    expect(first.start.toISOString()).toBe('2030-03-04T02:00:00.000Z'); // 09:00 in Krasnoyarsk
    const moscow = findFreeSlots(
      [staff()],
      search({
        zone: 'Europe/Moscow',
        from: at(MONDAY, '00:00', 'Europe/Moscow'),
        to: at(TUESDAY, '00:00', 'Europe/Moscow'),
      }),
    );
    expect(moscow[0].start.toISOString()).toBe('2030-03-04T06:00:00.000Z');
  });

  it('keeps local hours across a DST change in zones that have one', () => {
    const sunday = staff({ hours: [{ weekday: 7, start: '09:00', end: '10:00' }] });
    const zone = 'Europe/Berlin';
    const slots = findFreeSlots(
      [sunday],
      search({ zone, from: at('2030-03-24', '00:00', zone), to: at('2030-04-01', '00:00', zone) }),
    );
    // 2030-03-31 is the first Sunday of summer time: 09:00 is 07:00Z there, 08:00Z a week before
    expect(slots.map((s) => s.start.toISOString())).toEqual(['2030-03-24T08:00:00.000Z', '2030-03-31T07:00:00.000Z']);
  });

  it('keeps slots out of a break, and restarts the grid when the break ends', () => {
    const member = staff({
      hours: [{ weekday: 1, start: '09:00', end: '13:00' }],
      breaks: [{ weekday: 1, start: '10:00', end: '11:00' }],
    });
    expect(starts(findFreeSlots([member], search()))).toEqual(['09:00', '11:00', '11:30', '12:00']);
  });

  it('aligns the grid to the start of each working stretch', () => {
    const member = staff({
      hours: [{ weekday: 1, start: '09:00', end: '13:00' }],
      breaks: [{ weekday: 1, start: '10:15', end: '11:15' }],
    });
    expect(starts(findFreeSlots([member], search()))).toEqual(['09:00', '11:15', '11:45']);
  });

  it('offers nothing on a day off, and the other days as usual', () => {
    const member = staff({
      hours: [
        { weekday: 1, start: '09:00', end: '10:00' },
        { weekday: 2, start: '09:00', end: '10:00' },
      ],
      daysOff: [MONDAY],
    });
    const slots = findFreeSlots([member], search({ to: at('2030-03-06', '00:00') }));
    expect(slots.map((s) => local(s.start))).toEqual(['Tue 09:00']);
  });

  it('offers nothing on weekdays without hours', () => {
    expect(findFreeSlots([staff()], search({ from: at(TUESDAY, '00:00'), to: at('2030-03-10', '00:00') }))).toEqual([]);
  });

  it('lets a slot touch a booking at either edge, never overlap it', () => {
    const member = staff({ busy: [{ start: at(MONDAY, '10:00'), end: at(MONDAY, '11:00') }] });
    // 09:00-10:00 ends as the booking starts; 11:00-12:00 starts as it ends; 09:30 and 10:30 would overlap
    expect(starts(findFreeSlots([member], search()))).toEqual(['09:00', '11:00']);
  });

  it('treats an overlap of one minute as an overlap', () => {
    const member = staff({ busy: [{ start: at(MONDAY, '09:59'), end: at(MONDAY, '10:01') }] });
    expect(starts(findFreeSlots([member], search()))).toEqual(['10:30', '11:00']);
  });

  it('starts no earlier than the earliest start (now plus the lead time), still on the grid', () => {
    const slots = findFreeSlots([staff()], search({ earliestStart: at(MONDAY, '10:10') }));
    expect(starts(slots)).toEqual(['10:30', '11:00']);
  });

  it('offers slots that start within the wanted interval [from, to)', () => {
    const slots = findFreeSlots([staff()], search({ from: at(MONDAY, '10:00'), to: at(MONDAY, '11:00') }));
    expect(starts(slots)).toEqual(['10:00', '10:30']);
  });

  it('walks local days, whatever the UTC date of the interval', () => {
    const member = staff({ hours: [{ weekday: 2, start: '06:00', end: '07:00' }] });
    // Monday 23:30 UTC is already Tuesday 06:30 in Krasnoyarsk
    const slots = findFreeSlots(
      [member],
      search({ from: new Date('2030-03-04T22:00:00Z'), to: new Date('2030-03-05T01:00:00Z'), durationMinutes: 30 }),
    );
    expect(slots.map((s) => local(s.start))).toEqual(['Tue 06:00', 'Tue 06:30']);
  });

  it('orders several staff by time, then in the order given', () => {
    const maria = staff({ staffId: 'maria', hours: [{ weekday: 1, start: '10:00', end: '11:00' }] });
    const slots = findFreeSlots([staff(), maria], search({ limit: 4 }));
    expect(slots.map((s) => `${hhmm(s.start)} ${s.staffId}`)).toEqual([
      '09:00 anna',
      '09:30 anna',
      '10:00 anna',
      '10:00 maria',
    ]);
  });

  it('with distinctTimes offers each time once and spreads the times across the staff', () => {
    const maria = staff({ staffId: 'maria' });
    const slots = findFreeSlots([staff(), maria], search({ distinctTimes: true }));
    expect(slots.map((s) => `${hhmm(s.start)} ${s.staffId}`)).toEqual([
      '09:00 anna',
      '09:30 maria',
      '10:00 anna',
      '10:30 maria',
      '11:00 anna',
    ]);
  });

  it('with distinctTimes gives a time to whoever is free then', () => {
    const anna = staff({ busy: [{ start: at(MONDAY, '09:00'), end: at(MONDAY, '12:00') }] });
    const maria = staff({ staffId: 'maria' });
    const slots = findFreeSlots([anna, maria], search({ distinctTimes: true, limit: 2 }));
    expect(slots.map((s) => `${hhmm(s.start)} ${s.staffId}`)).toEqual(['09:00 maria', '09:30 maria']);
  });

  it('stops at the limit', () => {
    expect(findFreeSlots([staff()], search({ limit: 2 }))).toHaveLength(2);
    expect(findFreeSlots([staff()], search({ limit: 0 }))).toEqual([]);
  });

  it('uses the step and the duration of the service', () => {
    const slots = findFreeSlots([staff()], search({ durationMinutes: 90, stepMinutes: 15 }));
    expect(starts(slots)).toEqual(['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30']);
  });

  it('works until midnight when the hours end at 24:00', () => {
    const member = staff({ hours: [{ weekday: 1, start: '22:00', end: '24:00' }] });
    const slots = findFreeSlots([member], search({ to: at('2030-03-06', '00:00') }));
    expect(starts(slots)).toEqual(['22:00', '22:30', '23:00']);
    expect(slots[2].end.toISOString()).toBe(at(TUESDAY, '00:00').toISOString());
  });

  it('finds nothing in an empty or inverted interval', () => {
    expect(findFreeSlots([staff()], search({ from: at(MONDAY, '10:00'), to: at(MONDAY, '10:00') }))).toEqual([]);
    expect(findFreeSlots([staff()], search({ earliestStart: at(TUESDAY, '00:00') }))).toEqual([]);
  });
});

describe('withinWorkingHours', () => {
  const hours: WeeklyInterval[] = [{ weekday: 1, start: '09:00', end: '21:00' }];
  const pattern = { hours, breaks: [{ weekday: 1, start: '13:00', end: '14:00' }], daysOff: [] as string[] };
  const range = (start: string, end: string, date = MONDAY) => ({ start: at(date, start), end: at(date, end) });

  it('accepts a range inside the hours, also one ending at closing or starting at the end of the break', () => {
    expect(withinWorkingHours(pattern, range('09:00', '10:30'), ZONE)).toBe(true);
    expect(withinWorkingHours(pattern, range('19:30', '21:00'), ZONE)).toBe(true);
    expect(withinWorkingHours(pattern, range('14:00', '15:00'), ZONE)).toBe(true);
  });

  it('refuses a range over the break, past closing, before opening, on a day off or another weekday', () => {
    expect(withinWorkingHours(pattern, range('12:30', '13:30'), ZONE)).toBe(false);
    expect(withinWorkingHours(pattern, range('20:30', '21:30'), ZONE)).toBe(false);
    expect(withinWorkingHours(pattern, range('08:30', '09:30'), ZONE)).toBe(false);
    expect(withinWorkingHours({ ...pattern, daysOff: [MONDAY] }, range('10:00', '11:00'), ZONE)).toBe(false);
    expect(withinWorkingHours(pattern, range('10:00', '11:00', TUESDAY), ZONE)).toBe(false);
  });

  it('reads the range in the business zone', () => {
    const utcNine = { start: new Date('2030-03-04T09:00:00Z'), end: new Date('2030-03-04T10:00:00Z') }; // 16:00 local
    expect(withinWorkingHours(pattern, utcNine, ZONE)).toBe(true);
    const utcFifteen = { start: new Date('2030-03-04T15:00:00Z'), end: new Date('2030-03-04T16:00:00Z') }; // 22:00
    expect(withinWorkingHours(pattern, utcFifteen, ZONE)).toBe(false);
  });
});
