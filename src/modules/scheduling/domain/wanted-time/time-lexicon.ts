/** Russian words for months, weekdays and small numbers, as regular-expression sources over normalised text. */

/** Every form and common abbreviation of each month, January first. */
const MONTH_FORMS: readonly string[] = [
  'январ[а-я]*|янв',
  'феврал[а-я]*|фев',
  'март[а-я]*|мар',
  'апрел[а-я]*|апр',
  'ма[йяе]',
  'июн[а-я]*',
  'июл[а-я]*',
  'август[а-я]*|авг',
  'сентябр[а-я]*|сент?',
  'октябр[а-я]*|окт',
  'ноябр[а-я]*|нояб?',
  'декабр[а-я]*|дек',
];

/** Any month word, abbreviations with an optional dot ("1 янв.", "15 декабря"). */
export const MONTH_WORD = `(?:${MONTH_FORMS.join('|')})\\b\\.?`;

/** 1..12 for a month word, or null. */
export function monthNumber(word: string): number | null {
  const bare = word.replace(/\.$/, '');
  const index = MONTH_FORMS.findIndex((forms) => new RegExp(`^(?:${forms})$`).test(bare));
  return index < 0 ? null : index + 1;
}

/** Every form, abbreviation and frequent misspelling of each weekday, Monday (ISO 1) first. */
const WEEKDAY_FORMS: readonly string[] = [
  'понедел[а-я]*|понед|пн',
  'вторник[а-я]*|втор|вт',
  'сред(?:а|у|ы|е|ам|ах)|ср',
  'четверг[а-я]*|четв|чт',
  'пятниц[а-я]*|пятн|пт',
  'суббот[а-я]*|субб?|сб',
  'воскрес[а-я]*|воскр|вскр|вс',
];

export const WEEKDAY_WORD = `(?:${WEEKDAY_FORMS.join('|')})\\b\\.?`;

/** ISO weekday (1 = Monday) for a weekday word, or null. */
export function weekdayNumber(word: string): number | null {
  const bare = word.replace(/\.$/, '');
  const index = WEEKDAY_FORMS.findIndex((forms) => new RegExp(`^(?:${forms})$`).test(bare));
  return index < 0 ? null : index + 1;
}

/** Hours said as words, in the cases used after "в", "к", "до", "после", "без четверти". */
const HOUR_WORDS: ReadonlyArray<readonly [string, number]> = [
  ['часу', 1],
  ['двух|двум|два', 2],
  ['трех|трем|три', 3],
  ['четырех|четырем|четыре', 4],
  ['пяти|пять', 5],
  ['шести|шесть', 6],
  ['семи|семь', 7],
  ['восьми|восемь', 8],
  ['девяти|девять', 9],
  ['десяти|десять', 10],
  ['одинн?адцати|одинн?адцать', 11],
  ['двенадцати|двенадцать', 12],
];

export const HOUR_WORD = `(?:${HOUR_WORDS.map(([forms]) => forms).join('|')})`;

/** Ordinals in the genitive, as in "в половине шестого" (half past five). */
const ORDINAL_HOURS: readonly string[] = [
  'первого',
  'второго',
  'третьего',
  'четвертого',
  'пятого',
  'шестого',
  'седьмого',
  'восьмого',
  'девятого',
  'десятого',
  'одинн?адцатого',
  'двенадцатого',
];

export const ORDINAL_HOUR = `(?:${ORDINAL_HOURS.join('|')})`;

export function hourWordNumber(word: string): number | null {
  const found = HOUR_WORDS.find(([forms]) => new RegExp(`^(?:${forms})$`).test(word));
  return found ? found[1] : null;
}

export function ordinalHourNumber(word: string): number | null {
  const index = ORDINAL_HOURS.findIndex((forms) => new RegExp(`^(?:${forms})$`).test(word));
  return index < 0 ? null : index + 1;
}

/** Small counts said as words: "через пару дней", "минут через десять". */
const COUNT_WORDS: Readonly<Record<string, number>> = {
  пару: 2,
  пара: 2,
  два: 2,
  две: 2,
  три: 3,
  четыре: 4,
  пять: 5,
  десять: 10,
  пятнадцать: 15,
  двадцать: 20,
  тридцать: 30,
  сорок: 40,
};

export const COUNT_WORD = `(?:${Object.keys(COUNT_WORDS).join('|')})`;

/** A count written in digits or as a word; null when it is neither. */
export function countNumber(word: string): number | null {
  if (/^\d+$/.test(word)) return Number(word);
  return COUNT_WORDS[word] ?? null;
}
