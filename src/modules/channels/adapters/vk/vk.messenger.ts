import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Messenger, type OutgoingMessage, type SentMessage } from '../../ports/messenger.port';
import { inlineKeyboard } from './vk-keyboard';
import { COMMUNITY_RATE_PER_SEC, VkClient } from './vk.client';
import { VkRefusedError } from './vk.errors';

/** 911: keyboard format invalid; 912: the community has bot capabilities (keyboards) switched off. */
const KEYBOARD_REFUSED = new Set([911, 912]);

/**
 * The random_id of a reply: a signed 32-bit integer derived from its outbox row, the same on every retry. VK
 * sends a message once per random_id, so a retry after a lost answer does not send it twice. The message's UUID is
 * mixed in because VK keeps random_ids with its message history: outbox ids of a freshly created database start
 * at 1 again and would otherwise repeat old ones. 0 turns VK's check off, so it is never used.
 */
export function randomIdFor(message: Pick<OutgoingMessage, 'outboxId' | 'messageId'>): number {
  const digest = createHash('sha256').update(`vk:${message.outboxId}:${message.messageId}`).digest();
  const id = digest.readInt32BE(0);
  return id === 0 ? 1 : id;
}

/** Sends replies with messages.send into the client's dialog with the community, offered answers as buttons. */
@Injectable()
export class VkMessenger extends Messenger {
  readonly channel = 'vk' as const;
  override readonly sendRatePerSec = COMMUNITY_RATE_PER_SEC;
  private readonly logger = new Logger(VkMessenger.name);

  constructor(private readonly client: VkClient) {
    super();
  }

  async send(message: OutgoingMessage): Promise<SentMessage> {
    const params: Record<string, string> = {
      peer_id: message.threadId,
      message: message.text,
      random_id: String(randomIdFor(message)),
    };
    if (message.buttons.length === 0) return this.sendWith(params);
    try {
      return await this.sendWith({ ...params, keyboard: JSON.stringify(inlineKeyboard(message.buttons)) });
    } catch (error) {
      if (!(error instanceof VkRefusedError && KEYBOARD_REFUSED.has(error.code))) throw error;
      // A reply without its buttons still answers the client; the reason goes to the log for a person to fix.
      this.logger.warn(
        `VK refused the buttons of reply ${message.messageId}, sending it without them: ${error.message}`,
      );
      return this.sendWith(params);
    }
  }

  private async sendWith(params: Record<string, string>): Promise<SentMessage> {
    const messageId = await this.client.call<unknown>('messages.send', params);
    return { providerMessageId: typeof messageId === 'number' ? String(messageId) : null };
  }
}
