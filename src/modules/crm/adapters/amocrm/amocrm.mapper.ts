import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Channel, LeadForCrm } from '../../../leads';

/**
 * Pure mapping between our lead and amoCRM API v4 payloads. No I/O here: the adapter decides what to call, this
 * file decides what the bodies look like and how answers are read.
 */

/** A custom field value as amoCRM returns it (and, with field_id or field_code, as it accepts it). */
export interface AmoCustomFieldValue {
  field_id?: number;
  field_code?: string | null;
  values: Array<{ value?: unknown; enum_id?: number; enum_code?: string | null }>;
}

export interface AmoLead {
  id: number;
  name?: string;
  custom_fields_values?: AmoCustomFieldValue[] | null;
  _embedded?: { contacts?: Array<{ id: number; is_main?: boolean }>; tags?: Array<{ id?: number; name: string }> };
}

export interface AmoContact {
  id: number;
  name?: string;
  custom_fields_values?: AmoCustomFieldValue[] | null;
  _embedded?: { leads?: Array<{ id: number }> };
}

export interface AmoNote {
  id: number;
  entity_id?: number;
  note_type?: string;
  params?: { text?: string } | null;
}

export interface AmoTask {
  id: number;
  text?: string;
  entity_id?: number;
  entity_type?: string;
  is_completed?: boolean;
}

/** The account settings the payloads depend on (from the environment). */
export interface AmoMappingConfig {
  pipelineId?: number;
  statusId?: number;
  responsibleUserId?: number;
  /** Lead custom field (text) holding our lead id: the dedupe key. */
  externalIdFieldId?: number;
  taskDeadlineMinutes: number;
}

const CHANNEL_LABELS: Record<Channel, string> = {
  webchat: 'Веб-чат',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  vk: 'ВКонтакте',
};

/** Lead names are capped by amoCRM; keep well inside. */
const MAX_LEAD_NAME = 250;
/** A note's text is kept under this many characters; the oldest transcript lines go first. */
export const MAX_NOTE_TEXT = 15000;
/** Every task this integration sets starts with this, so a retry can tell ours from a manager's. */
export const HOT_TASK_PREFIX = 'Горячий лид';
/** Built-in amoCRM task type 1: "Звонок" (call / follow-up). */
const TASK_TYPE_CALL = 1;

export function channelLabel(channel: Channel): string {
  return CHANNEL_LABELS[channel] ?? channel;
}

function urgencyLabel(urgency: LeadForCrm['urgency']): string {
  return urgency === 'hot' ? 'горячий' : 'холодный';
}

/** "Веб-чат: booking — Катя". */
export function leadName(lead: LeadForCrm): string {
  const name = lead.contact.name?.trim();
  const title = `${channelLabel(lead.channel)}: ${lead.intent}${name ? ` — ${name}` : ''}`;
  return title.length > MAX_LEAD_NAME ? `${title.slice(0, MAX_LEAD_NAME - 1)}…` : title;
}

/** The new contact embedded in a complex add: first name and the phone as a WORK phone. */
export function newContactPayload(lead: LeadForCrm): Record<string, unknown> | null {
  const name = lead.contact.name?.trim() || null;
  const phone = lead.contact.phone;
  if (!name && !phone) return null;
  const contact: Record<string, unknown> = name
    ? { first_name: name }
    : { name: `Клиент (${channelLabel(lead.channel)})` };
  if (phone) {
    contact.custom_fields_values = [{ field_code: 'PHONE', values: [{ value: phone, enum_code: 'WORK' }] }];
  }
  return contact;
}

/**
 * Body of POST /api/v4/leads/complex: one lead, our id in the external-id field, channel and intent as tags, and
 * either the contact amoCRM already has (`{id}`) or a new one. `request_id` is echoed back for correlation only.
 */
