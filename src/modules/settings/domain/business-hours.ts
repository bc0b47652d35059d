/** A span of opening hours on one weekday (1 is Monday, 7 is Sunday), local "HH:MM"; `end` may be "24:00". */
export interface OpeningInterval {
  weekday: number;
  start: string;
  end: string;
}

/** Opening hours as the agency gives them: in words, as a weekly schedule, or both (the words are what clients read). */
export interface BusinessHours {
  text: string | null;
  weekly: OpeningInterval[] | null;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DAY_NAMES = ['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс'];

function minutes(time: string): number {
  const [hours, mins] = time.split(':').map(Number);
  return hours * 60 + mins;
}

/** Problems of a weekly schedule, each naming its interval (`weekly.2`); empty when it is sound. */
export function openingHoursProblems(weekly: readonly OpeningInterval[]): Array<{ at: string; problem: string }> {
  const problems: Array<{ at: string; problem: string }> = [];
  weekly.forEach((interval, index) => {
    const at = `weekly.${index}`;
    if (!Number.isInteger(interval.weekday) || interval.weekday < 1 || interval.weekday > 7) {
      problems.push({ at, problem: 'weekday must be 1 (Monday) to 7 (Sunday)' });
    } else if (!TIME.test(interval.start) || interval.start === '24:00' || !TIME.test(interval.end)) {
      problems.push({ at, problem: 'must start and end at a time HH:MM' });
    } else if (minutes(interval.end) <= minutes(interval.start)) {
      problems.push({ at, problem: 'must end after it starts' });
    }
  });
  if (problems.length > 0) return problems;
  const sorted = weekly
    .map((interval, index) => ({ ...interval, index }))
    .sort((a, b) => a.weekday - b.weekday || minutes(a.start) - minutes(b.start));
  for (let i = 1; i < sorted.length; i++) {
    const [before, after] = [sorted[i - 1], sorted[i]];
    if (before.weekday === after.weekday && minutes(after.start) < minutes(before.end)) {
      problems.push({ at: `weekly.${after.index}`, problem: `overlaps weekly.${before.index}` });
    }
  }
  return problems;
}

/**
 * The hours as the bot says them: the agency's own words when given, else the weekly schedule in short form,
 * "пн–пт 9:00–21:00; сб, вс 10:00–18:00" (a day without hours is "выходной"). Null when nothing is known.
 */
export function describeHours(hours: BusinessHours | null): string | null {
  if (!hours) return null;
  if (hours.text?.trim()) return hours.text.trim();
  if (!hours.weekly || hours.weekly.length === 0) return null;
  const perDay = DAY_NAMES.map((_, day) =>
    hours
      .weekly!.filter((interval) => interval.weekday === day + 1)
      .sort((a, b) => minutes(a.start) - minutes(b.start))
      .map((interval) => `${short(interval.start)}–${short(interval.end)}`)
      .join(', '),
  );
  if (perDay.every((spans) => spans === perDay[0])) return `ежедневно ${perDay[0]}`;
  const groups: Array<{ first: number; last: number; spans: string }> = [];
  perDay.forEach((spans, day) => {
    const previous = groups.at(-1);
    if (previous && previous.spans === spans && previous.last === day - 1) previous.last = day;
    else groups.push({ first: day, last: day, spans });
  });
  return groups.map((group) => `${dayRange(group.first, group.last)} ${group.spans || 'выходной'}`).join('; ');
}

function dayRange(first: number, last: number): string {
  if (first === last) return DAY_NAMES[first];
  const joiner = last === first + 1 ? ', ' : '–';
  return `${DAY_NAMES[first]}${joiner}${DAY_NAMES[last]}`;
}

/** "09:00" → "9:00". */
function short(time: string): string {
  return time.replace(/^0(\d)/, '$1');
}
