import { Injectable } from '@nestjs/common';
import { PermanentError } from '../../../shared/domain-error';
import { LeadsFacade } from '../../leads';
import { MessengerRegistry } from './messenger.registry';

/** Delivers one outbound message through its channel, once. */
@Injectable()
export class SendReplyUseCase {
  constructor(
    private readonly leads: LeadsFacade,
    private readonly messengers: MessengerRegistry,
  ) {}

  async execute(messageId: string): Promise<void> {
    const message = await this.leads.findMessage(messageId);
    if (!message || message.direction !== 'out') throw new PermanentError(`outbound message ${messageId} not found`);
    if (message.status === 'sent') return;
    const sent = await this.messengers.for(message.channel).send({
      messageId: message.id,
      channel: message.channel,
      threadId: message.threadId,
      text: message.text,
    });
    await this.leads.markSent(message.id, sent.providerMessageId);
  }
}
