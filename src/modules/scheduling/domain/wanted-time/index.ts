/**
 * Wanted time: the days and times a client's Russian message asks for, as concrete intervals in the business
 * time zone. Pure domain code (luxon only).
 *
 *   parseWantedTime(text, now, { zone, dayStart?, dayEnd? }) -> WantedInterval[] | null
 *
 * null means the message says nothing about a day or a time. Otherwise the intervals are sorted, one per day
 * (a day with no time is its whole working day, dayStart..dayEnd, "09:00".."21:00" by default), and
 * `exact` ones are moments (`from` = `to`) for a named clock time. How words are read:
 * - Text as people write it: any case, "ё", Latin transliteration ("v pt posle 18"), abbreviations ("пт",
 *   "пятн", "1 янв"), common misspellings ("седня", "завтро"), emojis.
 * - A bare hour 1..12 is read in the half of the day inside working hours; when both or neither are, 1..8 are
 *   p.m. ("в 5" = 17:00) and 9..12 a.m. "утра", "вечера", "дня", "утром", "вечером" settle it.
 * - Parts of the day: утром = start..12:00, днём 12-17, в обед 12-14, после обеда 13..end, до обеда
 *   start..13, вечером 17..end, после работы 18..end. A clock time beside them wins ("вечером часов в 7").
 * - Days: a weekday is its next occurrence (today too, until the wanted time on it has passed); "следующий"
 *   means next week's; "15.12", "15 декабря", "28 числа" are the next such date; "на выходных", "на
 *   следующей неделе", "в будни", "в декабре", "до конца месяца", "после нового года" are every day of the
 *   period from the first day still open (at most 62 days); "до пятницы" / "после 25го" are the days up to /
 *   the week after. Time words with no day mean the nearest such time (today, or tomorrow once it is past).
 * - "сейчас", "как можно скорее", "срочно" (only when nothing more precise is said) mean now to the end of
 *   today, plus tomorrow; "минут через 20" is now + 20 minutes.
 * - What the client does not want is left out: "не в 3 а в 5", "в 13 вместо 12", "кроме среды", the old slot
 *   of "с четверга на пятницу" or "перенесите ... на среду", and days in a clause that refuses them or names the
 *   existing booking ("в субботу не получится", "записан на пятницу") unless nothing else is named.
 * - Intervals already over are dropped when others are ahead and one under way starts now; if all are over
 *   they are returned as named, so the caller can say the moment has passed.
 */
export { parseWantedTime, readWantedTime, type WantedTimeReading } from './parse-wanted-time';
export type { WantedInterval, WantedTimeOptions } from './wanted-interval';
