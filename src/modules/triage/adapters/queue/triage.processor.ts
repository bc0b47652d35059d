import { Processor } from '@nestjs/bullmq';
import { OutboxProcessor, type OutboxPayloads } from '../../../outbox';
import { TriageMessageUseCase } from '../../application/triage-message.use-case';

@Processor('triage.process', { autorun: false })
export class TriageProcessor extends OutboxProcessor<OutboxPayloads['triage.process']> {
  constructor(private readonly triageMessage: TriageMessageUseCase) {
    super();
  }

  handle(payload: OutboxPayloads['triage.process']): Promise<void> {
    return this.triageMessage.execute(payload.messageId);
  }
}
