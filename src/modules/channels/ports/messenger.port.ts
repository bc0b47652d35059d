import type { Channel } from '../../leads';

export interface OutgoingMessage {
  messageId: string;
  channel: Channel;
  /** Where the channel delivers it: chat id, wa_id, webchat session. */
  threadId: string;
  text: string;
}

export interface SentMessage {
  providerMessageId: string | null;
}

/** Sends a message through one channel. Throws TransientError or PermanentError on failure. */
export abstract class Messenger {
  abstract readonly channel: Channel;
  abstract send(message: OutgoingMessage): Promise<SentMessage>;
}
