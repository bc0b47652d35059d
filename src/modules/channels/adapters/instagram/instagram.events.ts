import { Injectable } from '@nestjs/common';
import type { AttachmentKind, InboundMessage } from '../../../leads';
import { ChannelEventParser, type ChannelEvent } from '../../ports/channel-event.port';

type Json = Record<string, unknown>;

const ATTACHMENT_KINDS: Record<string, AttachmentKind> = {
  image: 'photo',
  video: 'video',
  audio: 'voice', // Instagram's audio attachments are voice notes recorded in the chat
  file: 'document',
  sticker: 'sticker',
  animated_image: 'sticker',
  location: 'location',
};

/**
 * Reads an Instagram messaging webhook (`object: instagram`): every entry and every `messaging[]` item. Client
 * messages, quick-reply and button presses become messages; our own echoes, reads, reactions, edits and events
 * delivered to another app in standby are ignored.
 */
export function parseInstagramWebhook(payload: unknown): ChannelEvent[] {
  if (!isObject(payload) || payload.object !== 'instagram') return [ignored('not an instagram event')];
  const events: ChannelEvent[] = [];
  for (const entry of list(payload.entry)) {
    const accountId = text(entry.id);
    for (const item of list(entry.messaging)) events.push(readMessaging(item, accountId));
    if (list(entry.standby).length) events.push(ignored('standby: another app holds the thread'));
    if (list(entry.changes).length) events.push(ignored('changes (comments, mentions, test events)'));
  }
  return events.length ? events : [ignored('no messaging events')];
}

/** The injectable face of `parseInstagramWebhook`, total even on payloads nobody foresaw. */
@Injectable()
export class InstagramEventParser extends ChannelEventParser {
  readonly channel = 'instagram' as const;

  parse(payload: unknown): ChannelEvent[] {
    try {
      return parseInstagramWebhook(payload);
    } catch {
      return [ignored('unreadable payload')];
    }
  }
}

function readMessaging(item: Json, accountId: string | undefined): ChannelEvent {
  const senderId = isObject(item.sender) ? text(item.sender.id) : undefined;
  if (isObject(item.message)) {
    const message = item.message;
    if (message.is_echo === true || (senderId && senderId === accountId)) return ignored('echo of our own message');
    if (message.is_deleted === true) return ignored('message deleted');
    if (message.is_unsupported === true) return ignored('unsupported message');
    const mid = text(message.mid);
    if (!mid || !senderId) return ignored('message without mid or sender');
    const quickReply = isObject(message.quick_reply) ? text(message.quick_reply.payload) : undefined;
    const attachment = firstAttachment(message.attachments);
    return inbound(senderId, mid, quickReply ?? text(message.text) ?? '', attachment);
  }
  if (isObject(item.postback)) {
    const mid = text(item.postback.mid);
    const title = text(item.postback.title) ?? text(item.postback.payload);
    if (!mid || !senderId || !title) return ignored('postback without mid, sender or title');
    return inbound(senderId, mid, title);
  }
  const kind = ['read', 'reaction', 'message_edit', 'referral', 'optin'].find((key) => key in item);
  return ignored(kind ?? 'unknown messaging event');
}

function inbound(senderId: string, mid: string, body: string, attachment?: AttachmentKind): ChannelEvent {
  const message: InboundMessage = {
    channel: 'instagram',
    externalUserId: senderId,
    threadId: senderId,
    providerMessageId: mid,
    text: body,
    ...(attachment ? { attachment } : {}),
  };
  return { kind: 'message', message };
}

function firstAttachment(attachments: unknown): AttachmentKind | undefined {
  const [first] = list(attachments);
  if (!first) return undefined;
  return ATTACHMENT_KINDS[String(first.type)] ?? 'other'; // shares, story mentions, reels, posts
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
