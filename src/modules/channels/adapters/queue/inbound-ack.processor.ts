import { Processor } from '@nestjs/bullmq';
import { OutboxProcessor, type OutboxPayloads } from '../../../outbox';
import type { Channel } from '../../../leads';
import { MessengerRegistry } from '../../application/messenger.registry';

@Processor('inbound.ack', { autorun: false })
export class InboundAckProcessor extends OutboxProcessor<OutboxPayloads['inbound.ack']> {
  constructor(private readonly messengers: MessengerRegistry) {
    super();
  }

  async handle(payload: OutboxPayloads['inbound.ack']): Promise<void> {
    await this.messengers.for(payload.channel as Channel).acknowledge?.(payload.ackId);
  }
}
