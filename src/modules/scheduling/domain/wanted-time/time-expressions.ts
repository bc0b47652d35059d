/**
 * Recognizers for the time-of-day words of a message: clock times ("в 5", "к 10ти", "в 10-30", "на 15.00",
 * "в половине шестого"), ranges ("с 10 до 12", "после 18", "до 15"), parts of the day ("утром", "после обеда",
 * "вечером") and moments counted from now ("минут через 20").
 */
import { Recognizer, rx } from './recognizer';
import {
  COUNT_WORD,
  HOUR_WORD,
  MONTH_WORD,
  ORDINAL_HOUR,
  countNumber,
  hourWordNumber,
  ordinalHourNumber,
} from './time-lexicon';
import { ClockRef, Meridiem, TimeExpression } from './time-of-day';

const MERIDIEM = '(?:утра|утром|дня|днем|вечера|вечером|ночи)';
/** "к 10ти", "в 5ть", "к 7ми", "к 3м". */
const HOUR_SUFFIX = '(?:-?(?:ти|ть|ми|м|х|и))?';
const HOURS_WORD = '(?:\\s*(?:час[а-я]*|ч)\\b)?';
const MERIDIEM_TAIL = `(?:\\s+${MERIDIEM}\\b)?`;
/** A clock time; minutes after ":", "." or "-" ("17:30", "17.30", "10-30"). Ends at a word boundary. */
const CLOCK = `(?:\\d{1,2}(?!\\d)(?:\\s?[:.\\-]\\s?\\d{2}(?!\\d))?${HOUR_SUFFIX}|${HOUR_WORD})${HOURS_WORD}${MERIDIEM_TAIL}(?![а-яa-z0-9])`;
/** The same without "-" minutes, for the two ends of "с 10-12". */
const RANGE_CLOCK = `(?:\\d{1,2}(?!\\d)(?:\\s?[:.]\\s?\\d{2}(?!\\d))?${HOUR_SUFFIX}|${HOUR_WORD})${HOURS_WORD}${MERIDIEM_TAIL}(?![а-яa-z0-9])`;

/** What may follow a number that is a count, a date or an age, not a clock time ("в 4 руки", "в 10 мин"). */
const COUNT_NOUN =
  '(?:рук|раз|лет|год|класс|мин|день|дней|недел|месяц|км|тыс|человек|числ|штук|руб|процент|сеанс|процедур|занят|урок|этаж|кабинет|групп|ногт|зуб|колес|литр|кг|мм|см)[а-я]*\\b|(?:р|г|л|т|шт|чел|мес)\\b';
const NOT_A_TIME_AFTER = `(?!\\s*(?:[:./-]\\s*\\d|\\(?\\d|${COUNT_NOUN}|${MONTH_WORD}|%|\\+))`;

interface ClockText {
  readonly text: string;
  /** The preposition before it: "в 11.10" is a time, "на 15.12" a date. */
  readonly lead?: string;
}

/** Reads "17:30", "5", "10ти", "десяти", "7 вечера", "09:00"; null when it is no clock time after all. */
function readClock({ text, lead }: ClockText): ClockRef | null {
  const m = /^(?:(\d{1,2})(?:\s?([:.-])\s?(\d{2}))?|([а-я]+))/.exec(text);
  if (!m) return null;
  const hour = m[1] !== undefined ? Number(m[1]) : hourWordNumber(m[4]);
  const minute = m[3] !== undefined ? Number(m[3]) : 0;
  if (hour === null || hour > 23 || minute > 59) return null;
  // "15.12" and "10-12" look like a date or a range of hours; only "в 11.10" / "к 10.10" read as a time.
  if (
    m[2] &&
    m[2] !== ':' &&
    minute !== 0 &&
    minute <= 12 &&
    (m[2] === '-' || !['в', 'во', 'к', 'ко'].includes(lead ?? ''))
  )
    return null;
  // "на 2 часа", "на 3 дня": a duration, not a moment.
  if (lead === 'на' && (/час[а-я]*$/.test(text) || /^\S+\s+дня$/.test(text))) return null;
  return { hour, minute, meridiem: meridiemOf(text, m[1]) };
}

function meridiemOf(text: string, digits: string | undefined): Meridiem | undefined {
  if (/(?:утра|утром|ночи)$/.test(text)) return 'am';
  if (/(?:дня|днем|вечера|вечером)$/.test(text)) return 'pm';
  // "09:00", "08.30": a leading zero means the 24-hour clock.
  return digits?.length === 2 && digits.startsWith('0') ? 'am' : undefined;
}

