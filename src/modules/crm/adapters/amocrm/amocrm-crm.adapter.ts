import { Injectable, Logger } from '@nestjs/common';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { LeadForCrm } from '../../../leads';
import { CrmGateway, type CrmLeadRef, type CrmSyncContext } from '../../ports/crm-gateway.port';
import { CREATE_SENT_AT, waitOutInFlightCreate } from '../shared/in-flight-create';
import { RedisRateLimiter } from '../../../../redis/redis-rate-limiter';
import { AmoBulkPoster } from './amocrm-bulk';
import { AmoCrmTokenStore } from './amocrm-token.store';
import {
  AmoCrmClient,
  AmoCrmPermanentError,
  AmoCrmTransientError,
  LongLivedAmoToken,
  type AmoAccessTokens,
} from './amocrm.client';
import {
  HOT_TASK_PREFIX,
  complexLeadPayload,
  contactHasPhone,
  embeddedItems,
  externalIdOf,
  followUpNoteText,
  hotTaskPayload,
  lastMessageAt,
  leadNoteText,
  mainContactId,
  messagesAfter,
  notePayload,
  parseComplexResult,
  phoneSearchQuery,
  type AmoContact,
  type AmoLead,
  type AmoMappingConfig,
  type AmoNote,
  type AmoTask,
} from './amocrm.mapper';

/** How many of a contact's leads a retry inspects when the search index has not caught up yet. */
const MAX_CONTACT_LEADS_SCANNED = 10;

/**
 * amoCRM (API v4). A new lead goes in with one POST /leads/complex (lead + contact, or lead linked to the contact
 * amoCRM already has for the phone), then a note with the conversation, then a task when it is hot. Every id is
 * saved through `context.saveRefs` as soon as amoCRM returns it. amoCRM has no idempotency key, so a try that
 * may follow an uncertain one first looks the lead up by our lead id (kept in AMOCRM_EXTERNAL_ID_FIELD_ID).
 * A lead already filed only gets notes with the newer messages, and a task if it has become hot.
 */
@Injectable()
export class AmoCrmAdapter extends CrmGateway {
  readonly provider = 'amocrm';
  private readonly logger = new Logger(AmoCrmAdapter.name);
  private readonly config: AmoMappingConfig;
  private readonly client: AmoCrmClient | null;
  /** Creates, notes and tasks of all syncs in flight, sent together. */
  private readonly bulk: AmoBulkPoster | null;
  private readonly settleMs: number;

  constructor(env: EnvironmentVariables, limiter: RedisRateLimiter, uow: TypeOrmUnitOfWork) {
    super();
    this.settleMs = env.CRM_CREATE_SETTLE_MS;
    this.config = {
      pipelineId: env.AMOCRM_PIPELINE_ID,
      statusId: env.AMOCRM_STATUS_ID,
      responsibleUserId: env.AMOCRM_RESPONSIBLE_USER_ID,
      externalIdFieldId: env.AMOCRM_EXTERNAL_ID_FIELD_ID,
      taskDeadlineMinutes: env.CRM_TASK_DEADLINE_MINUTES,
    };
    // Built only when configured, so the provider can be registered in every deployment.
    if (env.AMOCRM_BASE_URL && (env.AMOCRM_CLIENT_ID || env.AMOCRM_ACCESS_TOKEN)) {
      const tokens: AmoAccessTokens = env.AMOCRM_CLIENT_ID
        ? new AmoCrmTokenStore(env, limiter, uow)
        : new LongLivedAmoToken(env.AMOCRM_ACCESS_TOKEN!);
      this.client = new AmoCrmClient(env, limiter, tokens);
      this.bulk = new AmoBulkPoster(this.client);
    } else {
      this.client = null;
      this.bulk = null;
    }
  }

