import { DateTime } from 'luxon';

/** A slot as a button: short enough for every messenger's button limits (WhatsApp allows 20 characters). */
export function slotLabel(startsAt: Date, zone: string): string {
  return DateTime.fromJSDate(startsAt, { zone }).setLocale('ru').toFormat('ccc dd.MM, HH:mm');
}

/** The same moment for a sentence: "пятница, 27 ноября, 17:00". */
export function slotPhrase(startsAt: Date, zone: string): string {
  return DateTime.fromJSDate(startsAt, { zone }).setLocale('ru').toFormat('cccc, d MMMM, HH:mm');
}

const normalize = (text: string) =>
  text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}:.\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** A pressed button comes back as its label; people also retype it with other spacing or case. */
export function sameLabel(label: string, text: string): boolean {
  return normalize(label) === normalize(text);
}

export function isYes(text: string): boolean {
  return /^(да|ага|угу|конечно|верно|точно|подтверждаю|отменяйте|отмените|да отменить)(?=\s|$)/.test(normalize(text));
}

export function isNo(text: string): boolean {
  return /^(нет|не надо|не нужно|не отменяйте|оставьте|оставить)(?=\s|$)/.test(normalize(text));
}

export const CONFIRM_VISIT = 'Подтверждаю';
export const MOVE_VISIT = 'Перенести';
export const CANCEL_VISIT = 'Отменить';
export const YES_CANCEL = 'Да, отменить';
export const NO_KEEP = 'Нет, оставить';
