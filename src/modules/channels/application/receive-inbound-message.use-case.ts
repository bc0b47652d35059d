import { Injectable } from '@nestjs/common';
import { inSpan } from '../../../observability/trace-context';
import { UnitOfWork } from '../../../shared/unit-of-work';
import { LeadsFacade, type InboundMessage } from '../../leads';
import { OutboxWriter } from '../../outbox';

export interface AcceptedMessage {
  messageId: string;
  conversationId: string;
  duplicate: boolean;
}

/**
 * Accepting a message means it is durable: the message and the job to triage it commit together, and only
 * then does the caller answer the provider. A provider's retry returns the first record and adds no work.
 */
@Injectable()
export class ReceiveInboundMessageUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly leads: LeadsFacade,
    private readonly outbox: OutboxWriter,
  ) {}

  execute(message: InboundMessage): Promise<AcceptedMessage> {
    return inSpan('inbound.receive', { 'messaging.system': message.channel }, (span) =>
      this.uow.run(async () => {
        const recorded = await this.leads.recordInbound(message);
        span.setAttributes({ 'volna.message_id': recorded.messageId, 'volna.duplicate': recorded.duplicate });
        if (!recorded.duplicate) await this.outbox.add('triage.process', { messageId: recorded.messageId });
        return {
          messageId: recorded.messageId,
          conversationId: recorded.conversationId,
          duplicate: recorded.duplicate,
        };
      }),
    );
  }
}
