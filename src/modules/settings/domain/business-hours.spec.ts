import { describeHours, openingHoursProblems, type OpeningInterval } from './business-hours';

const week = (days: number[], start: string, end: string): OpeningInterval[] =>
  days.map((weekday) => ({ weekday, start, end }));

describe('opening hours', () => {
  it('says the agency words when it gave them', () => {
    expect(describeHours({ text: '  Без выходных с 9 до 21 ', weekly: week([1], '10:00', '11:00') })).toBe(
      'Без выходных с 9 до 21',
    );
    expect(describeHours(null)).toBeNull();
    expect(describeHours({ text: null, weekly: [] })).toBeNull();
  });

  it('groups weekdays with the same hours', () => {
    expect(describeHours({ text: null, weekly: week([1, 2, 3, 4, 5, 6, 7], '09:00', '21:00') })).toBe(
      'ежедневно 9:00–21:00',
    );
    expect(
      describeHours({
        text: null,
        weekly: [...week([1, 2, 3, 4, 5], '08:00', '20:00'), ...week([6], '09:00', '15:00')],
      }),
    ).toBe('пн–пт 8:00–20:00; сб 9:00–15:00; вс выходной');
    expect(
      describeHours({
        text: null,
        weekly: [
          ...week([1, 2], '10:00', '14:00'),
          ...week([1, 2], '15:00', '19:00'),
          ...week([6, 7], '10:00', '16:00'),
        ],
      }),
    ).toBe('пн, вт 10:00–14:00, 15:00–19:00; ср–пт выходной; сб, вс 10:00–16:00');
  });

  it('names the interval at fault', () => {
    expect(openingHoursProblems(week([1], '10:00', '24:00'))).toEqual([]);
    expect(openingHoursProblems([{ weekday: 8, start: '10:00', end: '11:00' }])).toEqual([
      { at: 'weekly.0', problem: 'weekday must be 1 (Monday) to 7 (Sunday)' },
    ]);
    expect(openingHoursProblems([{ weekday: 1, start: '12:00', end: '11:00' }])).toEqual([
      { at: 'weekly.0', problem: 'must end after it starts' },
    ]);
    expect(
      openingHoursProblems([
        { weekday: 2, start: '09:00', end: '13:00' },
        { weekday: 2, start: '12:00', end: '18:00' },
      ]),
    ).toEqual([{ at: 'weekly.1', problem: 'overlaps weekly.0' }]);
  });
});
