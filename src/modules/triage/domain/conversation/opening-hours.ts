import { DateTime, type WeekdayNumbers } from 'luxon';
import type { DayHours } from './conversation-facts';

const LOOK_AHEAD_DAYS = 8;

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return h * 60 + m;
}

/**
 * Whether a person is at work now, and if not, when one is back, in words: "сегодня в 9:00", "завтра в 10:00",
 * "в понедельник в 9:00". Null `backAt` when no hours are known.
 */
export function openingState(
  weekly: readonly DayHours[],
  nowIso: string,
  zone: string,
): { openNow: boolean; backAt: string | null } {
  if (weekly.length === 0) return { openNow: true, backAt: null };
  const now = DateTime.fromISO(nowIso, { zone });
  const minute = now.hour * 60 + now.minute;
  const openNow = weekly.some(
    (h) => h.weekday === now.weekday && minutesOf(h.start) <= minute && minute < minutesOf(h.end),
  );
  if (openNow) return { openNow, backAt: null };
  for (let offset = 0; offset < LOOK_AHEAD_DAYS; offset += 1) {
    const day = now.plus({ days: offset });
    const starts = weekly
      .filter((h) => h.weekday === day.weekday && (offset > 0 || minutesOf(h.start) > minute))
      .map((h) => minutesOf(h.start))
      .sort((a, b) => a - b);
    if (starts.length === 0) continue;
    const clock = `${Math.floor(starts[0] / 60)}:${String(starts[0] % 60).padStart(2, '0')}`;
    const dayWords =
      offset === 0 ? 'сегодня' : offset === 1 ? 'завтра' : day.setLocale('ru').toFormat('cccc').replace(/^/, 'в ');
    return { openNow: false, backAt: `${fixPreposition(dayWords)} в ${clock}` };
  }
  return { openNow: false, backAt: null };
}

/** "в вторник" is "во вторник"; the accusative of the feminine weekdays ends in -у. */
function fixPreposition(words: string): string {
  return words
    .replace(/^в вторник/, 'во вторник')
    .replace(/^в среда/, 'в среду')
    .replace(/^в пятница/, 'в пятницу')
    .replace(/^в суббота/, 'в субботу');
}

/** The union of weekly hours, one span per weekday from the earliest start to the latest end. */
export function dailySpans(intervals: readonly DayHours[]): DayHours[] {
  const byDay = new Map<number, { start: number; end: number }>();
  for (const h of intervals) {
    const span = byDay.get(h.weekday);
    const start = minutesOf(h.start);
    const end = minutesOf(h.end);
    byDay.set(h.weekday, span ? { start: Math.min(span.start, start), end: Math.max(span.end, end) } : { start, end });
  }
  const clock = (m: number): string =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return [...byDay]
    .sort(([a], [b]) => a - b)
    .map(([weekday, span]) => ({ weekday: weekday as WeekdayNumbers, start: clock(span.start), end: clock(span.end) }));
}