function at(clock: ClockRef | null): TimeExpression | null {
  return clock && { type: 'at', clock };
}

function between(from: ClockRef | null | undefined, to: ClockRef | null | undefined): TimeExpression | null {
  if (from === null || to === null) return null;
  return { type: 'between', from, to };
}

function part(from: number | undefined, to: number | undefined, hint?: Meridiem): Recognizer<TimeExpression>['read'] {
  return () => ({ type: 'part', from, to, hint });
}

const hours = (h: number): number => h * 60;

export const TIME_RECOGNIZERS: readonly Recognizer<TimeExpression>[] = [
  // ---- ranges
  {
    pattern: rx(`\\b(?:с|со|от)\\s+(${RANGE_CLOCK})\\s*(?:и\\s+)?(?:до|-|по)\\s*(${RANGE_CLOCK})${NOT_A_TIME_AFTER}`),
    read: (m) => between(readClock({ text: m[1] }), readClock({ text: m[2] })),
  },
  {
    pattern: rx(`\\bмежду\\s+(${RANGE_CLOCK})\\s+и\\s+(${RANGE_CLOCK})${NOT_A_TIME_AFTER}`),
    read: (m) => between(readClock({ text: m[1] }), readClock({ text: m[2] })),
  },
  {
    // "в 10-12", "к 14-15": a range of hours.
    pattern: rx(
      `\\b(?:в|во|на|к)\\s+(\\d{1,2})\\s*-\\s*(\\d{1,2})${HOUR_SUFFIX}${HOURS_WORD}${MERIDIEM_TAIL}(?![а-яa-z0-9])${NOT_A_TIME_AFTER}`,
    ),
    read: (m) => {
      const [from, to] = [Number(m[1]), Number(m[2])];
      return from < to && to <= 23 ? between({ hour: from, minute: 0 }, { hour: to, minute: 0 }) : null;
    },
  },
  {
    pattern: rx(`\\b(?:после|позже|не\\s+раньше|не\\s+ранее|начиная\\s+с|с|со)\\s+(${CLOCK})${NOT_A_TIME_AFTER}`),
    read: (m) => between(readClock({ text: m[1] }), undefined),
  },
  {
    pattern: rx(`\\b(?:до|не\\s+позже|не\\s+позднее)\\s+(${CLOCK})${NOT_A_TIME_AFTER}`),
    read: (m) => between(undefined, readClock({ text: m[1] })),
  },
  // ---- clock times
  {
    pattern: rx(`\\b(в|во|к|ко|на)\\s+(${CLOCK})${NOT_A_TIME_AFTER}`),
    read: (m) => at(readClock({ text: m[2], lead: m[1] })),
  },
  {
    // "около 5", "примерно в 3", "где-то к 10", "часа в 3", "часов на 7", "часам к 5".
    pattern: rx(
      `\\b(?:около|примерно(?:\\s+(?:в|к|на))?|где-?\\s?то\\s+(?:в|к|на)|в\\s+районе|час(?:а|ов|ам|ику|иков)\\s+(?:в|к|на))\\s+(${CLOCK})${NOT_A_TIME_AFTER}`,
    ),
    read: (m) => at(readClock({ text: m[1], lead: 'в' })),
  },
  {
    // "19:00", "9:20" on their own.
    pattern: rx(`(?<![\\d.:,])((?:[01]?\\d|2[0-3]):[0-5]\\d${MERIDIEM_TAIL})(?!\\d)`),
    read: (m) => at(readClock({ text: m[1] })),
  },
  {
    // "в половине шестого", "в пол шестого", "полшестого", "пол 6": half past the hour before.
    pattern: rx(`\\b(?:(?:в|к)\\s+)?(?:половине|пол)\\s*(${ORDINAL_HOUR}|\\d{1,2}(?:-?го)?)\\b`),
    read: (m) => {
      const named = ordinalHourNumber(m[1]) ?? Number.parseInt(m[1], 10);
      return named >= 1 && named <= 12 ? at({ hour: named === 1 ? 12 : named - 1, minute: 30 }) : null;
    },
  },
  {
    // "без четверти шесть", "без 15 6".
    pattern: rx(
      `\\bбез\\s+(четверти|пятнадцати|десяти|двадцати|пяти|\\d{1,2})(?:\\s+минут)?\\s+(${HOUR_WORD}|\\d{1,2})\\b`,
    ),
    read: (m) => {
      const before = { четверти: 15, пятнадцати: 15, десяти: 10, двадцати: 20, пяти: 5 }[m[1]] ?? Number(m[1]);
      const named = hourWordNumber(m[2]) ?? Number(m[2]);
      if (before < 1 || before > 30 || named < 1 || named > 23) return null;
      return at({ hour: named - 1 === 0 ? 12 : named - 1, minute: 60 - before });
    },
  },
  {
    pattern: rx(`\\b(в|к|около)\\s+(\\d{1,2}|${HOUR_WORD})\\s+с\\s+половиной\\b`),
    read: (m) => {
      const clock = readClock({ text: m[2], lead: m[1] });
      return clock && at({ ...clock, minute: 30 });
    },
  },
  { pattern: rx('\\b(?:в|к|около)\\s+полдень\\b'), read: () => at({ hour: 12, minute: 0 }) },
  { pattern: rx('\\bв\\s+час\\s+дня\\b'), read: () => at({ hour: 13, minute: 0 }) },
  // ---- parts of the day ("добрый вечер" and "доброе утро" are greetings)
  {
    pattern: rx('(?<!добр[а-я]*\\s)\\b(?:с\\s+(?:самого\\s+)?утра|утром|утро|поутру|с\\s+утреца)\\b'),
    read: part(undefined, hours(12), 'am'),
  },
  { pattern: rx('(?<!с\\s)\\b(?:днем|в\\s+дневное\\s+время)\\b'), read: part(hours(12), hours(17), 'pm') },
  {
    pattern: rx('\\b(?:в\\s+обед|в\\s+обеденн[а-я]*\\s+(?:время|перерыв)|во\\s+время\\s+обеда|на\\s+обед)\\b'),
    read: part(hours(12), hours(14), 'pm'),
  },
  {
    pattern: rx(
      '\\b(?:после\\s+обеда|после\\s+полудня|во\\s+второй\\s+половине\\s+дня|втор[а-я]*\\s+половин[а-я]*\\s+дня)\\b',
    ),
    read: part(hours(13), undefined, 'pm'),
  },
  {
    pattern: rx('\\b(?:до\\s+обеда|в\\s+первой\\s+половине\\s+дня|перв[а-я]*\\s+половин[а-я]*\\s+дня)\\b'),
    read: part(undefined, hours(13)),
  },
  { pattern: rx('\\bдо\\s+полудня\\b'), read: part(undefined, hours(12), 'am') },
  { pattern: rx('\\b(?:ближе\\s+к\\s+вечеру|под\\s+вечер|к\\s+вечеру)\\b'), read: part(hours(16), undefined, 'pm') },
  {
    pattern: rx('(?<!добр[а-я]*\\s)\\b(?:вечером|вечер|вечерн[а-я]*(?:\\s+время)?)\\b'),
    read: part(hours(17), undefined, 'pm'),
  },
  { pattern: rx('\\bпосле\\s+работы\\b'), read: part(hours(18), undefined, 'pm') },
  // ---- counted from now
  {
    pattern: rx(`\\bчерез\\s+(?:(\\d{1,3}|${COUNT_WORD})\\s*)?(минут[а-я]*|мин|час[а-я]*|ч)\\b`),
    read: (m) => inMinutes(m[1] ?? '1', m[2]),
  },
  {
    pattern: rx(`\\b(минут[а-я]*|мин|часа|часов|часик[а-я]*)\\s+через\\s+(\\d{1,3}|${COUNT_WORD})\\b`),
    read: (m) => inMinutes(m[2], m[1]),
  },
  { pattern: rx('\\bчерез\\s+пол\\s*часа\\b'), read: () => ({ type: 'in', minutes: 30 }) },
  { pattern: rx('\\bчерез\\s+полтора\\s+часа\\b'), read: () => ({ type: 'in', minutes: 90 }) },
];

function inMinutes(count: string, unit: string): TimeExpression | null {
  const n = countNumber(count);
  if (n === null || n <= 0) return null;
  const minutes = unit.startsWith('ч') ? n * 60 : n;
  return minutes <= 12 * 60 ? { type: 'in', minutes } : null;
}
