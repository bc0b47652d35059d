/**
 * How a short message reads against what the bot just said: a yes or a no, one of the offered times by its position
 * or its clock time, "earlier" or "later", "the same time", a thank-you, a request for the list of services.
 * Pure functions on the message text.
 */
import { DateTime } from 'luxon';
import { normalizeText, rx } from '../russian-text';
import type { OfferedSlot } from '../dialog-state';

const norm = (text: string): string =>
  normalizeText(text)
    .text.replace(/[^\p{L}\p{N}:.\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const YES = rx(
  '^(?:да|ага|угу|конечно|верно|точно|подтверждаю|отменяйте|отмените|давайте|да отменить|yes|yep|sure)\\b',
);
const NO = rx('^(?:нет|не надо|не нужно|не отменяйте|оставьте|оставить|no|nope)\\b');

export function isYes(text: string): boolean {
  return YES.test(norm(text));
}

export function isNo(text: string): boolean {
  return NO.test(norm(text));
}

/** A pressed button comes back as its label; people also retype it with other spacing or case. */
export function sameLabel(label: string, text: string): boolean {
  return norm(label) === norm(text);
}

const POSITIONS: Array<[RegExp, (count: number) => number]> = [
  [rx('\\b(?:перв[а-я]*|1[- ]?(?:й|ый|ое|ую)?|first)\\b'), () => 0],
  [rx('\\b(?:втор[а-я]*|2[- ]?(?:й|ой|ое|ую)?|second)\\b'), () => 1],
  [rx('\\b(?:трет[а-я]*|3[- ]?(?:й|ий|ье|ью)?|third)\\b'), () => 2],
  [rx('\\b(?:последн[а-я]*|крайн[а-я]*|last)\\b'), (count) => count - 1],
];
/** "давайте последний", "второй вариант", "1": only a short message is a choice by position. */
const SHORT_CHOICE = 6;

/** The clock times a message names: "17:30", "17.30", "в 17 30", "к 5", "в пять". */
const CLOCK = rx('(?:^|\\s|в|на|к)\\s*([01]?\\d|2[0-3])(?:[:.\\s-]([0-5]\\d))?(?:\\s*(?:ч|час[а-я]*))?(?![\\d])', 'g');
const WORD_HOURS: Record<string, number> = {
  час: 1,
  двух: 2,
  два: 2,
  трех: 3,
  три: 3,
  четырех: 4,
  четыре: 4,
  пять: 5,
  пяти: 5,
  шесть: 6,
  шести: 6,
  семь: 7,
  семи: 7,
  восемь: 8,
  восьми: 8,
  девять: 9,
  девяти: 9,
  десять: 10,
  десяти: 10,
  одиннадцать: 11,
  двенадцать: 12,
};
const HALF_PAST = rx(
  '\\bпол(?:-|\\s)?(перв|втор|трет|четверт|пят|шест|седьм|восьм|девят|десят|одиннадцат|двенадцат)[а-я]*',
);
const HALF_HOURS = [
  'двенадцат',
  'перв',
  'втор',
  'трет',
  'четверт',
  'пят',
  'шест',
  'седьм',
  'восьм',
  'девят',
  'десят',
  'одиннадцат',
];

interface Clock {
  hour: number;
  minute: number;
}

function clocksIn(text: string): Clock[] {
  const out: Clock[] = [];
  const half = HALF_PAST.exec(text);
  if (half) out.push({ hour: (HALF_HOURS.indexOf(half[1]) + 11) % 12 || 12, minute: 30 });
  for (const m of text.matchAll(CLOCK)) out.push({ hour: Number(m[1]), minute: m[2] ? Number(m[2]) : 0 });
  for (const word of text.split(' ')) if (word in WORD_HOURS) out.push({ hour: WORD_HOURS[word], minute: 0 });
  return out;
}

/** The same clock time, reading a bare 1..11 as either half of the day ("в 5" is 05:00 or 17:00). */
function sameClock(clock: Clock, at: DateTime): boolean {
  if (clock.minute !== at.minute) return false;
  return clock.hour === at.hour || (clock.hour < 12 && clock.hour + 12 === at.hour);
}

/**
 * The offered slot the client picks: its button label, its position in a short reply ("давайте последний"), or its
 * clock time typed out ("на 17:30", "в полшестого"). Null when the message picks none of them.
 */
export function pickOffered(text: string, offered: readonly OfferedSlot[], zone: string): OfferedSlot | null {
  if (offered.length === 0) return null;
  const byLabel = offered.find((slot) => sameLabel(slot.label, text));
  if (byLabel) return byLabel;
  const words = norm(text);
  const wordCount = words.split(' ').length;
  const clocks = clocksIn(words);
  if (clocks.length > 0) {
    const matching = offered.filter((slot) =>
      clocks.some((c) => sameClock(c, DateTime.fromISO(slot.startsAt, { zone }))),
    );
    if (matching.length === 1) return matching[0];
  }
  if (wordCount <= SHORT_CHOICE) {
    for (const [pattern, index] of POSITIONS) {
      if (pattern.test(words)) return offered[Math.max(0, Math.min(offered.length - 1, index(offered.length)))];
    }
  }
  return null;
}

const EARLIER = rx('\\b(?:раньше|пораньше|поранее|ранее|earlier|sooner)\\b');
const LATER = rx('\\b(?:позже|попозже|позднее|попозднее|later)\\b');

/** "а можно чуть раньше?" / "попозже": a shift of the offered times, when no clock time is named. */
export function shiftAsked(text: string): 'earlier' | 'later' | null {
  const words = norm(text);
  if (clocksIn(words).length > 0) return null;
  if (EARLIER.test(words)) return 'earlier';
  if (LATER.test(words)) return 'later';
  return null;
}

const SAME_TIME = rx(
  '\\b(?:то же|тоже|это же|тоже самое|то же самое|этоже|тоже же)\\s+(?:самое\\s+)?время\\b|\\bв это же время\\b|\\bв тоже время\\b|\\bв то же время\\b|\\bпо времени так же\\b|\\bsame time\\b',
);

/** "в то же время, но в понедельник": keep the clock time, change the day. */
export function asksSameTime(text: string): boolean {
  return SAME_TIME.test(norm(text));
}

const THANKS = rx('\\b(?:спасибо|спасибки|спс|благодарю|благодарим|thank|thanks|thx)\\b');
const BYE = rx('\\b(?:до свидания|досвидания|пока|всего доброго|всего хорошего|до встречи|bye|goodbye)\\b');

/** A thank-you or a goodbye with nothing else asked. */
export function closingKind(text: string): 'thanks' | 'bye' | null {
  const words = norm(text);
  if (BYE.test(words)) return 'bye';
  if (THANKS.test(words)) return 'thanks';
  return null;
}

const SERVICE_LIST = rx(
  '\\b(?:что|чего) (?:у вас )?(?:есть|делаете|предлагаете)\\b|\\bкакие (?:у вас )?(?:есть )?(?:услуги|процедуры|направления|курсы|занятия|тренировки|работы)\\b|\\bперечень услуг|\\bсписок услуг|\\bпрайс|\\bпрейскурант|\\bwhat (?:services|do you (?:offer|do|have))|\\bprice list\\b|\\bmenu\\b',
);

/** "что у вас есть?", "какие услуги?", "прайс". */
export function asksServiceList(text: string): boolean {
  return SERVICE_LIST.test(norm(text));
}
