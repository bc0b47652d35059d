import { DateTime } from 'luxon';

/** A stretch of time the client asked for, in the business time zone. */
export interface WantedInterval {
  readonly from: DateTime;
  /** Equal to `from` when `exact`. */
  readonly to: DateTime;
  /** A clock time was named ("в 5", "к 10ти", "19:00", "часа в 3"): the client wants that moment. */
  readonly exact: boolean;
}

export interface WantedTimeOptions {
  /** IANA zone of the business (TZ_BUSINESS), e.g. "Asia/Krasnoyarsk". */
  readonly zone: string;
  /** Opening time "HH:mm"; default "09:00". Fills open ends ("до обеда", "завтра") and decides "в 5" = 17:00. */
  readonly dayStart?: string;
  /** Closing time "HH:mm"; default "21:00". */
  readonly dayEnd?: string;
}

/** What the resolvers need to know about "now" and the working day; minutes count from local midnight. */
export interface TimeContext {
  readonly now: DateTime;
  readonly today: DateTime;
  readonly dayStart: number;
  readonly dayEnd: number;
  /** Today while its working day is not over, else tomorrow: where "на этой неделе", "в декабре" begin. */
  readonly firstOpenDay: DateTime;
}

export const MINUTES_PER_DAY = 24 * 60;

export function buildTimeContext(now: DateTime | Date, options: WantedTimeOptions): TimeContext {
  const zoned = (now instanceof Date ? DateTime.fromJSDate(now) : now).setZone(options.zone);
  if (!zoned.isValid) throw new RangeError(`Invalid time zone or moment: ${options.zone}`);
  const dayStart = parseClock(options.dayStart ?? '09:00', 'dayStart');
  const dayEnd = parseClock(options.dayEnd ?? '21:00', 'dayEnd');
  if (dayStart >= dayEnd) throw new RangeError('dayStart must be before dayEnd');
  const today = zoned.startOf('day');
  const nowMinutes = zoned.hour * 60 + zoned.minute;
  return {
    now: zoned,
    today,
    dayStart,
    dayEnd,
    firstOpenDay: nowMinutes < dayEnd ? today : today.plus({ days: 1 }),
  };
}

/** The moment `minutes` after the local midnight of `date` (24:00 is the next midnight). */
export function atMinutes(date: DateTime, minutes: number): DateTime {
  if (minutes >= MINUTES_PER_DAY) return date.plus({ days: 1 }).startOf('day');
  return date.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
}

function parseClock(value: string, name: string): number {
  const m = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(value);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || minutes > MINUTES_PER_DAY) throw new RangeError(`${name} must be "HH:mm", got "${value}"`);
  return minutes;
}
