import { Injectable } from '@nestjs/common';
import { messagesSent } from '../../../observability/metrics';
import { PermanentError } from '../../../shared/domain-error';
import { maskPhone } from '../../../shared/phone';
import { LeadsFacade } from '../../leads';
import { ManagerAlerts, SmsSender } from '../../notifications';
import type { DeadLetterInfo } from '../../outbox';

/**
 * A reply its channel could not deliver (outside Meta's 24-hour window, a `failed` delivery status) goes out as
 * an SMS to the phone the client gave. Without a phone or a gateway it dead-letters, and the managers are told
 * whom to call: a reply is never silently lost.
 */
@Injectable()
export class SendReplyFallbackUseCase {
  constructor(
    private readonly leads: LeadsFacade,
    private readonly sms: SmsSender,
    private readonly alerts: ManagerAlerts,
  ) {}

  async execute(messageId: string): Promise<void> {
    const found = await this.leads.outboundWithRecipient(messageId);
    if (!found) throw new PermanentError(`outbound message ${messageId} not found`);
    const { message, recipient } = found;
    if (message.status !== 'failed') return; // sent meanwhile, or already sent by SMS
    if (!recipient?.phone) {
      throw new PermanentError(`the reply could not be delivered in ${message.channel} and the client left no phone`);
    }
    const sent = await this.sms.send({
      to: recipient.phone,
      text: message.text,
      idempotencyKey: `reply-${message.id}`,
    });
    await this.leads.markSent(message.id, sent.providerMessageId, 'sms');
    messagesSent.inc({ channel: message.channel, outcome: 'sms' });
  }

  async giveUp(messageId: string, failure: DeadLetterInfo): Promise<void> {
    const found = await this.leads.outboundWithRecipient(messageId);
    const message = found?.message;
    const recipient = found?.recipient;
    await this.alerts.raise({
      groupKey: `reply.undelivered:${message?.channel ?? 'unknown'}`,
      title: `Ответ клиенту не доставлен (${message?.channel ?? '—'}): свяжитесь с клиентом сами`,
      sample: `${recipient?.phone ? maskPhone(recipient.phone) : 'телефон неизвестен'}: ${failure.lastError.slice(0, 200)}`,
    });
  }
}
