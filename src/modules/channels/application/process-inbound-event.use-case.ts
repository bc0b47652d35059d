import { Injectable } from '@nestjs/common';
import { inboundMessages } from '../../../observability/metrics';
import { inSpan } from '../../../observability/trace-context';
import { captureTraceContext } from '../../../observability/trace-context';
import { PermanentError } from '../../../shared/domain-error';
import { LeadsFacade, type Channel } from '../../leads';
import { OutboxWriter } from '../../outbox';
import type { ChannelEvent } from '../ports/channel-event.port';
import { InboundEventStore } from '../ports/inbound-event-store.port';
import { ChannelEventParsers } from './messenger.registry';

/**
 * Reads one stored webhook event in the transaction of its outbox job: every message it holds is stored (once,
 * by the provider's message id) with its triage job, delivery reports update our messages, and a failed
 * delivery sends the reply to the SMS fallback. Running it twice changes nothing.
 */
@Injectable()
export class ProcessInboundEventUseCase {
  constructor(
    private readonly events: InboundEventStore,
    private readonly parsers: ChannelEventParsers,
    private readonly leads: LeadsFacade,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(eventId: string): Promise<void> {
    const event = await this.events.find(eventId);
    if (!event) throw new PermanentError(`inbound event ${eventId} not found`);
    if (event.processedAt) return;
    const channel = event.channel as Channel;
    for (const item of this.parsers.for(channel).parse(event.payload)) await this.apply(channel, item);
    await this.events.markProcessed(eventId);
  }

  private async apply(channel: Channel, event: ChannelEvent): Promise<void> {
    if (event.kind === 'message') {
      await inSpan('inbound.message', { 'messaging.system': channel }, async (span) => {
        const traceContext = captureTraceContext();
        const accepted = await this.leads.acceptInbound(event.message, { topic: 'triage.process', traceContext });
        span.setAttributes({ 'volna.message_id': accepted.messageId, 'volna.duplicate': !accepted.followUpId });
        if (accepted.followUpId) {
          this.outbox.publishCommitted(accepted.followUpId, 'triage.process', {
            payload: { messageId: accepted.messageId },
            traceContext,
          });
          inboundMessages.inc({ channel });
        }
        if (accepted.followUpId && event.ackId) await this.outbox.add('inbound.ack', { channel, ackId: event.ackId });
      });
    } else if (event.kind === 'status') {
      const failed = await this.leads.applyDeliveryStatus(
        channel,
        event.providerMessageId,
        event.status,
        event.error ?? null,
      );
      if (failed) await this.outbox.add('reply.fallback', { messageId: failed });
    }
  }
}
