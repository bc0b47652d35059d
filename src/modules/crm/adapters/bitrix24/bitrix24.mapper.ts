import { DateTime } from 'luxon';
import type { Channel, LeadForCrm } from '../../../leads';

/** Our mark in ORIGINATOR_ID; with ORIGIN_ID = our lead id it is the key a retry looks the lead up by. */
export const ORIGINATOR_ID = 'volna';

export type Bitrix24Entity = 'lead' | 'deal';
export type Bitrix24Fields = Record<string, unknown>;

export interface Bitrix24MappingOptions {
  /** Channel → SOURCE_ID (the SOURCE directory of the portal). */
  sourceIds: Partial<Record<Channel, string>>;
  assignedById?: number;
  /** Time zone the transcript's times are shown in (the business's). */
  zone: string;
}

const CHANNEL_LABELS: Record<Channel, string> = {
  webchat: 'Чат на сайте',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  vk: 'ВКонтакте',
};

const DEFAULT_SOURCE_IDS: Partial<Record<Channel, string>> = { webchat: 'WEB' };

/** Long transcripts are cut from the start: the latest messages matter most to the manager. */
const MAX_TRANSCRIPT_CHARS = 20000;

/** BITRIX24_SOURCE_IDS (already validated as JSON): keeps the string values of a JSON object, ignores the rest. */
export function parseSourceIds(json: string | undefined): Partial<Record<Channel, string>> {
  if (!json) return {};
  const parsed: unknown = JSON.parse(json);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => typeof value === 'string'));
}

export function sourceIdFor(channel: Channel, sourceIds: Partial<Record<Channel, string>>): string {
  return sourceIds[channel] ?? DEFAULT_SOURCE_IDS[channel] ?? 'OTHER';
}

export function leadTitle(lead: LeadForCrm): string {
  return `${CHANNEL_LABELS[lead.channel]}: ${lead.intent}, ${clientName(lead)}`;
}

export function contactFields(lead: LeadForCrm, options: Bitrix24MappingOptions): Bitrix24Fields {
  return compact({
    NAME: lead.contact.name ?? undefined,
    PHONE: phoneField(lead),
    IM: imField(lead),
    SOURCE_ID: sourceIdFor(lead.channel, options.sourceIds),
    ORIGINATOR_ID,
    ORIGIN_ID: lead.contact.id,
    ASSIGNED_BY_ID: options.assignedById,
  });
}

export function leadFields(lead: LeadForCrm, contactId: string, options: Bitrix24MappingOptions): Bitrix24Fields {
  return compact({
    ...entityFields(lead, contactId, options),
    NAME: lead.contact.name ?? undefined,
    PHONE: phoneField(lead),
    IM: imField(lead),
  });
}

/** A portal in simple CRM mode has no leads: the same request becomes a deal (which has no name or phone fields). */
export function dealFields(lead: LeadForCrm, contactId: string, options: Bitrix24MappingOptions): Bitrix24Fields {
  return compact(entityFields(lead, contactId, options));
}

export function taskTitle(lead: LeadForCrm): string {
  return `Горячий лид: связаться с клиентом (${clientName(lead)})`;
}

export function taskFields(
  lead: LeadForCrm,
  target: { entity: Bitrix24Entity; id: string },
  responsibleId: number,
  deadline: Date,
  zone: string,
): Bitrix24Fields {
  const description = [
    `Клиент: ${clientName(lead)}`,
    lead.contact.phone ? `Телефон: ${lead.contact.phone}` : undefined,
    `Канал: ${CHANNEL_LABELS[lead.channel]}`,
    `Запрос: ${lead.intent}`,
    detailsLine(lead),
    lastClientMessage(lead),
  ];
  return {
    TITLE: taskTitle(lead),
    DESCRIPTION: description.filter(Boolean).join('\n'),
    RESPONSIBLE_ID: responsibleId,
    DEADLINE: bitrixDateTime(deadline, zone),
    UF_CRM_TASK: [crmBinding(target.entity, target.id)],
  };
}

