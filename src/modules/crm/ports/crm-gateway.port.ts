import type { LeadForCrm } from '../../leads';

export interface CrmLeadRef {
  externalId: string;
}

/**
 * Files a lead in the business's CRM. Implementations must be idempotent for the same lead id: after an
 * uncertain outcome they look the lead up before creating it again. They throw TransientError for failures
 * worth retrying and PermanentError for the rest.
 */
export abstract class CrmGateway {
  abstract readonly provider: string;
  abstract upsertLead(lead: LeadForCrm): Promise<CrmLeadRef>;
}
