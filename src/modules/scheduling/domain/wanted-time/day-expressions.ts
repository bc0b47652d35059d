/**
 * Recognizers for the day words of a message: "сегодня", "послезавтра", "через 2 дня", weekdays ("в пт",
 * "пятн", "в следующий вторник", "по средам"), "на выходных", "на следующей неделе", "в будни", dates
 * ("15.12", "20 декабря", "1 янв", "31 и 1 января", "28 числа", "на 8е"), months and the New Year holidays.
 */
import { DateTime } from 'luxon';
import {
  DatePick,
  daySpan,
  fixed,
  mondayOf,
  nextWeekday,
  openDaysOf,
  upcomingDate,
  upcomingDayOfMonth,
  upcomingMonth,
} from './calendar';
import { Recognizer, rx, wordsBefore } from './recognizer';
import { COUNT_WORD, MONTH_WORD, WEEKDAY_WORD, countNumber, monthNumber, weekdayNumber } from './time-lexicon';
import { TimeContext } from './wanted-interval';

export interface DayExpression {
  dates(ctx: TimeContext): DatePick[];
  /** One day, which "до" or "после" before it turn into a span ("до пятницы", "после 25го"). */
  readonly single?: boolean;
  /** ISO weekday of a weekday name: "кроме среды" excludes every Wednesday. */
  readonly weekday?: number;
  /** "сейчас", "как можно скорее": stands only when the message names no other day or time. */
  readonly weak?: boolean;
}

const ORDINAL_SUFFIX = '(?:-?(?:го|е|ое|ого))?';
/** Nouns an ordinal number may count instead of a day of the month ("10-го класса", "на 2-е занятие"). */
const ORDINAL_NOUN =
  '(?:класс|этаж|раз|занят|урок|день|дня|дней|мест|ряд|подъезд|кабинет|сеанс|процедур|недел|месяц|год|ребен|зуб|квартир|дом|корпус|мин|час|визит|прием|процент|размер|уровн|степен|групп)';
/** What may follow "1.5" when it is a quantity and not a date. */
const QUANTITY_NOUN = '(?:час|раз|мин|кг|км|год|лет|литр|тыс|руб|р\\b|л\\b|%|мл|мг|см|мм|градус)';

const singleDay = (resolve: (ctx: TimeContext) => DateTime | null): DayExpression => ({
  single: true,
  dates: (ctx) => {
    const date = resolve(ctx);
    return date ? fixed([date]) : [];
  },
});

const span = (resolve: (ctx: TimeContext) => DateTime[]): DayExpression => ({ dates: (ctx) => fixed(resolve(ctx)) });

/** Days of the week in the calendar week starting `monday`, from the first open day on. */
function weekDays(ctx: TimeContext, monday: DateTime, first: number, last: number): DateTime[] {
  return openDaysOf(ctx, monday.plus({ days: first - 1 }), monday.plus({ days: last - 1 }));
}

/** Days first..last of the coming week: this week while any of them is left, else next week. */
function comingWeekDays(ctx: TimeContext, first: number, last: number, next: boolean): DateTime[] {
  const monday = mondayOf(ctx.today).plus({ weeks: next ? 1 : 0 });
  const days = weekDays(ctx, monday, first, last);
  return days[0] < ctx.firstOpenDay ? weekDays(ctx, monday.plus({ weeks: 1 }), first, last) : days;
}

const WEEK_PART: Readonly<Record<string, readonly [number, number]>> = {
  начале: [1, 3],
  середине: [3, 4],
  конце: [5, 7],
};

const MONTH_PART: Readonly<Record<string, readonly [number, number]>> = {
  начале: [1, 10],
  середине: [11, 20],
  конце: [21, 31],
};

/** Days first..last of the month starting `monthStart`, capped at its end and started at the first open day. */
function monthPart(ctx: TimeContext, monthStart: DateTime, first: number, last: number): DateTime[] {
  const end = DateTime.min(monthStart.plus({ days: last - 1 }), monthStart.endOf('month').startOf('day'));
  return openDaysOf(ctx, monthStart.plus({ days: first - 1 }), end);
}

