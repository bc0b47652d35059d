import { DateTime } from 'luxon';

const DAYS_BACK: Array<[RegExp, number]> = [
  [/(?:^|[^а-яё])позавчера(?![а-яё])/i, 2],
  [/(?:^|[^а-яё])вчера(?![а-яё])/i, 1],
  [/\byesterday\b/i, 1],
];
const DAY_MONTH = /(?<![\d.])([0-3]?\d)[./]([01]?\d)(?![\d])(?![./]\d)/;
/** A date this far back is a slip about the past, not next year's date. */
const RECENT_DAYS = 90;

/**
 * The day a message names when it lies in the past: "вчера", "позавчера", or a date a few weeks back ("02.12" on
 * the 3rd). The date parser reads "02.12" as next year's; a client who writes it means the day that just went.
 */
export function pastDayNamed(text: string, now: DateTime): DateTime | null {
  for (const [pattern, days] of DAYS_BACK) if (pattern.test(text)) return now.startOf('day').minus({ days });
  const m = DAY_MONTH.exec(text);
  if (!m) return null;
  const date = now.set({ day: Number(m[1]), month: Number(m[2]) }).startOf('day');
  if (!date.isValid || Number(m[2]) > 12) return null;
  const back = now.startOf('day').diff(date, 'days').days;
  return back >= 1 && back <= RECENT_DAYS ? date : null;
}
