import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { crmDeliveries } from '../../../observability/metrics';
import { PermanentError, TransientError } from '../../../shared/domain-error';
import { maskPhone } from '../../../shared/phone';
import { LeadsFacade } from '../../leads';
import { ManagerAlerts } from '../../notifications';
import type { DeadLetterInfo } from '../../outbox';
import { CrmGateway } from '../ports/crm-gateway.port';

/**
 * A sync is several CRM calls (find the contact, create it, file the lead, add a task). A blip in one of them
 * (a dropped connection, a 5xx, a short rate limit) is retried at once from where the sync stopped, up to three
 * passes (CRM_QUICK_PASSES), before the whole job goes back to the outbox's backoff: steps are resumable and
 * idempotent, and a burst of blips should not cost a client 20 seconds.
 */
const QUICK_PASS_PAUSE_MS = 200;
const isBlip = (error: unknown) =>
  error instanceof TransientError && (error.retryAfterMs === undefined || error.retryAfterMs <= 2000);

/** Sends the lead's current state to the CRM and remembers the CRM's id for it. */
@Injectable()
export class SyncLeadToCrmUseCase {
  constructor(
    private readonly leads: LeadsFacade,
    private readonly crm: CrmGateway,
    private readonly alerts: ManagerAlerts,
    private readonly env: EnvironmentVariables,
  ) {}

  async execute(leadId: string, attempt: number): Promise<void> {
    await this.leads.lockForCrmSync(leadId);
    const lead = await this.leads.leadForCrm(leadId);
    if (!lead) throw new PermanentError(`lead ${leadId} does not exist`);
    const refs = { ...lead.crmRefs };
    const saveRefs = async (saved: Record<string, string>) => {
      Object.assign(refs, saved);
      await this.leads.saveCrmRefs(leadId, saved);
    };
    for (let pass = 1; ; pass++) {
      try {
        // From the second pass on, the adapter resumes from the saved refs and looks up before creating.
        const context = { attempt: pass === 1 ? attempt : attempt + pass, saveRefs };
        const ref = await this.crm.upsertLead({ ...lead, crmRefs: { ...refs } }, context);
        await this.leads.markCrmDelivered(leadId, {
          provider: this.crm.provider,
          externalId: ref.externalId,
          refs: ref.refs,
          attempts: attempt,
        });
        crmDeliveries.inc({ provider: this.crm.provider, result: 'delivered' });
        return;
      } catch (error) {
        if (!isBlip(error) || pass >= this.env.CRM_QUICK_PASSES) {
          crmDeliveries.inc({ provider: this.crm.provider, result: 'failed' });
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, QUICK_PASS_PAUSE_MS * pass));
      }
    }
  }

  /** The lead could not be delivered: mark it and tell the managers who the client is and why. */
  async giveUp(leadId: string, failure: DeadLetterInfo): Promise<void> {
    await this.leads.markCrmFailed(leadId, failure.attempts);
    crmDeliveries.inc({ provider: this.crm.provider, result: 'dead' });
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
