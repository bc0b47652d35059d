import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AttachmentKind, InboundMessage } from '../../../leads';
import { ChannelEventParser, type ChannelEvent } from '../../ports/channel-event.port';
import { labelOfPayload } from './vk-keyboard';

/** Peer ids from this number on are multi-user chats (2000000000 + chat_id), not a client's private dialog. */
export const VK_CHAT_PEER_OFFSET = 2_000_000_000;

/** VK attachment types and what they are to us; anything not listed is `other` (wall post, poll, gift, ...). */
const ATTACHMENT_KINDS: Record<string, AttachmentKind> = {
  audio_message: 'voice',
  audio: 'audio',
  photo: 'photo',
  graffiti: 'photo',
  video: 'video',
  sticker: 'sticker',
  doc: 'document',
};

/** The Callback API envelope: `{type, group_id, event_id, v, object, secret}`. */
export interface VkCallback {
  type: string;
  group_id?: unknown;
  event_id?: unknown;
  v?: unknown;
  object?: unknown;
  secret?: unknown;
}

export function isVkCallback(payload: unknown): payload is VkCallback {
  return isRecord(payload) && typeof payload.type === 'string' && payload.type.length > 0;
}

/**
 * The key a delivery is stored under: VK's `event_id`, the same on every redelivery. API versions before 5.103
 * send none; then the event's own ids stand in (a message by peer and conversation message id), or, for events
 * without ids, a hash of the object, which a redelivery repeats byte for byte.
 */
export function vkEventKey(event: VkCallback): string {
  if (typeof event.event_id === 'string' && event.event_id.length > 0) return event.event_id;
  const message = messageOf(event.object);
  if (message && isId(message.peer_id) && isId(message.conversation_message_id)) {
    return `${event.type}:${message.peer_id}:${message.conversation_message_id}`;
  }
  if (message && isId(message.id) && message.id > 0) return `${event.type}:${message.id}`;
  const digest = createHash('sha256')
    .update(JSON.stringify(event.object ?? null))
    .digest('hex');
  return `${event.type}:${digest.slice(0, 32)}`;
}

/**
 * Reads one Callback API event as the webhook stored it. Only `message_new` in a private dialog is a client
 * writing; our own replies (`message_reply`), edits, typing, message permissions and the rest are ignored.
 */
export function parseVkCallback(payload: unknown): ChannelEvent[] {
  if (!isVkCallback(payload)) return [ignored('not a Callback API event')];
  if (payload.type !== 'message_new') return [ignored(`event type ${payload.type}`)];
  const message = messageOf(payload.object);
  return [message ? fromMessage(message) : ignored('message_new without a message')];
}

@Injectable()
export class VkEventParser extends ChannelEventParser {
  readonly channel = 'vk' as const;

  parse(payload: unknown): ChannelEvent[] {
    return parseVkCallback(payload);
  }
}

/** Since API 5.103 the message sits in `object.message` (next to `client_info`); before, `object` was the message. */
function messageOf(object: unknown): Record<string, unknown> | null {
  if (!isRecord(object)) return null;
  if (isRecord(object.message)) return object.message;
  return 'peer_id' in object || 'from_id' in object ? object : null;
}

function fromMessage(message: Record<string, unknown>): ChannelEvent {
  const { from_id: fromId, peer_id: peerId, conversation_message_id: cmid, id } = message;
  if (!isId(fromId) || !isId(peerId)) return ignored('message without sender or peer');
  if (message.out === 1) return ignored('our own message');
  if (fromId <= 0) return ignored('message from a community');
  if (peerId >= VK_CHAT_PEER_OFFSET) return ignored('group chat');
  let providerMessageId: string;
  if (isId(cmid) && cmid > 0) providerMessageId = `${peerId}:${cmid}`;
  else if (isId(id) && id > 0) providerMessageId = String(id);
  else return ignored('message without an id');

  const content = contentOf(message);
  if (!content) return ignored('service message');
  return {
    kind: 'message',
    message: {
      channel: 'vk',
      externalUserId: String(fromId),
      threadId: String(peerId),
      providerMessageId,
      ...content,
    },
  };
}

type Content = Pick<InboundMessage, 'text' | 'attachment'>;

/**
 * The words of the message: a pressed button of ours stands for its full label (VK shows a label cut to 40
 * characters, the payload keeps it whole); otherwise the text, with the first attachment's kind.
 */
function contentOf(message: Record<string, unknown>): Content | null {
  const pressed = labelOfPayload(message.payload);
  if (pressed) return { text: pressed };
  const text = typeof message.text === 'string' ? message.text : '';
  const attachment = attachmentOf(message);
  if (attachment) return { text, attachment };
  if (isRecord(message.action)) return null; // a chat service message: invite, title change, pin, ...
  return text.trim() ? { text } : null;
}

function attachmentOf(message: Record<string, unknown>): AttachmentKind | undefined {
  const first = Array.isArray(message.attachments) ? (message.attachments as unknown[]).find(isRecord) : undefined;
  if (first) return typeof first.type === 'string' ? (ATTACHMENT_KINDS[first.type] ?? 'other') : 'other';
  if (isRecord(message.geo)) return 'location';
  // Forwarded messages carry someone else's words: the bot cannot take them as the client's.
  return Array.isArray(message.fwd_messages) && message.fwd_messages.length > 0 ? 'other' : undefined;
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
