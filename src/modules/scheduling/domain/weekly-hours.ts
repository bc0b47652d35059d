import { DateTime } from 'luxon';
import type { TimeRange } from './time-range';

/** ISO weekday: 1 is Monday, 7 is Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A span of wall-clock time on one weekday, "HH:MM" in the business's time zone; `end` may be "24:00". */
export interface WeeklyInterval {
  readonly weekday: number;
  readonly start: string;
  readonly end: string;
}

/** When one staff member works: weekly hours, breaks inside them, and whole days off (local "YYYY-MM-DD"). */
export interface WorkingPattern {
  readonly hours: readonly WeeklyInterval[];
  readonly breaks: readonly WeeklyInterval[];
  readonly daysOff: readonly string[];
}

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export function isLocalTime(value: string): boolean {
  return LOCAL_TIME.test(value);
}

/** "09:30" → 570; "24:00" → 1440. */
export function minutesOfDay(value: string): number {
  if (!isLocalTime(value)) throw new Error(`not a local time HH:MM: ${value}`);
  const [hours, minutes] = value.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Problems of a weekly pattern in words, empty when it is sound. */
export function weeklyPatternProblems(pattern: WorkingPattern): string[] {
  const problems: string[] = [];
  const check = (kind: string, list: readonly WeeklyInterval[]) => {
    list.forEach((interval, index) => {
      const at = `${kind}[${index}]`;
      if (!Number.isInteger(interval.weekday) || interval.weekday < 1 || interval.weekday > 7) {
        problems.push(`${at}.weekday must be 1 (Monday) to 7 (Sunday)`);
      }
      if (!isLocalTime(interval.start) || interval.start === '24:00') {
        problems.push(`${at}.start must be a time HH:MM`);
      } else if (!isLocalTime(interval.end)) {
        problems.push(`${at}.end must be a time HH:MM (24:00 allowed)`);
      } else if (minutesOfDay(interval.end) <= minutesOfDay(interval.start)) {
        problems.push(`${at} must end after it starts`);
      }
    });
  };
  check('hours', pattern.hours);
  check('breaks', pattern.breaks);
  if (problems.length === 0) {
    problems.push(...overlapsWithin('hours', pattern.hours), ...overlapsWithin('breaks', pattern.breaks));
  }
  for (const day of pattern.daysOff) {
    if (!DateTime.fromISO(day, { zone: 'UTC' }).isValid || !/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      problems.push(`daysOff: ${day} is not a date YYYY-MM-DD`);
    }
  }
  return problems;
}

/**
 * The absolute time ranges someone works on one local calendar day: that weekday's hours minus its breaks,
 * nothing on a day off. Wall-clock times are resolved in `zone`, so a shift keeps its local hours whatever the
 * UTC offset (and across a DST change, where the zone has one).
 */
export function workingRangesOn(pattern: WorkingPattern, day: DateTime): TimeRange[] {
  const date = day.toISODate();
  if (date === null || pattern.daysOff.includes(date)) return [];
  const spans = pattern.hours
    .filter((h) => h.weekday === day.weekday)
    .map((h) => ({ start: minutesOfDay(h.start), end: minutesOfDay(h.end) }));
  const breaks = pattern.breaks
    .filter((b) => b.weekday === day.weekday)
    .map((b) => ({ start: minutesOfDay(b.start), end: minutesOfDay(b.end) }));
  return breaks
    .reduce((open, cut) => open.flatMap((span) => subtract(span, cut)), spans)
    .sort((a, b) => a.start - b.start)
    .map((span) => ({ start: atLocalMinute(day, span.start), end: atLocalMinute(day, span.end) }));
}

function overlapsWithin(kind: string, list: readonly WeeklyInterval[]): string[] {
  const problems: string[] = [];
  for (let weekday = 1; weekday <= 7; weekday += 1) {
    const spans = list
      .filter((interval) => interval.weekday === weekday)
      .map((interval) => [minutesOfDay(interval.start), minutesOfDay(interval.end)])
      .sort((a, b) => a[0] - b[0]);
    if (spans.some((span, i) => i > 0 && span[0] < spans[i - 1][1])) {
      problems.push(`${kind} of weekday ${weekday} overlap`);
    }
  }
  return problems;
}

interface MinuteSpan {
  start: number;
  end: number;
}

function subtract(span: MinuteSpan, cut: MinuteSpan): MinuteSpan[] {
  if (cut.end <= span.start || cut.start >= span.end) return [span];
  const left = { start: span.start, end: Math.min(cut.start, span.end) };
  const right = { start: Math.max(cut.end, span.start), end: span.end };
  return [left, right].filter((part) => part.end > part.start);
}

function atLocalMinute(day: DateTime, minute: number): Date {
  if (minute >= 1440) return day.startOf('day').plus({ days: 1 }).toJSDate();
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 }).toJSDate();
}
