import { Processor } from '@nestjs/bullmq';
import { EnvironmentVariables } from '../../../../config/env.validation';
import {
  OutboxProcessor,
  type DeadLetterInfo,
  type OutboxContext,
  type OutboxPayloads,
  type PrepareContext,
} from '../../../outbox';
import { SyncLeadToCrmUseCase, type DeliveredLead } from '../../application/sync-lead-to-crm.use-case';

type CrmSyncPayload = OutboxPayloads['crm.sync'];

@Processor('crm.sync', { autorun: false })
export class CrmSyncProcessor extends OutboxProcessor<CrmSyncPayload> {
  protected override readonly concurrency: number;

  constructor(
    private readonly syncLead: SyncLeadToCrmUseCase,
    env: EnvironmentVariables,
  ) {
    super();
    // Syncs wait on the CRM's rate limit outside any transaction: many at once fill the CRM's batches.
    this.concurrency = env.CRM_SYNC_CONCURRENCY;
  }

  /** The CRM calls, before the job's transaction: a sync waiting for the CRM holds no database connection. */
  override prepare(payload: CrmSyncPayload, context: PrepareContext): Promise<DeliveredLead> {
    return this.syncLead.deliver(payload.leadId, context.attempt);
  }

  handle(payload: CrmSyncPayload, context: OutboxContext): Promise<void> {
    return this.syncLead.record(payload.leadId, context.prepared as DeliveredLead, context.attempt);
  }

  override onDeadLetter(payload: CrmSyncPayload, failure: DeadLetterInfo): Promise<void> {
    return this.syncLead.giveUp(payload.leadId, failure);
  }
}
