import { Injectable, Logger } from '@nestjs/common';
import { messagesSent, observeFirstReply } from '../../../observability/metrics';
import { PermanentError } from '../../../shared/domain-error';
import { DELIVERED_STATUSES, LeadsFacade, type StoredMessage } from '../../leads';
import { OutboxWriter } from '../../outbox';
import { OutsideServiceWindowError, RecipientUnreachableError } from '../domain/channel-errors';
import { MessengerRegistry } from './messenger.registry';

/**
 * Delivers one outbound message through its channel, once. When the channel cannot deliver it for good (the
 * client blocked the bot, closed their messages, or Meta's 24-hour window has passed) the message goes to the SMS
 * fallback, and a blocked channel is marked so nothing more is tried there until the client writes again.
 */
@Injectable()
export class SendReplyUseCase {
  private readonly logger = new Logger(SendReplyUseCase.name);

  constructor(
    private readonly leads: LeadsFacade,
    private readonly messengers: MessengerRegistry,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(messageId: string, outboxId: string): Promise<void> {
    const found = await this.leads.outboundWithRecipient(messageId);
    if (!found) throw new PermanentError(`outbound message ${messageId} not found`);
    const { message, recipient } = found;
    if (DELIVERED_STATUSES.includes(message.status) || message.status === 'failed') return;
    if (!recipient) throw new PermanentError(`outbound message ${messageId} has no recipient in ${message.channel}`);
    if (recipient.unreachableAt) {
      await this.unreachable(message, recipient.phone, 'the client cannot be reached in this channel');
      return;
    }

    try {
      const sent = await this.messengers.for(message.channel).send({
        messageId: message.id,
        outboxId,
        channel: message.channel,
        threadId: message.threadId,
        text: message.text,
        buttons: message.buttons,
        recipient,
      });
      const firstReplySeconds = await this.leads.markSent(message.id, sent.providerMessageId, sent.via ?? null);
      messagesSent.inc({ channel: message.channel, outcome: sent.via ?? 'sent' });
      if (firstReplySeconds !== null) observeFirstReply(firstReplySeconds);
    } catch (error) {
      if (error instanceof RecipientUnreachableError) {
        await this.leads.markUnreachable(message.channel, recipient.externalUserId, error.reason);
        await this.unreachable(message, recipient.phone, error.message);
        return;
      }
      if (error instanceof OutsideServiceWindowError) {
        await this.fallBack(message, error.message);
        return;
      }
      throw error;
    }
  }

  /**
   * The client blocked us (or closed their messages) here: an SMS when they gave a phone; otherwise the message
   * is marked failed without alerting the managers for every reply to someone who chose not to hear from us.
   */
  private async unreachable(message: StoredMessage, phone: string | null, reason: string): Promise<void> {
    if (phone) return this.fallBack(message, reason);
    await this.leads.markFailed(message.id, reason);
    messagesSent.inc({ channel: message.channel, outcome: 'failed' });
    this.logger.warn(`reply ${message.id} not delivered in ${message.channel} and no phone for SMS: ${reason}`);
  }

  private async fallBack(message: StoredMessage, reason: string): Promise<void> {
    await this.leads.markFailed(message.id, reason);
    await this.outbox.add('reply.fallback', { messageId: message.id });
    messagesSent.inc({ channel: message.channel, outcome: 'failed' });
    this.logger.warn(`reply ${message.id} not delivered in ${message.channel}, trying SMS: ${reason}`);
  }
}
