import { DateTime } from 'luxon';

export type ReminderKind = '24h' | '1h';

export interface QuietHours {
  /** Local "HH:mm" when quiet hours begin (22:00) and end (09:00). */
  start: string;
  end: string;
}

export interface PlannedReminder {
  kind: ReminderKind;
  sendAt: Date;
}

const LEAD_TIME: Record<ReminderKind, number> = { '24h': 24 * 60, '1h': 60 };

/**
 * When to remind a client of a visit: 24 hours and 1 hour before it, in the business's time zone. A reminder
 * whose moment has already passed when the visit is booked is skipped (a booking 3 hours ahead gets only the 1 h
 * one). A reminder falling in quiet hours goes out when they end (09:00), unless that is already too late for it
 * to be a reminder (at or after the visit, or after a later reminder).
 */
export function planReminders(startsAt: Date, bookedAt: Date, zone: string, quiet: QuietHours): PlannedReminder[] {
  const start = DateTime.fromJSDate(startsAt, { zone });
  const planned: PlannedReminder[] = [];
  for (const kind of ['24h', '1h'] as const) {
    const due = start.minus({ minutes: LEAD_TIME[kind] });
    if (due.toMillis() <= bookedAt.getTime()) continue;
    const sendAt = outsideQuietHours(due, quiet);
    if (sendAt >= start) continue;
    planned.push({ kind, sendAt: sendAt.toJSDate() });
  }
  // After a quiet-hours shift the 24 h reminder may land on the 1 h one: one message is enough then.
  return planned.filter((p, i) => i === 0 || p.sendAt.getTime() > planned[i - 1].sendAt.getTime());
}

/** `moment` itself, or the end of the quiet hours it falls in. */
export function outsideQuietHours(moment: DateTime, quiet: QuietHours): DateTime {
  const [startHour, startMinute] = quiet.start.split(':').map(Number);
  const [endHour, endMinute] = quiet.end.split(':').map(Number);
  const minutes = moment.hour * 60 + moment.minute;
  const quietStart = startHour * 60 + startMinute;
  const quietEnd = endHour * 60 + endMinute;
  const spansMidnight = quietStart > quietEnd;
  const inQuiet = spansMidnight
    ? minutes >= quietStart || minutes < quietEnd
    : minutes >= quietStart && minutes < quietEnd;
  if (!inQuiet) return moment;
  const endToday = moment.set({ hour: endHour, minute: endMinute, second: 0, millisecond: 0 });
  return spansMidnight && minutes >= quietStart ? endToday.plus({ days: 1 }) : endToday;
}

/** "завтра в 17:00" / "сегодня в 17:00" / "28 ноября в 17:00", as the client reads it when the reminder arrives. */
export function visitMomentRu(startsAt: Date, sendAt: Date, zone: string): string {
  const start = DateTime.fromJSDate(startsAt, { zone }).setLocale('ru');
  const send = DateTime.fromJSDate(sendAt, { zone });
  const days = start.startOf('day').diff(send.startOf('day'), 'days').days;
  const day = days === 0 ? 'сегодня' : days === 1 ? 'завтра' : start.toFormat('d MMMM');
  return `${day} в ${start.toFormat('HH:mm')}`;
}
