import { Processor } from '@nestjs/bullmq';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { OutboxProcessor, type OutboxContext, type OutboxPayloads } from '../../../outbox';
import { TriageMessageUseCase, type Understood } from '../../application/triage-message.use-case';

@Processor('triage.process', { autorun: false })
export class TriageProcessor extends OutboxProcessor<OutboxPayloads['triage.process']> {
  protected override readonly concurrency: number;

  constructor(
    private readonly triageMessage: TriageMessageUseCase,
    env: EnvironmentVariables,
  ) {
    super();
    // Triage mostly waits on the LLM (outside any transaction), so it can run more jobs than other topics.
    this.concurrency = env.TRIAGE_CONCURRENCY;
  }

  /** The classification (maybe an LLM call) happens before the job's transaction, holding no connection. */
  override prepare(payload: OutboxPayloads['triage.process']): Promise<Understood> {
    return this.triageMessage.understand(payload.messageId);
  }

  handle(_payload: OutboxPayloads['triage.process'], context: OutboxContext): Promise<void> {
    return this.triageMessage.execute(context.prepared as Understood);
  }
}