/** The UF_CRM_TASK binding of a task to a CRM record: L_<lead id> or D_<deal id>. */
export function crmBinding(entity: Bitrix24Entity, id: string): string {
  return `${entity === 'lead' ? 'L' : 'D'}_${id}`;
}

/** ISO 8601 to the second with an explicit offset, so the portal does not read it in its own time zone. */
export function bitrixDateTime(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}

export function formatTranscript(messages: LeadForCrm['transcript'], zone: string): string {
  const lines = messages.map(
    (m) =>
      `[${DateTime.fromJSDate(m.at, { zone }).toFormat('dd.MM HH:mm')}] ${m.direction === 'in' ? 'Клиент' : 'Бот'}: ${m.text}`,
  );
  let text = lines.join('\n');
  if (text.length > MAX_TRANSCRIPT_CHARS) text = `…${text.slice(text.length - MAX_TRANSCRIPT_CHARS)}`;
  return text;
}

/** The messages the CRM has not seen: those after the last delivery (all of them if there was none). */
export function newMessages(lead: LeadForCrm): LeadForCrm['transcript'] {
  const since = lead.crmDeliveredAt?.getTime();
  return since === undefined ? lead.transcript : lead.transcript.filter((m) => m.at.getTime() > since);
}

/** The timeline comment of a follow-up sync, or null when there is nothing new to say. */
export function followUpComment(lead: LeadForCrm, zone: string): string | null {
  const messages = newMessages(lead);
  if (messages.length === 0) return null;
  return [`Новые сообщения (${CHANNEL_LABELS[lead.channel]}):`, formatTranscript(messages, zone)].join('\n');
}

export function leadComments(lead: LeadForCrm, zone: string): string {
  return [
    `Запрос: ${lead.intent}`,
    `Срочность: ${lead.urgency === 'hot' ? 'горячий' : 'обычный'}`,
    lead.status === 'escalated' ? 'Нужен менеджер: бот передал разговор человеку' : undefined,
    detailsLine(lead),
    '',
    'Переписка:',
    formatTranscript(lead.transcript, zone),
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

function entityFields(lead: LeadForCrm, contactId: string, options: Bitrix24MappingOptions): Bitrix24Fields {
  return {
    TITLE: leadTitle(lead),
    SOURCE_ID: sourceIdFor(lead.channel, options.sourceIds),
    SOURCE_DESCRIPTION: `Volna: ${CHANNEL_LABELS[lead.channel]}`,
    COMMENTS: leadComments(lead, options.zone),
    ORIGINATOR_ID,
    ORIGIN_ID: lead.id,
    CONTACT_ID: contactId,
    ASSIGNED_BY_ID: options.assignedById,
  };
}

function clientName(lead: LeadForCrm): string {
  return lead.contact.name ?? 'без имени';
}

function phoneField(lead: LeadForCrm): Bitrix24Fields[] | undefined {
  return lead.contact.phone ? [{ VALUE: lead.contact.phone, VALUE_TYPE: 'MOBILE' }] : undefined;
}

/**
 * Bitrix24 has no WhatsApp IM type, and the lead carries no messenger handle for the other channels: only a
 * WhatsApp number is known, filed as IM type OTHER so the card shows how the client wrote.
 */
function imField(lead: LeadForCrm): Bitrix24Fields[] | undefined {
  return lead.channel === 'whatsapp' && lead.contact.phone
    ? [{ VALUE: lead.contact.phone, VALUE_TYPE: 'OTHER' }]
    : undefined;
}

function detailsLine(lead: LeadForCrm): string | undefined {
  const details = Object.entries(lead.details);
  return details.length > 0 ? `Детали: ${details.map(([key, value]) => `${key}: ${value}`).join('; ')}` : undefined;
}

function lastClientMessage(lead: LeadForCrm): string | undefined {
  const last = [...lead.transcript].reverse().find((m) => m.direction === 'in');
  return last ? `Последнее сообщение: ${last.text}` : undefined;
}

function compact(fields: Bitrix24Fields): Bitrix24Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
