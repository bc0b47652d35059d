/**
 * Personal data (152-FZ): what survives a retention purge or an erasure on request. The rule is a whitelist: what
 * is ours (ids, times, counts, our own classification) stays so the KPIs stay correct; whatever holds the
 * client's words, name or numbers goes, including fields added later that nobody listed here.
 */

/** Lead details we produce ourselves; the rest (name, phone, the client's date and time words) is erased. */
export const NON_PERSONAL_LEAD_DETAILS: readonly string[] = ['service', 'visit', 'appointmentId'];

/** A message's triage without its slots, which quote the client (phone, name, date and time words). */
export const NON_PERSONAL_TRIAGE_FIELDS: readonly string[] = ['intent', 'confidence', 'urgency', 'escalate', 'source'];

/** Prefix of the random token that replaces an erased identity's or thread's id: unique, and leads nowhere. */
export const ERASED_ID_PREFIX = 'erased:';

/** What an erased raw webhook body becomes. */
export const ERASED_EVENT_PAYLOAD = { erased: true } as const;

/** How one contact's erasure went; only ids, times and counts, so it is safe to return, log and audit. */
export interface ErasureReport {
  contactId: string;
  /** When the contact was first erased; erasing again keeps it. */
  erasedAt: Date;
  /** The contact's rows that are now free of personal data (their ids, times and counts remain). */
  identities: number;
  conversations: number;
  messages: number;
  leads: number;
  /** Raw webhook bodies of this contact blanked by this call (0 when a previous call did it). */
  inboundEvents: number;
}

export interface RetentionPolicy {
  messageDays: number;
  inboundEventDays: number;
}

export interface RetentionCutoffs {
  /** Message texts created before this are blanked. */
  messagesBefore: Date;
  /** Raw webhook bodies received before this are deleted. */
  inboundEventsBefore: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function retentionCutoffs(now: Date, policy: RetentionPolicy): RetentionCutoffs {
  return {
    messagesBefore: new Date(now.getTime() - policy.messageDays * DAY_MS),
    inboundEventsBefore: new Date(now.getTime() - policy.inboundEventDays * DAY_MS),
  };
}

/**
 * The values by which a raw webhook body belongs to a contact: each identity's id in the channel (Telegram and
 * VK send it as a number, WhatsApp as the phone's digits) and the contact's phone as providers write it.
 */
export function eventNeedles(externalIds: readonly string[], phoneE164: string | null): Array<string | number> {
  const needles = new Set<string | number>();
  for (const id of externalIds) {
    if (id.startsWith(ERASED_ID_PREFIX)) continue;
    needles.add(id);
    if (/^-?\d{1,15}$/.test(id)) needles.add(Number(id));
  }
  if (phoneE164) {
    needles.add(phoneE164);
    needles.add(phoneE164.replace(/^\+/, ''));
  }
  return [...needles];
}
