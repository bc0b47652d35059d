import { DateTime } from 'luxon';
import { TimeContext } from './wanted-interval';

/** A calendar day named by the message, and how far it moves on when the wanted time on it has passed. */
export interface DatePick {
  readonly date: DateTime;
  /** 7 for a weekday name ("в пт" said on Friday evening is next Friday), 1 for a time with no day, else 0. */
  readonly rollDays: number;
}

/** Long periods ("в декабре", "до конца года") are cut to this many days. */
export const MAX_SPAN_DAYS = 62;

export function fixed(dates: readonly DateTime[]): DatePick[] {
  return dates.map((date) => ({ date, rollDays: 0 }));
}

/** Every day from `from` to `to` inclusive (at most MAX_SPAN_DAYS). */
export function daySpan(from: DateTime, to: DateTime): DateTime[] {
  const days: DateTime[] = [];
  for (let day = from.startOf('day'); day <= to && days.length < MAX_SPAN_DAYS; day = day.plus({ days: 1 })) {
    days.push(day);
  }
  return days;
}

/** Days of a span from the first day still open; a span already over is kept whole (the client named it). */
export function openDaysOf(ctx: TimeContext, from: DateTime, to: DateTime): DateTime[] {
  const start = from < ctx.firstOpenDay ? ctx.firstOpenDay : from;
  return start <= to ? daySpan(start, to) : daySpan(from, to);
}

/** The first `weekday` (ISO, 1 = Monday) on or after `from`. */
export function nextWeekday(from: DateTime, weekday: number): DateTime {
  return from.plus({ days: (weekday - from.weekday + 7) % 7 });
}

export function mondayOf(date: DateTime): DateTime {
  return date.startOf('day').minus({ days: date.weekday - 1 });
}

/** day.month of this year, or of next year when it has already passed; null for an impossible date. */
export function upcomingDate(ctx: TimeContext, month: number, day: number, year?: number): DateTime | null {
  const make = (y: number): DateTime => DateTime.fromObject({ year: y, month, day }, { zone: ctx.today.zone });
  if (year !== undefined) {
    const date = make(year < 100 ? 2000 + year : year);
    return date.isValid ? date : null;
  }
  const thisYear = make(ctx.today.year);
  if (!thisYear.isValid) {
    const leap = make(ctx.today.year + 1);
    return leap.isValid ? leap : null;
  }
  return thisYear < ctx.today ? make(ctx.today.year + 1) : thisYear;
}

/** The next `day` of a month ("28 числа", "на 8е"): this month, or the next month that has that day. */
export function upcomingDayOfMonth(ctx: TimeContext, day: number): DateTime | null {
  if (day < 1 || day > 31) return null;
  for (let ahead = 0; ahead < 3; ahead += 1) {
    const month = ctx.today.startOf('month').plus({ months: ahead });
    const date = month.set({ day });
    if (date.isValid && date.month === month.month && date >= ctx.today) return date;
  }
  return null;
}

/** The first day of `month` (1..12) that is not behind us: this year, or next year once it is over. */
export function upcomingMonth(ctx: TimeContext, month: number): DateTime {
  const thisYear = ctx.today.set({ month, day: 1 });
  return thisYear.endOf('month') < ctx.today ? thisYear.plus({ years: 1 }) : thisYear;
}
