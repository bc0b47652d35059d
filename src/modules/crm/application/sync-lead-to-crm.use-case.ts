import { Injectable } from '@nestjs/common';
import { PermanentError } from '../../../shared/domain-error';
import { maskPhone } from '../../../shared/phone';
import { LeadsFacade } from '../../leads';
import { ManagerAlerts } from '../../notifications';
import type { DeadLetterInfo } from '../../outbox';
import { CrmGateway } from '../ports/crm-gateway.port';

/** Sends the lead's current state to the CRM and remembers the CRM's id for it. */
@Injectable()
export class SyncLeadToCrmUseCase {
  constructor(
    private readonly leads: LeadsFacade,
    private readonly crm: CrmGateway,
    private readonly alerts: ManagerAlerts,
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

  /** The lead could not be delivered: mark it and tell the managers who the client is and why. */
  async giveUp(leadId: string, failure: DeadLetterInfo): Promise<void> {
    await this.leads.markCrmFailed(leadId, failure.attempts);
    const lead = await this.leads.leadForCrm(leadId);
    const client = [lead?.contact.name ?? 'Без имени', lead?.contact.phone ? maskPhone(lead.contact.phone) : null]
      .filter(Boolean)
      .join(', ');
    await this.alerts.raise({
      groupKey: `crm.sync:${this.crm.provider}:${failure.reason}`,
      title: {
        permanent: `CRM (${this.crm.provider}) отклоняет лиды: нужна проверка интеграции`,
        blocked: `CRM (${this.crm.provider}) заблокировала доступ: лиды ждут, повторим, когда CRM снова ответит`,
        exhausted: `CRM (${this.crm.provider}) не отвечает: лиды не доставлены после всех повторов`,
      }[failure.reason],
      sample: `${client} (${lead?.channel ?? '—'}, ${lead?.intent ?? '—'}): ${failure.lastError.slice(0, 200)}`,
    });
  }
}
