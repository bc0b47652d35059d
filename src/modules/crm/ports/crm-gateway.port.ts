import type { LeadForCrm } from '../../leads';

export interface CrmLeadRef {
  /** The CRM's id of the lead (or of the deal, on a Bitrix24 portal without leads). */
  externalId: string;
  /** Every CRM id worth keeping for later syncs: contact, lead or deal, task. */
  refs: Record<string, string>;
}

export interface CrmSyncContext {
  /** 1 for the first try. From the second on, the previous try may have reached the CRM. */
  attempt: number;
  /** Stores the ids of the steps done so far at once, so a failure later in the same try loses none of them. */
  saveRefs(refs: Record<string, string>): Promise<void>;
}

/**
 * Files a lead in the business's CRM, or brings the filed card up to date (later messages as comments or notes,
 * a task for a hot lead). Implementations are idempotent per lead: after an uncertain outcome (a timeout or a
 * dropped connection once the request left) they look the lead up by our origin id (the lead id) before creating
 * it again. They throw TransientError for failures worth retrying (with the provider's retry hint) and
 * PermanentError for those no retry can fix.
 */
export abstract class CrmGateway {
  abstract readonly provider: string;
  abstract upsertLead(lead: LeadForCrm, context: CrmSyncContext): Promise<CrmLeadRef>;
}