  async upsertLead(lead: LeadForCrm, context: CrmSyncContext): Promise<CrmLeadRef> {
    const client = this.client;
    if (!client) {
      throw new AmoCrmPermanentError(
        'amoCRM is not configured: set AMOCRM_BASE_URL and AMOCRM_ACCESS_TOKEN or the OAuth credentials',
        'config',
      );
    }
    const refs: Record<string, string> = { ...lead.crmRefs };
    const save = async (found: Record<string, string>) => {
      Object.assign(refs, found);
      await context.saveRefs(found);
    };
    if (lead.crmExternalId) return this.followUp(client, lead, refs, save);

    // From the second try on, or with refs of an earlier try (`createSentAt` is saved before every create), the lead
    // may be in amoCRM already.
    const mayBeFiled = context.attempt > 1 || Object.keys(refs).length > 0;
    let leadId = positiveInt(refs.leadId);
    let contactId = positiveInt(refs.contactId);
    // Found by a lookup rather than known from refs: the refs of an earlier try are incomplete, so notes and
    // tasks are checked before being added.
    let foundByLookup = false;

    if (leadId === null) {
      const contact = contactId !== null ? null : await this.findContact(client, lead, mayBeFiled);
      if (contact) contactId = contact.id;
      if (mayBeFiled) {
        await waitOutInFlightCreate(refs[CREATE_SENT_AT], this.settleMs);
        const found =
          (await this.findLeadByOurId(client, lead.id)) ??
          (await this.findAmongContactLeads(client, lead.id, contactId, contact));
        if (found) {
          leadId = found.id;
          contactId = mainContactId(found) ?? contactId;
          foundByLookup = true;
        }
      }
      if (leadId === null) {
        // Marks the create before it leaves: any later try (a replay from dead letters starts again at attempt 1)
        // then looks the lead up first.
        await save(
          compact({
            [CREATE_SENT_AT]: String(Date.now()),
            contactId: contactId === null ? undefined : String(contactId),
          }),
        );
        const created = await this.createLead(lead, contactId);
        leadId = created.leadId;
        contactId = created.contactId ?? contactId;
      }
      await save(compact({ leadId: String(leadId), contactId: contactId === null ? undefined : String(contactId) }));
    }

    if (!refs.noteId) {
      const text = leadNoteText(lead);
      const sent = { key: 'noteSent', value: 'yes', always: foundByLookup };
      const noteId = await this.addNoteOnce(client, leadId, text, `${lead.id}:note`, sent, refs, save);
      await save(compact({ noteId: String(noteId), notedThrough: lastMessageAt(lead.transcript) ?? undefined }));
    }

    if (lead.urgency === 'hot' && !refs.taskId) {
      const taskId = await this.addHotTaskOnce(client, lead, leadId, foundByLookup, refs, save);
      await save({ taskId: String(taskId) });
    }

    return { externalId: String(leadId), refs };
  }

  /** A lead amoCRM has: newer messages as one note, and a task if it became hot without one. Never a new lead. */
  private async followUp(
    client: AmoCrmClient,
    lead: LeadForCrm,
    refs: Record<string, string>,
    save: (found: Record<string, string>) => Promise<void>,
  ): Promise<CrmLeadRef> {
    const leadId = positiveInt(lead.crmExternalId);
    if (leadId === null) throw new AmoCrmPermanentError('the stored amoCRM lead id is not a number', 'config');
    // notedThrough is the newest message a note already carried: exact, where crmDeliveredAt is only close.
    const watermark = refs.notedThrough ? new Date(refs.notedThrough) : lead.crmDeliveredAt;
    const fresh = messagesAfter(lead.transcript, watermark);
    if (fresh.length > 0) {
      const through = lastMessageAt(fresh)!;
      const text = followUpNoteText(lead, fresh);
      const sent = { key: 'followUpSent', value: through, always: false };
      await this.addNoteOnce(client, leadId, text, `${lead.id}:${through}`, sent, refs, save);
      await save({ notedThrough: through });
    }
    if (lead.urgency === 'hot' && !refs.taskId) {
      const taskId = await this.addHotTaskOnce(client, lead, leadId, false, refs, save);
      await save({ taskId: String(taskId) });
    }
    if (!refs.leadId) refs.leadId = String(leadId);
    return { externalId: String(leadId), refs };
  }

  /** The contact amoCRM has for the phone (the query hit must really carry that number), or null. */
  private async findContact(client: AmoCrmClient, lead: LeadForCrm, withLeads: boolean): Promise<AmoContact | null> {
    const phone = lead.contact.phone;
    if (!phone) return null;
    const query = phoneSearchQuery(phone);
    if (query.length < 5) return null;
    const body = await client.get<unknown>('contacts', {
      query,
      limit: 50,
      ...(withLeads ? { with: 'leads' } : {}),
    });
    const hits = embeddedItems<AmoContact>(body, 'contacts').filter((contact) => contactHasPhone(contact, phone));
    hits.sort((a, b) => a.id - b.id); // the oldest card is the business's "real" one
    return hits[0] ?? null;
  }

