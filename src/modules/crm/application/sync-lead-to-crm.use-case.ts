import { Injectable } from '@nestjs/common';
import { PermanentError } from '../../../shared/domain-error';
import { LeadsFacade } from '../../leads';
import { CrmGateway } from '../ports/crm-gateway.port';

/** Sends the lead's current state to the CRM and remembers the CRM's id for it. */
@Injectable()
export class SyncLeadToCrmUseCase {
  constructor(
    private readonly leads: LeadsFacade,
    private readonly crm: CrmGateway,
  ) {}

  async execute(leadId: string, attempt: number): Promise<void> {
    const lead = await this.leads.leadForCrm(leadId);
    if (!lead) throw new PermanentError(`lead ${leadId} does not exist`);
    const ref = await this.crm.upsertLead(lead, {
      attempt,
      saveRefs: (refs) => this.leads.saveCrmRefs(leadId, refs),
    });
    await this.leads.markCrmDelivered(leadId, {
      provider: this.crm.provider,
      externalId: ref.externalId,
      refs: ref.refs,
      attempts: attempt,
    });
  }

  async giveUp(leadId: string, attempts: number): Promise<void> {
    await this.leads.markCrmFailed(leadId, attempts);
  }
}
