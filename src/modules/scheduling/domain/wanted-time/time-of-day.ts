import { MINUTES_PER_DAY, TimeContext } from './wanted-interval';

export type Meridiem = 'am' | 'pm';

/** A clock time as written: "5" is only an hour until the working day or "вечером" says which 5. */
export interface ClockRef {
  readonly hour: number;
  readonly minute: number;
  /** Said outright: "утра", "вечера", "дня", or a 24-hour number. */
  readonly meridiem?: Meridiem;
}

/** What the time words of a message ask for, on whatever day they end up on. */
export type TimeExpression =
  /** "в 5", "к 10ти", "19:00", "часа в 3", "в половине шестого". */
  | { readonly type: 'at'; readonly clock: ClockRef }
  /** "с 10 до 12", "после 18", "до 15": a missing end is the start or end of the working day. */
  | { readonly type: 'between'; readonly from?: ClockRef; readonly to?: ClockRef }
  /** "утром", "после обеда", "вечером": minutes of the day; also tells which half of the day a bare hour is in. */
  | { readonly type: 'part'; readonly from?: number; readonly to?: number; readonly hint?: Meridiem }
  /** "через 20 минут", "минут через 20": counted from now, whatever the day. */
  | { readonly type: 'in'; readonly minutes: number };

export interface MinuteRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Minutes after midnight for a clock time. An hour of 1..12 without a meridiem is read in the half of the day
 * that falls within working hours; when both or neither do, 1..8 mean p.m. (at a salon "в 5" is 17:00) and
 * 9..12 mean a.m.
 */
export function clockMinutes(clock: ClockRef, hint: Meridiem | undefined, ctx: TimeContext): number {
  const { hour, minute } = clock;
  if (hour === 0 || hour > 12) return hour * 60 + minute;
  if (hour === 12) return clock.meridiem === 'am' ? minute : 12 * 60 + minute;
  const meridiem = clock.meridiem ?? hint;
  if (meridiem === 'am') return hour * 60 + minute;
  if (meridiem === 'pm') return (hour + 12) * 60 + minute;
  const am = hour * 60 + minute;
  const pm = am + 12 * 60;
  const open = (m: number): boolean => m >= ctx.dayStart && m < ctx.dayEnd;
  if (open(am) !== open(pm)) return open(am) ? am : pm;
  return hour <= 8 ? pm : am;
}

/** The range a "between" or "part" expression covers; open ends are filled from working hours. */
export function minuteRange(
  expr: Extract<TimeExpression, { type: 'between' | 'part' }>,
  hint: Meridiem | undefined,
  ctx: TimeContext,
): MinuteRange {
  const bound = (value: ClockRef | number | undefined): number | undefined =>
    value === undefined || typeof value === 'number' ? value : clockMinutes(value, hint, ctx);
  let from = bound(expr.from);
  const to = bound(expr.to);
  // "с 8 до 10" at a shop opening at 9: the 8 is the morning one, since a range runs forward.
  const guessedHalf = typeof expr.from === 'object' && expr.from.meridiem === undefined && expr.from.hour <= 12;
  if (from !== undefined && to !== undefined && from > to && guessedHalf && from >= 12 * 60) from -= 12 * 60;
  // An open end takes the working day's edge unless that would leave nothing ("после 22" at a shop open till 21).
  const start = from ?? (to === undefined || ctx.dayStart < to ? ctx.dayStart : 0);
  const end = to ?? (ctx.dayEnd > start ? ctx.dayEnd : MINUTES_PER_DAY);
  return start <= end ? { from: start, to: end } : { from: end, to: start };
}