export function complexLeadPayload(
  lead: LeadForCrm,
  config: AmoMappingConfig,
  existingContactId: number | null,
): Array<Record<string, unknown>> {
  const item: Record<string, unknown> = { name: leadName(lead) };
  if (config.pipelineId !== undefined) item.pipeline_id = config.pipelineId;
  if (config.statusId !== undefined) item.status_id = config.statusId;
  if (config.responsibleUserId !== undefined) item.responsible_user_id = config.responsibleUserId;
  if (config.externalIdFieldId !== undefined) {
    item.custom_fields_values = [{ field_id: config.externalIdFieldId, values: [{ value: lead.id }] }];
  }
  const tags = [...new Set([lead.channel, lead.intent].filter((tag) => tag && tag.trim()))].map((name) => ({ name }));
  const embedded: Record<string, unknown> = { tags };
  if (existingContactId !== null) embedded.contacts = [{ id: existingContactId }];
  else {
    const contact = newContactPayload(lead);
    if (contact) embedded.contacts = [contact];
  }
  item._embedded = embedded;
  item.request_id = lead.id;
  return [item];
}

/** What POST /api/v4/leads/complex answered: `[{id, contact_id, company_id, request_id, merged}]`. */
export function parseComplexResult(
  body: unknown,
): { leadId: number; contactId: number | null; merged: boolean } | null {
  const first = Array.isArray(body) ? (body[0] as Record<string, unknown> | undefined) : undefined;
  const id = Number(first?.id);
  if (!first || !Number.isInteger(id) || id <= 0) return null;
  const contactId = Number(first.contact_id);
  return {
    leadId: id,
    contactId: Number.isInteger(contactId) && contactId > 0 ? contactId : null,
    merged: first.merged === true,
  };
}

function transcriptLines(transcript: LeadForCrm['transcript']): string[] {
  return transcript.map((m) => `${m.direction === 'in' ? 'Клиент' : 'Бот'}: ${m.text}`);
}

function detailLines(details: Record<string, string>): string[] {
  return Object.entries(details)
    .filter(([, value]) => value !== undefined && value !== null && String(value).trim() !== '')
    .map(([key, value]) => `• ${key}: ${value}`);
}

/** Keeps the head and as many of the newest lines as fit. */
function fit(head: string[], lines: string[], max = MAX_NOTE_TEXT): string {
  const headText = head.join('\n');
  const kept: string[] = [];
  let length = headText.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (length + lines[i].length + 1 > max) {
      kept.unshift('…');
      break;
    }
    kept.unshift(lines[i]);
    length += lines[i].length + 1;
  }
  return [headText, ...kept].join('\n');
}

/** The first note on a new lead: intent, hot/cold, the slots triage filled, then the conversation so far. */
export function leadNoteText(lead: LeadForCrm): string {
  const head = [
    `Заявка из канала «${channelLabel(lead.channel)}»`,
    `Намерение: ${lead.intent}`,
    `Срочность: ${urgencyLabel(lead.urgency)}${lead.status === 'escalated' ? ' (нужен менеджер)' : ''}`,
  ];
  const details = detailLines(lead.details);
  if (details.length > 0) head.push('Детали:', ...details);
  head.push('', 'Переписка:');
  return fit(head, transcriptLines(lead.transcript));
}

/** A later note on the same lead: only the messages that came after the last delivery. */
export function followUpNoteText(lead: LeadForCrm, messages: LeadForCrm['transcript']): string {
  const head = [`Новые сообщения (${channelLabel(lead.channel)}; ${lead.intent}; ${urgencyLabel(lead.urgency)}):`];
  return fit(head, transcriptLines(messages));
}

/** Messages newer than the watermark (all of them without one), oldest first. */
export function messagesAfter(transcript: LeadForCrm['transcript'], watermark: Date | null): LeadForCrm['transcript'] {
  if (!watermark || Number.isNaN(watermark.getTime())) return [...transcript];
  return transcript.filter((m) => m.at.getTime() > watermark.getTime());
}

