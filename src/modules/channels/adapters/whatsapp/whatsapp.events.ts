import { Injectable } from '@nestjs/common';
import { normalizePhone } from '../../../../shared/phone';
import type { AttachmentKind, InboundMessage } from '../../../leads';
import { ChannelEventParser, type ChannelEvent, type DeliveryStatus } from '../../ports/channel-event.port';

type Json = Record<string, unknown>;

/** A sender as the `contacts[]` of a change describe them, found by wa_id or by the business-scoped user id. */
interface WhatsAppContact {
  waId?: string;
  userId?: string;
  name?: string;
  username?: string;
}

const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['sent', 'delivered', 'read', 'failed'];

const MEDIA_KINDS: Record<string, AttachmentKind> = {
  image: 'photo',
  video: 'video',
  document: 'document',
  sticker: 'sticker',
  audio: 'audio',
  voice: 'voice',
  location: 'location',
  contacts: 'other',
};

/**
 * Reads a WhatsApp Cloud API webhook (`object: whatsapp_business_account`). Meta batches: every entry, every
 * `messages` change, every message and status is read, never only the first.
 */
export function parseWhatsAppWebhook(payload: unknown): ChannelEvent[] {
  if (!isObject(payload) || payload.object !== 'whatsapp_business_account') {
    return [ignored('not a whatsapp_business_account event')];
  }
  const events: ChannelEvent[] = [];
  for (const entry of list(payload.entry)) {
    for (const change of list(entry.changes)) {
      if (change.field !== 'messages' || !isObject(change.value)) {
        events.push(ignored(`field ${String(change.field)}`));
        continue;
      }
      events.push(...readChange(change.value));
    }
  }
  return events.length ? events : [ignored('no messages or statuses')];
}

/** The injectable face of `parseWhatsAppWebhook`, total even on payloads nobody foresaw. */
@Injectable()
export class WhatsAppEventParser extends ChannelEventParser {
  readonly channel = 'whatsapp' as const;

  parse(payload: unknown): ChannelEvent[] {
    try {
      return parseWhatsAppWebhook(payload);
    } catch {
      return [ignored('unreadable payload')];
    }
  }
}

function readChange(value: Json): ChannelEvent[] {
  const contacts = list(value.contacts).map(readContact);
  const events: ChannelEvent[] = [];
  for (const message of list(value.messages)) events.push(readMessage(message, contacts));
  for (const status of list(value.statuses)) events.push(readStatus(status));
  if (list(value.errors).length) events.push(ignored('errors about the business account'));
  return events;
}

function readContact(contact: Json): WhatsAppContact {
  const profile = isObject(contact.profile) ? contact.profile : {};
  return {
    waId: text(contact.wa_id),
    userId: text(contact.user_id),
    name: text(profile.name),
    username: text(profile.username),
  };
}

function readMessage(message: Json, contacts: WhatsAppContact[]): ChannelEvent {
  const id = text(message.id);
  const from = text(message.from);
  const fromUserId = text(message.from_user_id);
  if (!id || (!from && !fromUserId)) return ignored('message without id or sender');
  const content = readContent(message);
  if (!content) return ignored(`message type ${String(message.type)}`);

  const contact =
    contacts.find((c) => (from && c.waId === from) || (fromUserId && c.userId === fromUserId)) ??
    (contacts.length === 1 ? contacts[0] : {});
  const waId = from ?? contact.waId;
  const userId = fromUserId ?? contact.userId;
  // A user with a username may withhold the phone number: the business-scoped id is then all we have.
  const externalUserId = (waId ?? userId)!;
  const profile = definedEntries({ wa_id: waId, user_id: userId, username: contact.username });
  const phone = waId ? phoneOf(waId) : undefined;

  const inbound: InboundMessage = {
    channel: 'whatsapp',
    externalUserId,
    threadId: externalUserId,
    providerMessageId: id,
    text: content.text,
    ...(contact.name ? { name: contact.name } : {}),
    ...(phone ? { phone } : {}),
    ...(content.attachment ? { attachment: content.attachment } : {}),
    ...(Object.keys(profile).length ? { profile } : {}),
  };
  return { kind: 'message', message: inbound };
}

/** The words of a message (a button's label for a button press), and what it carries besides; null: not for us. */
function readContent(message: Json): { text: string; attachment?: AttachmentKind } | null {
  const type = text(message.type);
  if (!type) return null;
  const body = isObject(message[type]) ? message[type] : {};
  switch (type) {
    case 'text':
      return { text: text(body.body) ?? '' };
    case 'interactive': {
      const reply = body.type === 'button_reply' || body.type === 'list_reply' ? body[body.type] : undefined;
      const title = isObject(reply) ? text(reply.title) : undefined;
      return title ? { text: title } : null;
    }
    case 'button': // a quick reply of a template
      return text(body.text) ? { text: text(body.text)! } : null;
    case 'audio':
      return { text: '', attachment: body.voice === true ? 'voice' : 'audio' };
    case 'location':
      return { text: [text(body.name), text(body.address)].filter(Boolean).join(', '), attachment: 'location' };
    default: {
      const attachment = MEDIA_KINDS[type];
      return attachment ? { text: text(body.caption) ?? '', attachment } : null;
    }
  }
}

/** A wa_id is the client's phone number in international format, without the plus. */
function phoneOf(waId: string): string | undefined {
  return normalizePhone(`+${waId}`) ?? (/^\d{8,15}$/.test(waId) ? `+${waId}` : undefined);
}

function readStatus(status: Json): ChannelEvent {
  const id = text(status.id);
  const value = text(status.status) as DeliveryStatus | undefined;
  if (!id || !value || !DELIVERY_STATUSES.includes(value)) return ignored(`status ${String(status.status)}`);
  if (value !== 'failed') return { kind: 'status', providerMessageId: id, status: value };
  const [first] = list(status.errors);
  const error = first ? [first.code, text(first.title) ?? text(first.message)].filter(Boolean).join(' ') : '';
  return { kind: 'status', providerMessageId: id, status: 'failed', error: error || 'failed without a reason' };
}

function ignored(reason: string): ChannelEvent {
  return { kind: 'ignored', reason };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function definedEntries(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => !!entry[1]));
}