  /** The lead whose external-id field holds our lead id, found by amoCRM's full-text `query`. */
  private async findLeadByOurId(client: AmoCrmClient, ourId: string): Promise<AmoLead | null> {
    const fieldId = this.config.externalIdFieldId;
    if (fieldId === undefined) {
      this.logger.warn('AMOCRM_EXTERNAL_ID_FIELD_ID is not set: a retry cannot look the lead up by our id');
      return null;
    }
    const body = await client.get<unknown>('leads', { query: ourId, with: 'contacts', limit: 50 });
    return (
      embeddedItems<AmoLead>(body, 'leads').find((candidate) => externalIdOf(candidate, fieldId) === ourId) ?? null
    );
  }

  /**
   * Second look, for when amoCRM's search index lags behind a create: the newest leads of the contact, read one by
   * one, checked for our id.
   */
  private async findAmongContactLeads(
    client: AmoCrmClient,
    ourId: string,
    contactId: number | null,
    searched: AmoContact | null,
  ): Promise<AmoLead | null> {
    const fieldId = this.config.externalIdFieldId;
    if (fieldId === undefined || contactId === null) return null;
    const contact =
      searched?.id === contactId && searched._embedded?.leads
        ? searched
        : await client.get<AmoContact>(`contacts/${contactId}`, { with: 'leads' });
    const leadIds = (contact?._embedded?.leads ?? [])
      .map((l) => Number(l.id))
      .filter((id) => Number.isInteger(id) && id > 0)
      .sort((a, b) => b - a)
      .slice(0, MAX_CONTACT_LEADS_SCANNED);
    for (const id of leadIds) {
      const candidate = await client.get<AmoLead>(`leads/${id}`, { with: 'contacts' });
      if (candidate && externalIdOf(candidate, fieldId) === ourId) return candidate;
    }
    return null;
  }

  private async createLead(
    lead: LeadForCrm,
    contactId: number | null,
  ): Promise<{ leadId: number; contactId: number | null }> {
    const [item] = complexLeadPayload(lead, this.config, contactId);
    const result = parseComplexResult([await this.bulk!.post('leads/complex', item)]);
    if (!result) {
      throw new AmoCrmTransientError('amoCRM POST leads/complex answered without a lead id', undefined, true);
    }
    return result;
  }

  /**
   * Adds a common note once. A marker saved in refs before the POST tells a later try that this note may have gone
   * through; only then (or when `sent.always`) are the lead's notes read first, and an identical one is reused.
   */
  private async addNoteOnce(
    client: AmoCrmClient,
    leadId: number,
    text: string,
    requestId: string,
    sent: { key: string; value: string; always: boolean },
    refs: Record<string, string>,
    save: (found: Record<string, string>) => Promise<void>,
  ): Promise<number> {
    if (sent.always || refs[sent.key] === sent.value) {
      const body = await client.get<unknown>(`leads/${leadId}/notes`, { 'filter[note_type]': 'common', limit: 250 });
      const existing = embeddedItems<AmoNote>(body, 'notes').find((note) => note.params?.text === text);
      if (existing) return existing.id;
    }
    if (refs[sent.key] !== sent.value) await save({ [sent.key]: sent.value });
    const [item] = notePayload(leadId, text, requestId);
    const id = positiveInt(String((await this.bulk!.post('leads/notes', item)).id));
    if (id === null)
      throw new AmoCrmTransientError('amoCRM POST leads/notes answered without a note id', undefined, true);
    return id;
  }

  /** Adds the hot-lead task once, the same way: after a marked earlier POST, a task of ours on the lead is reused. */
  private async addHotTaskOnce(
    client: AmoCrmClient,
    lead: LeadForCrm,
    leadId: number,
    always: boolean,
    refs: Record<string, string>,
    save: (found: Record<string, string>) => Promise<void>,
  ): Promise<number> {
    if (always || refs.taskSent === 'yes') {
      const body = await client.get<unknown>('tasks', {
        'filter[entity_type]': 'leads',
        'filter[entity_id]': leadId,
        limit: 250,
      });
      const existing = embeddedItems<AmoTask>(body, 'tasks').find(
        (task) => Number(task.entity_id) === leadId && (task.text ?? '').startsWith(HOT_TASK_PREFIX),
      );
      if (existing) return existing.id;
    }
    if (refs.taskSent !== 'yes') await save({ taskSent: 'yes' });
    const [item] = hotTaskPayload(lead, leadId, this.config, Date.now());
    const id = positiveInt(String((await this.bulk!.post('tasks', item)).id));
    if (id === null) throw new AmoCrmTransientError('amoCRM POST tasks answered without a task id', undefined, true);
    return id;
  }
}

function positiveInt(value: string | null | undefined): number | null {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : null;
}

function compact(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, string>;
}