/** January of the coming New Year (this one while it is still January). */
function comingJanuary(ctx: TimeContext): DateTime {
  return ctx.today.month === 1 ? ctx.today.startOf('year') : ctx.today.startOf('year').plus({ years: 1 });
}

/** "31 и 1 января", "18-19 декабря", "5, 6 или 7 дек": earlier numbers larger than later ones are last month's. */
function listedDates(ctx: TimeContext, text: string, month: number): DateTime[] {
  const numbers = [...text.matchAll(/\d{1,2}/g)].map((m) => Number(m[0]));
  const isRange = numbers.length === 2 && /\d\s*-\s*\d/.test(text);
  const last = upcomingDate(ctx, month, numbers[numbers.length - 1]);
  if (!last) return [];
  const dates: DateTime[] = [last];
  let monthOf = last.startOf('month');
  for (let i = numbers.length - 2; i >= 0; i -= 1) {
    if (numbers[i] > numbers[i + 1]) monthOf = monthOf.minus({ months: 1 });
    const date = monthOf.set({ day: numbers[i] });
    if (date.month !== monthOf.month) return [];
    dates.unshift(date);
  }
  return isRange ? daySpan(dates[0], dates[1]) : dates;
}

function weekdayExpression(word: string, modifier: string | undefined): DayExpression | null {
  const weekday = weekdayNumber(word);
  if (weekday === null) return null;
  if (modifier?.startsWith('след'))
    return {
      single: true,
      weekday,
      dates: (ctx) => fixed([mondayOf(ctx.today).plus({ weeks: 1, days: weekday - 1 })]),
    };
  return { single: true, weekday, dates: (ctx) => [{ date: nextWeekday(ctx.today, weekday), rollDays: 7 }] };
}

