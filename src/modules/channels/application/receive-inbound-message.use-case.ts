import { Injectable } from '@nestjs/common';
import { inboundMessages } from '../../../observability/metrics';
import { captureTraceContext, inSpan } from '../../../observability/trace-context';
import { LeadsFacade, type InboundMessage } from '../../leads';
import { OutboxWriter } from '../../outbox';

export interface AcceptedMessage {
  messageId: string;
  conversationId: string;
  duplicate: boolean;
}

/**
 * Accepting a message means it is durable: the message and the outbox row to triage it commit together, and
 * only then does the caller answer the provider. A provider's retry returns the first record and adds no work.
 */
@Injectable()
export class ReceiveInboundMessageUseCase {
  constructor(
    private readonly leads: LeadsFacade,
    private readonly outbox: OutboxWriter,
  ) {}

  execute(message: InboundMessage): Promise<AcceptedMessage> {
    return inSpan('inbound.receive', { 'messaging.system': message.channel }, async (span) => {
      const traceContext = captureTraceContext();
      const accepted = await this.leads.acceptInbound(message, { topic: 'triage.process', traceContext });
      const duplicate = accepted.followUpId === null;
      span.setAttributes({ 'volna.message_id': accepted.messageId, 'volna.duplicate': duplicate });
      if (accepted.followUpId) {
        this.outbox.publishCommitted(accepted.followUpId, 'triage.process', {
          payload: { messageId: accepted.messageId },
          traceContext,
        });
      }
      if (!duplicate) inboundMessages.inc({ channel: message.channel });
      return { messageId: accepted.messageId, conversationId: accepted.conversationId, duplicate };
    });
  }
}
