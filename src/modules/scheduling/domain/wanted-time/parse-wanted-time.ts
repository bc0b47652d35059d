import { DateTime } from 'luxon';
import { DatePick, daySpan, fixed } from './calendar';
import { DayMention, findMentions, isDay, isTime, Mention } from './mentions';
import { normalizeTimeText } from './normalize-time-text';
import { clockMinutes, Meridiem, minuteRange, TimeExpression } from './time-of-day';
import { sortOutMentions } from './wanted-mentions';
import { atMinutes, buildTimeContext, TimeContext, WantedInterval, WantedTimeOptions } from './wanted-interval';

/** Days named together ("в пн или вт") and the time words that go with them ("после обеда"). */
interface Group {
  readonly days: DayMention[];
  readonly times: TimeExpression[];
}

interface Candidate extends WantedInterval {
  readonly rollDays: number;
}

/** What a message asks for; null when it says nothing about a day or a time. The rules are in index.ts. */
export function parseWantedTime(
  text: string,
  now: DateTime | Date,
  options: WantedTimeOptions,
): WantedInterval[] | null {
  return readWantedTime(text, now, options)?.intervals ?? null;
}

/** The wanted intervals and whether the message named a day, a time of day, or both. */
export interface WantedTimeReading {
  intervals: WantedInterval[];
  hasDay: boolean;
  hasTime: boolean;
}

/** parseWantedTime, also telling which parts the message gave: a follow-up keeps the parts it does not give. */
export function readWantedTime(
  text: string,
  now: DateTime | Date,
  options: WantedTimeOptions,
): WantedTimeReading | null {
  const ctx = buildTimeContext(now, options);
  const normalized = normalizeTimeText(text);
  const { wanted, excluded } = sortOutMentions(normalized, findMentions(normalized));
  if (wanted.length === 0) return null;
  const candidates = groupMentions(wanted).flatMap((group) => intervalsOf(group, ctx));
  const intervals = settle(candidates, ctx, exclusionTest(excluded, ctx));
  return intervals ? { intervals, hasDay: wanted.some(isDay), hasTime: wanted.some(isTime) } : null;
}

/**
 * Consecutive day mentions form a group; time words after a group belong to it, and time words before the
 * first group to the first group ("в 5 завтра"). Time words with no day at all mean the nearest such time.
 */
function groupMentions(mentions: Mention[]): Group[] {
  const groups: Group[] = [];
  const leadingTimes: TimeExpression[] = [];
  for (const m of mentions) {
    const current = groups[groups.length - 1];
    if (isTime(m)) {
      (current ? current.times : leadingTimes).push(m.value.time);
    } else if (isDay(m)) {
      if (current && current.times.length === 0) current.days.push(m);
      else groups.push({ days: [m], times: groups.length === 0 ? leadingTimes : [] });
    }
  }
  return groups.length > 0 ? groups : [{ days: [], times: leadingTimes }];
}

type OnDay = Extract<TimeExpression, { type: 'at' | 'between' | 'part' }>;

function intervalsOf(group: Group, ctx: TimeContext): Candidate[] {
  const picks: DatePick[] =
    group.days.length > 0 ? group.days.flatMap((day) => datesOf(day, ctx)) : [{ date: ctx.today, rollDays: 1 }];
  const fromNow = group.times.flatMap((t) =>
    t.type === 'in' ? [point(ctx.now.startOf('minute').plus({ minutes: t.minutes }), 0)] : [],
  );
  const hint = group.times.flatMap((t) => (t.type === 'part' && t.hint ? [t.hint] : []))[0];
  const clocks = group.times.filter((t): t is OnDay => t.type === 'at' || t.type === 'between');
  // A clock time is more precise than a part of the day, which then only says which "7" is meant.
  const onDay = clocks.length > 0 ? clocks : group.times.filter((t): t is OnDay => t.type === 'part');
  if (onDay.length === 0) return fromNow.length > 0 ? fromNow : picks.map((p) => range(p, ctx.dayStart, ctx.dayEnd));
  return [...fromNow, ...picks.flatMap((p) => onDay.map((t) => onDate(p, t, hint, ctx)))];
}

/** "до пятницы" is every day until Friday, "после 25го" the week after the 25th. */
function datesOf(mention: DayMention, ctx: TimeContext): DatePick[] {
  const { day } = mention.value;
  const picks = day.dates(ctx);
  if (!day.single || mention.leadInside || picks.length !== 1) return picks;
  const { date } = picks[0];
  if (mention.lead === 'до') return fixed(date < ctx.firstOpenDay ? [date] : daySpan(ctx.firstOpenDay, date));
  if (mention.lead === 'после') return fixed(daySpan(date.plus({ days: 1 }), date.plus({ days: 7 })));
  return picks;
}

function onDate(pick: DatePick, time: OnDay, hint: Meridiem | undefined, ctx: TimeContext): Candidate {
  if (time.type === 'at') return point(atMinutes(pick.date, clockMinutes(time.clock, hint, ctx)), pick.rollDays);
  const { from, to } = minuteRange(time, hint, ctx);
  return range(pick, from, to);
}

function point(at: DateTime, rollDays: number): Candidate {
  return { from: at, to: at, exact: true, rollDays };
}

function range(pick: DatePick, from: number, to: number): Candidate {
  return { from: atMinutes(pick.date, from), to: atMinutes(pick.date, to), exact: false, rollDays: pick.rollDays };
}

function exclusionTest(excluded: DayMention[], ctx: TimeContext): (date: DateTime) => boolean {
  const weekdays = new Set(excluded.flatMap((m) => (m.value.day.weekday ? [m.value.day.weekday] : [])));
  const dates = new Set(
    excluded.filter((m) => !m.value.day.weekday).flatMap((m) => m.value.day.dates(ctx).map((p) => p.date.toISODate())),
  );
  return (date) => weekdays.has(date.weekday) || dates.has(date.toISODate());
}

/**
 * A weekday (or a time with no day) whose moment has passed moves on a week (a day). Intervals already over are
 * dropped when others are still ahead, and one under way starts now; when all are over they are returned as
 * named, for the caller to answer that the moment has passed.
 */
function settle(
  candidates: Candidate[],
  ctx: TimeContext,
  isExcluded: (date: DateTime) => boolean,
): WantedInterval[] | null {
  const isOver = (c: WantedInterval): boolean => (c.exact ? c.from < ctx.now : c.to <= ctx.now);
  const rolled = candidates
    .map((c) => (c.rollDays > 0 && isOver(c) ? shift(c, c.rollDays) : c))
    .filter((c) => !isExcluded(c.from));
  const ahead = rolled.filter((c) => !isOver(c));
  const start = ctx.now.startOf('minute');
  const kept = ahead.length > 0 ? ahead.map((c) => (!c.exact && c.from < start ? { ...c, from: start } : c)) : rolled;
  const unique = new Map<string, WantedInterval>();
  for (const c of kept.sort((a, b) => +a.from - +b.from || +a.to - +b.to)) {
    unique.set(`${+c.from}/${+c.to}/${c.exact}`, { from: c.from, to: c.to, exact: c.exact });
  }
  return unique.size > 0 ? [...unique.values()] : null;
}

function shift(c: Candidate, days: number): Candidate {
  return { ...c, from: c.from.plus({ days }), to: c.to.plus({ days }) };
}
