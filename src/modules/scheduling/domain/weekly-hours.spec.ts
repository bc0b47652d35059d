import { DateTime } from 'luxon';
import { minutesOfDay, weeklyPatternProblems, workingRangesOn } from './weekly-hours';

const ZONE = 'Asia/Krasnoyarsk';
const monday = DateTime.fromISO('2030-03-04', { zone: ZONE });
const hhmm = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE }).toFormat('HH:mm');

describe('weekly hours', () => {
  it('reads local times, 24:00 included', () => {
    expect(minutesOfDay('00:00')).toBe(0);
    expect(minutesOfDay('09:30')).toBe(570);
    expect(minutesOfDay('24:00')).toBe(1440);
    expect(() => minutesOfDay('9:30')).toThrow();
    expect(() => minutesOfDay('24:30')).toThrow();
  });

  it('subtracts every break, also one at the very start or past the end of the hours', () => {
    const ranges = workingRangesOn(
      {
        hours: [{ weekday: 1, start: '09:00', end: '18:00' }],
        breaks: [
          { weekday: 1, start: '08:00', end: '09:30' },
          { weekday: 1, start: '13:00', end: '14:00' },
          { weekday: 1, start: '17:00', end: '19:00' },
          { weekday: 2, start: '10:00', end: '11:00' },
        ],
        daysOff: [],
      },
      monday,
    );
    expect(ranges.map((r) => `${hhmm(r.start)}-${hhmm(r.end)}`)).toEqual(['09:30-13:00', '14:00-17:00']);
  });

  it('joins split shifts of one day in time order', () => {
    const ranges = workingRangesOn(
      {
        hours: [
          { weekday: 1, start: '16:00', end: '20:00' },
          { weekday: 1, start: '08:00', end: '12:00' },
        ],
        breaks: [],
        daysOff: ['2030-03-05'],
      },
      monday,
    );
    expect(ranges.map((r) => `${hhmm(r.start)}-${hhmm(r.end)}`)).toEqual(['08:00-12:00', '16:00-20:00']);
  });

  it('names every problem of a pattern', () => {
    expect(
      weeklyPatternProblems({
        hours: [
          { weekday: 0, start: '09:00', end: '10:00' },
          { weekday: 2, start: '12:00', end: '11:00' },
          { weekday: 3, start: '9:00', end: '11:00' },
        ],
        breaks: [{ weekday: 1, start: '13:00', end: '25:00' }],
        daysOff: ['2030-02-30', 'tomorrow'],
      }),
    ).toEqual([
      'hours[0].weekday must be 1 (Monday) to 7 (Sunday)',
      'hours[1] must end after it starts',
      'hours[2].start must be a time HH:MM',
      'breaks[0].end must be a time HH:MM (24:00 allowed)',
      'daysOff: 2030-02-30 is not a date YYYY-MM-DD',
      'daysOff: tomorrow is not a date YYYY-MM-DD',
    ]);
  });

  it('refuses overlapping hours of one weekday and accepts a sound pattern', () => {
    const hours = [
      { weekday: 1, start: '09:00', end: '13:00' },
      { weekday: 1, start: '12:00', end: '18:00' },
    ];
    expect(weeklyPatternProblems({ hours, breaks: [], daysOff: [] })).toEqual(['hours of weekday 1 overlap']);
    const breaks = [
      { weekday: 3, start: '13:00', end: '14:00' },
      { weekday: 3, start: '13:00', end: '13:30' },
    ];
    expect(weeklyPatternProblems({ hours: [], breaks, daysOff: [] })).toEqual(['breaks of weekday 3 overlap']);
    expect(
      weeklyPatternProblems({
        hours: [{ weekday: 1, start: '09:00', end: '24:00' }],
        breaks: [{ weekday: 1, start: '13:00', end: '14:00' }],
        daysOff: ['2030-01-07'],
      }),
    ).toEqual([]);
  });
});
