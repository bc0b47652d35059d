import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { crmDeliveries } from '../../../observability/metrics';
import { PermanentError, RateLimitedError, TransientError } from '../../../shared/domain-error';
import { maskPhone } from '../../../shared/phone';
import { LeadsFacade, type LeadForCrm } from '../../leads';
import { ManagerAlerts } from '../../notifications';
import { OutboxWriter, type DeadLetterInfo } from '../../outbox';
import { CrmGateway, type CrmLeadRef } from '../ports/crm-gateway.port';

/**
 * A sync is several CRM calls (find the contact, create it, file the lead, add a task). A blip in one of them
 * (a dropped connection, a 5xx, a short rate limit) is retried at once from where the sync stopped, up to three
 * passes (CRM_QUICK_PASSES), before the whole job goes back to the outbox's backoff: steps are resumable and
 * idempotent, and a burst of blips should not cost a client 20 seconds.
 */
const QUICK_PASS_PAUSE_MS = 200;
const isBlip = (error: unknown) =>
  error instanceof TransientError && (error.retryAfterMs === undefined || error.retryAfterMs <= 2000);

/** Another sync of the lead is under way: this one waits for it, and then has little or nothing left to do. */
const BUSY_RETRY_MS = 2000;

/** What a sync brought to the CRM, to be recorded in the job's transaction. */
export interface DeliveredLead {
  ref: CrmLeadRef;
  /** The newest message the CRM now has. */
  through: Date;
}

/**
 * Sends the lead's current state to the CRM and remembers the CRM's id for it. The CRM calls (`deliver`) run
 * outside any transaction, under the lead's lease; the job's transaction then records the result (`record`).
 */
@Injectable()
export class SyncLeadToCrmUseCase {
  constructor(
    private readonly leads: LeadsFacade,
    private readonly crm: CrmGateway,
    private readonly alerts: ManagerAlerts,
    private readonly outbox: OutboxWriter,
    private readonly env: EnvironmentVariables,
  ) {}

  /**
   * `attempt`: unknown means a previous try may have reached the CRM, so the adapter looks before it creates.
   *
   * The lease lasts as long as the job's lock (QUEUE_LOCK_DURATION_MS) and is renewed as often as the lock: a
   * worker that dies gives the lead up about when its job comes back to another worker.
   */
  async deliver(leadId: string, attempt = 2): Promise<DeliveredLead> {
    const leaseMs = this.env.QUEUE_LOCK_DURATION_MS;
    const lead = await this.leads.leaseLeadForCrm(leadId, leaseMs);
    if (!lead) throw new PermanentError(`lead ${leadId} does not exist`);
    if (lead === 'held') throw new RateLimitedError(`lead ${leadId} is being synced by another worker`, BUSY_RETRY_MS);
    const renewal = setInterval(
      () => void this.leads.renewCrmLease(leadId, leaseMs).catch(() => undefined),
      leaseMs / 2,
    );
    try {
      const ref = await this.upsert(lead, attempt);
      const newest = lead.transcript.at(-1)?.at ?? lead.crmDeliveredAt ?? new Date(0);
      return { ref, through: newest };
    } catch (error) {
      crmDeliveries.inc({ provider: this.crm.provider, result: 'failed' });
      await this.leads.releaseCrmLease(leadId).catch(() => undefined); // else it lapses
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }

  /**
   * In the job's transaction: the lead is in the CRM as `deliver` left it; the lease ends. A message that came
   * while the sync ran may have joined this sync after it read the lead: it gets a sync of its own.
   */
  async record(leadId: string, delivered: DeliveredLead, attempt: number): Promise<void> {
    const { behind } = await this.leads.markCrmDelivered(leadId, {
      provider: this.crm.provider,
      externalId: delivered.ref.externalId,
      refs: delivered.ref.refs,
      attempts: attempt,
      through: delivered.through,
    });
    if (behind) await this.outbox.add('crm.sync', { leadId });
    crmDeliveries.inc({ provider: this.crm.provider, result: 'delivered' });
  }

  private async upsert(lead: LeadForCrm, attempt: number): Promise<CrmLeadRef> {
    const refs = { ...lead.crmRefs };
    const saveRefs = async (saved: Record<string, string>) => {
      Object.assign(refs, saved);
      await this.leads.saveCrmRefs(lead.id, saved);
    };
    for (let pass = 1; ; pass++) {
      try {
        // From the second pass on, the adapter resumes from the saved refs and looks up before creating.
        const context = { attempt: pass === 1 ? attempt : attempt + pass, saveRefs };
        return await this.crm.upsertLead({ ...lead, crmRefs: { ...refs } }, context);
      } catch (error) {
        if (!isBlip(error) || pass >= this.env.CRM_QUICK_PASSES) throw error;
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
