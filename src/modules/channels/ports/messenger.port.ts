import type { Channel } from '../../leads';

export interface Recipient {
  /** The client's id in the channel: Telegram user id, wa_id, IGSID, VK user id, webchat session. */
  externalUserId: string;
  /** E.164, when the client has given it (any channel): the SMS fallback's address. */
  phone: string | null;
  /** When the client last wrote in this channel: Meta's 24-hour customer-service window starts there. */
  lastInboundAt: Date | null;
}

export interface OutgoingMessage {
  messageId: string;
  /** The outbox row sending it: stable across retries, so it can be the provider's idempotency key (VK random_id). */
  outboxId: string;
  channel: Channel;
  /** Where the channel delivers it: chat id, wa_id, IGSID, VK peer id, webchat session. */
  threadId: string;
  text: string;
  /** Quick replies offered under the text, as button labels (the label is what comes back when pressed). */
  buttons: string[];
  recipient: Recipient;
}

export interface SentMessage {
  providerMessageId: string | null;
  /** How it went out when not as a plain message: `template` (WhatsApp outside the 24-hour window). */
  via?: 'template';
}

/**
 * Sends messages through one channel. Throws TransientError (with retryAfterMs when the provider says when),
 * PermanentError, RecipientUnreachableError (blocked the bot, privacy settings) or OutsideServiceWindowError.
 */
export abstract class Messenger {
  abstract readonly channel: Channel;
  /** The provider's limit on sends a second for the whole account, when it has one; the reply queue keeps to it. */
  readonly sendRatePerSec?: number;
  abstract send(message: OutgoingMessage): Promise<SentMessage>;
  /** Acknowledges an interaction the provider waits on (Telegram callback_query), so the client's button stops spinning. */
  acknowledge?(ackId: string): Promise<void>;
}