export const DAY_RECOGNIZERS: readonly Recognizer<DayExpression>[] = [
  // ---- relative days
  { pattern: rx('\\bсегодня(?:шн[а-я]*)?\\b'), read: () => singleDay((ctx) => ctx.today) },
  { pattern: rx('\\bзавтра(?:шн[а-я]*)?\\b'), read: () => singleDay((ctx) => ctx.today.plus({ days: 1 })) },
  {
    pattern: rx('\\b(?:послезавтра|после\\s+завтра)\\b'),
    read: () => singleDay((ctx) => ctx.today.plus({ days: 2 })),
  },
  {
    pattern: rx(`\\bчерез\\s+(?:(\\d{1,2}|${COUNT_WORD})\\s+)?(день|дня|дней|денек|недел[а-я]*|месяц[а-я]*)\\b`),
    read: (m) => {
      const n = countNumber(m[1] ?? '1');
      if (n === null || n < 1) return null;
      const unit = m[2].startsWith('недел') ? 'weeks' : m[2].startsWith('месяц') ? 'months' : 'days';
      return singleDay((ctx) => ctx.today.plus({ [unit]: n }));
    },
  },
  // ---- weekdays and weeks
  {
    pattern: rx(`\\b(?:(эт[аоуи][а-я]*|ближайш[а-я]*|следующ[а-я]*|след\\.?)\\s+)?(${WEEKDAY_WORD})`),
    read: (m) => weekdayExpression(m[2], m[1]),
  },
  {
    pattern: rx(
      '\\b(?:(эт[а-я]*|ближайш[а-я]*|следующ[а-я]*|след\\.?)\\s+)?(?:выходн(?:ые|ых|ым|ыми)|уикенд[а-я]*|викенд[а-я]*)\\b',
    ),
    read: (m) => span((ctx) => comingWeekDays(ctx, 6, 7, m[1]?.startsWith('след') ?? false)),
  },
  {
    pattern: rx(
      '\\b(?:будн(?:и|ям|ях|ие\\s+дни|ий\\s+день|ие|ий)|рабоч(?:ие|им)\\s+дн(?:и|ям)|в\\s+рабочий\\s+день)\\b',
    ),
    read: () =>
      span((ctx) => daySpan(ctx.firstOpenDay, ctx.firstOpenDay.plus({ days: 6 })).filter((d) => d.weekday <= 5)),
  },
  {
    pattern: rx(
      '\\b(?:(?:на|в)\\s+(?:эт[оуи][а-я]*|текущ[а-я]*)\\s+недел[а-я]*|на\\s+неделе|до\\s+конца\\s+недели)\\b',
    ),
    read: () => span((ctx) => weekDays(ctx, mondayOf(ctx.today), 1, 7)),
  },
  {
    pattern: rx('\\b(?:на|в)\\s+(?:следующ[а-я]*|след\\.?)\\s+недел[а-я]*\\b'),
    read: () => span((ctx) => weekDays(ctx, mondayOf(ctx.today).plus({ weeks: 1 }), 1, 7)),
  },
  {
    pattern: rx('\\bв\\s+(начале|середине|конце)\\s+(?:(этой|следующей|след\\.?)\\s+)?недели\\b'),
    read: (m) => {
      const [first, last] = WEEK_PART[m[1]];
      return span((ctx) => comingWeekDays(ctx, first, last, m[2]?.startsWith('след') ?? false));
    },
  },
  // ---- dates
  {
    // "15.12", "14.01.2027", "15/12"; the month has two digits, so "1.6" (litres) is no date
    pattern: rx(
      `(?<![\\d.,:/])(\\d{1,2})[./](\\d{2})(?:[./](\\d{4}|\\d{2}))?(?!\\d)(?![.,]\\d)(?!\\s*${QUANTITY_NOUN})`,
    ),
    read: (m) => {
      const [day, month] = [Number(m[1]), Number(m[2])];
      if (month < 1 || month > 12) return null;
      const year = m[3] === undefined ? undefined : Number(m[3]);
      return singleDay((ctx) => upcomingDate(ctx, month, day, year));
    },
  },
  {
    // "20 декабря", "1 янв", "5-го дек.", "31 и 1 января", "18-19 декабря"
    pattern: rx(
      `\\b(\\d{1,2}(?!\\d)${ORDINAL_SUFFIX}(?:\\s*(?:,|и|или|-)\\s*\\d{1,2}(?!\\d)${ORDINAL_SUFFIX})*)\\s+(${MONTH_WORD})`,
    ),
    read: (m) => {
      const month = monthNumber(m[2]);
      if (month === null) return null;
      const many = /\d\D+\d/.test(m[1]);
      return many
        ? span((ctx) => listedDates(ctx, m[1], month))
        : singleDay((ctx) => upcomingDate(ctx, month, Number.parseInt(m[1], 10)));
    },
  },
  {
    // "28 числа", "18-19 число", "на 3-е число"
    pattern: rx(`\\b(\\d{1,2})${ORDINAL_SUFFIX}(?:\\s*-\\s*(\\d{1,2})${ORDINAL_SUFFIX})?\\s+числ[а-я]*\\b`),
    read: (m) => {
      const first = Number(m[1]);
      if (m[2] === undefined) return singleDay((ctx) => upcomingDayOfMonth(ctx, first));
      const last = Number(m[2]);
      return span((ctx) => {
        const from = upcomingDayOfMonth(ctx, first);
        return from && last > first ? daySpan(from, from.set({ day: last })) : from ? [from] : [];
      });
    },
  },
  {
    // "3го", "после 25го", "на 8е": an "-е" ordinal needs a preposition before it to be a date.
    pattern: rx(`\\b(\\d{1,2})-?(го|ого|е|ое)\\b(?!\\s*${ORDINAL_NOUN})`),
    read: (m, text) => {
      const dayOfMonth = Number(m[1]);
      const isGenitive = m[2].endsWith('го');
      if (!isGenitive && !['на', 'к', 'до', 'после', 'с', 'со', 'по'].includes(wordsBefore(text, m.index)[0] ?? ''))
        return null;
      return singleDay((ctx) => upcomingDayOfMonth(ctx, dayOfMonth));
    },
  },
  // ---- months and holidays
  {
    pattern: rx(`\\b(?:в|на)\\s+(${MONTH_WORD})`),
    read: (m) => {
      const month = monthNumber(m[1]);
      if (month === null) return null;
      return span((ctx) => {
        const start = upcomingMonth(ctx, month);
        return openDaysOf(ctx, start, start.endOf('month').startOf('day'));
      });
    },
  },
  {
    pattern: rx(`\\bв\\s+(начале|середине|конце)\\s+(месяца|${MONTH_WORD})`),
    read: (m) => {
      const [first, last] = MONTH_PART[m[1]];
      const month = m[2] === 'месяца' ? null : monthNumber(m[2]);
      return span((ctx) => {
        const thisMonth = ctx.today.startOf('month');
        if (month !== null) return monthPart(ctx, upcomingMonth(ctx, month), first, last);
        const days = monthPart(ctx, thisMonth, first, last);
        return days[0] >= ctx.firstOpenDay ? days : monthPart(ctx, thisMonth.plus({ months: 1 }), first, last);
      });
    },
  },
  {
    pattern: rx('\\b(?:в\\s+(?:этом|текущем)\\s+месяце|до\\s+конца\\s+месяца)\\b'),
    read: () => span((ctx) => openDaysOf(ctx, ctx.today, ctx.today.endOf('month').startOf('day'))),
  },
  {
    pattern: rx('\\b(?:в\\s+(?:следующем|след\\.?)\\s+месяце|на\\s+следующ[а-я]*\\s+месяц)\\b'),
    read: () =>
      span((ctx) => {
        const start = ctx.today.startOf('month').plus({ months: 1 });
        return daySpan(start, start.endOf('month').startOf('day'));
      }),
  },
  {
    pattern: rx('\\bдо\\s+конца\\s+года\\b|\\b(?:до|перед)\\s+нов(?:ого|ым)\\s+год(?:а|ом)\\b'),
    read: () => span((ctx) => openDaysOf(ctx, ctx.today, ctx.today.endOf('year').startOf('day'))),
  },
  {
    pattern: rx('\\b(?:после|с)\\s+нового\\s+года\\b'),
    read: () =>
      span((ctx) => {
        const january = comingJanuary(ctx);
        return openDaysOf(ctx, january, january.endOf('month').startOf('day'));
      }),
  },
  {
    // After the winter holidays; in spring or autumn "после каникул" may mean other holidays and is left unread.
    pattern: rx('\\b(?:после|с)\\s+(новогодних\\s+)?(?:праздников|каникул)\\b'),
    read: (m) =>
      span((ctx) => {
        const winter = ctx.today.month >= 11 || (ctx.today.month === 1 && ctx.today.day <= 8);
        if (!m[1] && !winter) return [];
        const january = comingJanuary(ctx);
        return openDaysOf(ctx, january.set({ day: 9 }), january.endOf('month').startOf('day'));
      }),
  },
  {
    pattern: rx('\\b(?:на|в)\\s+(?:новогодн[а-я]*(?:\\s+(?:праздник[а-я]*|каникул[а-я]*))?|новый\\s+год)\\b'),
    read: () =>
      span((ctx) => {
        const january = comingJanuary(ctx);
        return openDaysOf(ctx, january, january.set({ day: 8 }));
      }),
  },
  // ---- as soon as possible
  {
    pattern: rx(
      '\\b(?:(?:прям[оа]?\\s+)?сейчас|как\\s+можно\\s+(?:скорее|скорей|раньше|быстрее|быстрей)|поскорее|побыстрее|в\\s+ближайшее\\s+время|срочно)\\b',
    ),
    read: () => ({ weak: true, dates: (ctx) => fixed([ctx.today, ctx.today.plus({ days: 1 })]) }),
  },
];
