import { Injectable } from '@nestjs/common';
import type { CallbackQuery, Chat, Contact, Message, Update, User } from '@grammyjs/types';
import { normalizePhone } from '../../../../shared/phone';
import type { AttachmentKind, InboundMessage } from '../../../leads';
import { ChannelEventParser, type ChannelEvent } from '../../ports/channel-event.port';
import { labelOfPressedButton } from './telegram-buttons';

/**
 * What a message carries when it is not text, in the order Telegram's fields are checked: an animation also
 * has `document`, a venue also has `location`.
 */
const ATTACHMENT_FIELDS: Array<[keyof Message, AttachmentKind]> = [
  ['voice', 'voice'],
  ['audio', 'audio'],
  ['photo', 'photo'],
  ['video', 'video'],
  ['video_note', 'video'],
  ['animation', 'video'],
  ['sticker', 'sticker'],
  ['document', 'document'],
  ['venue', 'location'],
  ['location', 'location'],
  ['poll', 'other'],
  ['dice', 'other'],
  ['game', 'other'],
  ['story', 'other'],
  ['paid_media', 'other'],
  ['checklist', 'other'],
];

/**
 * Reads one Telegram Update as the webhook stored it. Private chats only: a bot added to a group is not talking
 * to a client. Edits, channel posts, membership changes and service messages are ignored.
 */
export function parseTelegramUpdate(payload: unknown): ChannelEvent[] {
  if (!isRecord(payload)) return [ignored('not an object')];
  const update = payload as Partial<Update>;
  if (update.message !== undefined) return [fromMessage(update.message)];
  if (update.callback_query !== undefined) return [fromCallbackQuery(update.callback_query)];
  const type = Object.keys(update).find((key) => key !== 'update_id');
  return [ignored(`update type ${type ?? 'none'}`)];
}

@Injectable()
export class TelegramEventParser extends ChannelEventParser {
  readonly channel = 'telegram' as const;

  parse(payload: unknown): ChannelEvent[] {
    return parseTelegramUpdate(payload);
  }
}

function fromMessage(message: unknown): ChannelEvent {
  if (!isRecord(message) || !isUser(message.from) || !isChat(message.chat) || !isId(message.message_id)) {
    return ignored('message without sender, chat or id');
  }
  const { from, chat } = message;
  if (chat.type !== 'private') return ignored(`${String(chat.type)} chat`);
  if (from.is_bot) return ignored('message from a bot');
  const base = {
    channel: 'telegram' as const,
    externalUserId: String(from.id),
    threadId: String(chat.id),
    providerMessageId: `${chat.id}:${message.message_id}`,
    ...sender(from),
  };
  const content = contentOf(message as Partial<Message>, from);
  return content ? { kind: 'message', message: { ...base, ...content } } : ignored('service message');
}

type Content = Pick<InboundMessage, 'text' | 'phone' | 'attachment'>;

function contentOf(message: Partial<Message>, from: User): Content | null {
  if (typeof message.text === 'string') return { text: message.text };
  if (isRecord(message.contact)) return sharedContact(message.contact as Contact, from);
  const caption = typeof message.caption === 'string' ? message.caption : '';
  const kind = ATTACHMENT_FIELDS.find(([field]) => message[field] !== undefined)?.[1];
  return kind ? { text: caption, attachment: kind } : null;
}

/**
 * A contact card. The client's own (the "share my phone" button, or their card picked by hand) gives us their
 * phone; someone else's card is kept as text for a person to read, never as the client's phone.
 */
function sharedContact(contact: Contact, from: User): Content {
  const raw = typeof contact.phone_number === 'string' ? contact.phone_number.trim() : '';
  // Telegram sends the number without "+" ("79131234567"); read as a national number it would not parse.
  const phone = normalizePhone(/^\d+$/.test(raw) ? `+${raw}` : raw) ?? undefined;
  if (contact.user_id === from.id) {
    return { text: `Мой номер телефона: ${phone ?? raw}`, ...(phone ? { phone } : {}) };
  }
  const name = [contact.first_name, contact.last_name].filter((part) => typeof part === 'string' && part).join(' ');
  return { text: `Отправлен контакт: ${[name, phone ?? raw].filter(Boolean).join(', ')}` };
}

/**
 * A press on one of our inline buttons: the client "said" the button's label. The label is looked up in the
 * keyboard of the message the press came from; the raw data stands in when that message is gone.
 */
function fromCallbackQuery(query: unknown): ChannelEvent {
  if (!isRecord(query) || typeof query.id !== 'string' || !isUser(query.from)) {
    return ignored('callback query without id or sender');
  }
  const { id, from } = query;
  const { data, message } = query as Partial<CallbackQuery>;
  if (typeof data !== 'string' || !data) return ignored('callback query without data');
  const chat = isRecord(message) && isChat(message.chat) ? message.chat : undefined;
  if (chat && chat.type !== 'private') return ignored(`${String(chat.type)} chat`);
  const label = isRecord(message) ? labelOfPressedButton(message.reply_markup, data) : undefined;
  return {
    kind: 'message',
    ackId: id,
    message: {
      channel: 'telegram',
      externalUserId: String(from.id),
      threadId: String(chat?.id ?? from.id),
      providerMessageId: `cb:${id}`,
      text: label ?? data,
      ...sender(from),
    },
  };
}

function sender(from: User): Pick<InboundMessage, 'name' | 'profile'> {
  const name = [from.first_name, from.last_name]
    .filter((part) => typeof part === 'string')
    .join(' ')
    .trim();
  return {
    ...(name ? { name } : {}),
    ...(typeof from.username === 'string' && from.username ? { profile: { username: from.username } } : {}),
  };
}

function ignored(reason: string): ChannelEvent {
  return { kind: 'ignored', reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isUser(value: unknown): value is User {
  return isRecord(value) && isId(value.id);
}

function isChat(value: unknown): value is Chat {
  return isRecord(value) && isId(value.id);
}
