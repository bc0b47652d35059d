import type { CurrentLead } from './lead';
import type { Channel } from './channel';

export type MessageDirection = 'in' | 'out';
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
/** Statuses of an outbound message the client has (or will have) seen. */
export const DELIVERED_STATUSES: readonly MessageStatus[] = ['sent', 'delivered', 'read'];

export interface InboundMessage {
  channel: Channel;
  /** The sender's id in the channel (chat id, wa_id, webchat session). */
  externalUserId: string;
  /** The thread the message belongs to; one conversation per (channel, thread). */
  threadId: string;
  /** The provider's id for this message: the dedupe key of provider retries. */
  providerMessageId: string;
  /** The client's words; a caption, or empty, when the message is only an attachment. */
  text: string;
  name?: string;
  phone?: string;
  /** What the message carries besides text (voice, photo, sticker, document, ...): the bot cannot read it. */
  attachment?: AttachmentKind;
  /** Further ids of the sender in the channel, kept on the identity (WhatsApp's newer user id next to wa_id). */
  profile?: Record<string, string>;
}

export const ATTACHMENT_KINDS = [
  'voice',
  'audio',
  'photo',
  'video',
  'sticker',
  'document',
  'location',
  'other',
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export interface StoredMessage {
  id: string;
  conversationId: string;
  contactId: string;
  channel: Channel;
  threadId: string;
  direction: MessageDirection;
  text: string;
  status: MessageStatus;
  /** Quick replies offered with an outbound message. */
  buttons: string[];
  attachment: AttachmentKind | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** A client's message with what we know of the client: triage decides with both. */
export interface ClientMessage extends StoredMessage {
  contact: { name: string | null; phone: string | null };
  /** The conversation's lead as it stood when the message was read; null before the first one. */
  lead: CurrentLead | null;
}

/** The client behind an outbound message, as its channel knows them. */
export interface MessageRecipient {
  externalUserId: string;
  phone: string | null;
  lastInboundAt: Date | null;
  unreachableAt: Date | null;
}
