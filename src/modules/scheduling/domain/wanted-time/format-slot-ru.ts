import { DateTime } from 'luxon';

/** A slot as the bot writes it to a client: "пт, 27 ноября, 17:00" (in the slot's own time zone). */
export function formatSlotRu(slot: DateTime): string {
  return slot.setLocale('ru').toFormat('ccc, d MMMM, HH:mm');
}
