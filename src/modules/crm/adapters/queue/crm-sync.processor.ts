import { Processor } from '@nestjs/bullmq';
import { OutboxProcessor, type DeadLetterInfo, type OutboxContext, type OutboxPayloads } from '../../../outbox';
import { SyncLeadToCrmUseCase } from '../../application/sync-lead-to-crm.use-case';

type CrmSyncPayload = OutboxPayloads['crm.sync'];

@Processor('crm.sync', { autorun: false })
export class CrmSyncProcessor extends OutboxProcessor<CrmSyncPayload> {
  constructor(private readonly syncLead: SyncLeadToCrmUseCase) {
    super();
  }

  handle(payload: CrmSyncPayload, context: OutboxContext): Promise<void> {
    return this.syncLead.execute(payload.leadId, context.attempt);
  }

  override onDeadLetter(payload: CrmSyncPayload, failure: DeadLetterInfo): Promise<void> {
    return this.syncLead.giveUp(payload.leadId, failure);
  }
}
