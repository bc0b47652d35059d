import { Processor } from '@nestjs/bullmq';
import { OutboxProcessor, type OutboxPayloads } from '../../../outbox';
import { ProcessInboundEventUseCase } from '../../application/process-inbound-event.use-case';

@Processor('inbound.process', { autorun: false })
export class InboundProcessProcessor extends OutboxProcessor<OutboxPayloads['inbound.process']> {
  constructor(private readonly processEvent: ProcessInboundEventUseCase) {
    super();
  }

  handle(payload: OutboxPayloads['inbound.process']): Promise<void> {
    return this.processEvent.execute(payload.eventId);
  }
}
