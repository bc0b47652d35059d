import type { Channel } from './channel';

export type MessageDirection = 'in' | 'out';
export type MessageStatus = 'received' | 'queued' | 'sent' | 'failed';

export interface InboundMessage {
  channel: Channel;
  /** The sender's id in the channel (chat id, wa_id, webchat session). */
  externalUserId: string;
  /** The thread the message belongs to; one conversation per (channel, thread). */
  threadId: string;
  /** The provider's id for this message: the dedupe key of provider retries. */
  providerMessageId: string;
  text: string;
  name?: string;
  phone?: string;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  contactId: string;
  channel: Channel;
  threadId: string;
  direction: MessageDirection;
  text: string;
  status: MessageStatus;
  createdAt: Date;
  sentAt: Date | null;
}
