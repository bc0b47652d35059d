import { CrmGateway, type CrmLeadRef } from '../../src/modules/crm';
import type { LeadForCrm } from '../../src/modules/leads';
import { PermanentError, TransientError } from '../../src/shared/domain-error';

export type ScriptedOutcome = 'transient' | 'permanent' | 'ok';

/** A CRM that fails as told. It stands in for the gateway port to exercise the outbox's retry machinery. */
export class ScriptedCrm extends CrmGateway {
  readonly provider = 'scripted';
  calls: number[] = [];
  /** How many times each lead was filed successfully: more than once would be a duplicate in a real CRM. */
  readonly delivered = new Map<string, number>();
  private script: ScriptedOutcome[] = [];

  /** Outcomes of the next calls, in order; once used up, `fallback` answers. */
  failNext(...outcomes: ScriptedOutcome[]): void {
    this.script = outcomes;
    this.calls = [];
  }

  fallback: ScriptedOutcome = 'transient';

  async upsertLead(lead: LeadForCrm): Promise<CrmLeadRef> {
    this.calls.push(Date.now());
    const outcome = this.script.shift() ?? this.fallback;
    if (outcome === 'transient') throw new TransientError('CRM answered 503');
    if (outcome === 'permanent') throw new PermanentError('CRM rejected the lead: 400 invalid field');
    this.delivered.set(lead.id, (this.delivered.get(lead.id) ?? 0) + 1);
    return { externalId: `crm-${lead.id}`, refs: {} };
  }
}