/** The newest message time, as stored in refs (`notedThrough`) once a note carried it. */
export function lastMessageAt(messages: LeadForCrm['transcript']): string | null {
  if (messages.length === 0) return null;
  return new Date(Math.max(...messages.map((m) => m.at.getTime()))).toISOString();
}

export function hotTaskText(lead: LeadForCrm, deadlineMinutes: number): string {
  const who = [lead.contact.name?.trim(), lead.contact.phone].filter(Boolean).join(', ');
  return `${HOT_TASK_PREFIX}: ${lead.intent} (${channelLabel(lead.channel)}). Свяжитесь с клиентом${
    who ? ` (${who})` : ''
  } в течение ${deadlineMinutes} мин.`;
}

/** Body of POST /api/v4/tasks: a call task on the lead, due CRM_TASK_DEADLINE_MINUTES from now. */
export function hotTaskPayload(
  lead: LeadForCrm,
  amoLeadId: number,
  config: AmoMappingConfig,
  nowMs: number,
): Array<Record<string, unknown>> {
  const task: Record<string, unknown> = {
    text: hotTaskText(lead, config.taskDeadlineMinutes),
    complete_till: Math.floor(nowMs / 1000) + config.taskDeadlineMinutes * 60,
    entity_type: 'leads',
    entity_id: amoLeadId,
    task_type_id: TASK_TYPE_CALL,
    request_id: `${lead.id}:hot-task`,
  };
  if (config.responsibleUserId !== undefined) task.responsible_user_id = config.responsibleUserId;
  return [task];
}

/** Body of POST /api/v4/leads/notes: one common note on the lead. */
export function notePayload(amoLeadId: number, text: string, requestId: string): Array<Record<string, unknown>> {
  return [{ entity_id: amoLeadId, note_type: 'common', params: { text }, request_id: requestId }];
}

/** The value of the external-id custom field on an amoCRM lead, or null. */
export function externalIdOf(lead: AmoLead, fieldId: number): string | null {
  const field = (lead.custom_fields_values ?? []).find((f) => Number(f.field_id) === fieldId);
  const value = field?.values?.[0]?.value;
  return value === undefined || value === null ? null : String(value);
}

/** The main (else first) contact of a lead fetched `with=contacts`. */
export function mainContactId(lead: AmoLead): number | null {
  const contacts = lead._embedded?.contacts ?? [];
  const main = contacts.find((c) => c.is_main) ?? contacts[0];
  return main ? Number(main.id) : null;
}

/**
 * What to put in `query` to find a contact by phone: the national number (9131234567). amoCRM's query is a plain
 * text search, and "+7…" and "8…" spellings of the same number are different strings, so the national part is the
 * one piece every spelling shares.
 */
export function phoneSearchQuery(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone);
  const national = parsed?.nationalNumber ? String(parsed.nationalNumber) : phone.replace(/\D/g, '');
  return national.length > 10 ? national.slice(-10) : national;
}

/** Whether one of the contact's PHONE values is the same number (allowing a country code or trunk prefix). */
export function contactHasPhone(contact: AmoContact, phone: string): boolean {
  const wanted = phoneSearchQuery(phone);
  if (wanted.length < 5) return false;
  const phones = (contact.custom_fields_values ?? []).filter((f) => f.field_code === 'PHONE');
  return phones.some((field) =>
    (field.values ?? []).some((v) => {
      const digits = String(v.value ?? '').replace(/\D/g, '');
      return digits.endsWith(wanted) && digits.length - wanted.length <= 3;
    }),
  );
}

/** The items of a HAL collection answer; [] for a 204 (null) or any other shape. */
export function embeddedItems<T>(body: unknown, collection: string): T[] {
  const items = (body as { _embedded?: Record<string, unknown> } | null)?._embedded?.[collection];
  return Array.isArray(items) ? (items as T[]) : [];
}
