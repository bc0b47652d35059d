import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../../config/env.validation';
import type { LeadForCrm } from '../../../leads';
import { CrmGateway, type CrmLeadRef, type CrmSyncContext } from '../../ports/crm-gateway.port';
import {
  carriedByEarlierCreate,
  CREATE_SENT_AT,
  createSending,
  waitOutInFlightCreate,
} from '../shared/in-flight-create';
import { RedisRateLimiter } from '../../../../redis/redis-rate-limiter';
import { Bitrix24Client, mayHaveReachedBitrix24 } from './bitrix24.client';
import {
  contactFields,
  crmBinding,
  dealFields,
  followUpComment,
  leadFields,
  ORIGINATOR_ID,
  parseSourceIds,
  taskFields,
  taskTitle,
  type Bitrix24Entity,
  type Bitrix24MappingOptions,
} from './bitrix24.mapper';

/** crm.settings.mode.get: 1 = classic CRM (with leads), 2 = simple CRM (no leads: requests become deals). */
const SIMPLE_CRM_MODE = 2;

/** Where the lead lives in the portal. */
interface Target {
  entity: Bitrix24Entity;
  id: string;
  contactId?: string;
  /** Filed by an earlier try, found again by its saved id or by ORIGIN_ID. */
  filedEarlier?: boolean;
}

type UncertainMarker = 'taskUncertain' | 'commentUncertain';

/**
 * Files leads in Bitrix24 through an incoming webhook. REST v2 has no idempotency key, so every step is resumable:
 * ids are saved as soon as they exist, and after a try that may have reached the portal the lead is looked up by
 * ORIGINATOR_ID/ORIGIN_ID (our lead id) before it is created again.
 */
@Injectable()
export class Bitrix24CrmAdapter extends CrmGateway {
  readonly provider = 'bitrix24';
  private readonly client: Bitrix24Client;
  private readonly options: Bitrix24MappingOptions;
  private mode?: Promise<Bitrix24Entity>;

  constructor(
    private readonly env: EnvironmentVariables,
    limiter: RedisRateLimiter,
  ) {
    super();
    this.client = new Bitrix24Client(env, limiter);
    this.options = {
      sourceIds: parseSourceIds(env.BITRIX24_SOURCE_IDS),
      assignedById: env.BITRIX24_ASSIGNED_BY_ID,
      zone: env.TZ_BUSINESS,
    };
  }

  async upsertLead(lead: LeadForCrm, context: CrmSyncContext): Promise<CrmLeadRef> {
    const target = lead.crmExternalId ? await this.followUp(lead, context) : await this.fileNew(lead, context);
    if (!lead.crmExternalId && target.filedEarlier) {
      // An earlier try filed it with the messages up to then; what the client wrote since goes as a comment.
      const carried = carriedByEarlierCreate(lead.crmRefs);
      if (carried) await this.commentNewMessages(target, { ...lead, crmDeliveredAt: carried }, context);
    }
    const taskId = await this.ensureTask(lead, target, context);
    const refs: Record<string, string> = { entity: target.entity, [idKey(target.entity)]: target.id };
    if (target.contactId) refs.contactId = target.contactId;
    if (taskId) refs.taskId = taskId;
    return { externalId: target.id, refs };
  }

  private async fileNew(lead: LeadForCrm, context: CrmSyncContext): Promise<Target> {
    const refs = lead.crmRefs;
    const entity = asEntity(refs.entity) ?? (await this.entityKind());
    const known = refs[idKey(entity)];
    if (known) return { entity, id: known, contactId: refs.contactId, filedEarlier: true };

    const mayExist = context.attempt > 1 || Object.keys(refs).length > 0;
    if (mayExist) await waitOutInFlightCreate(refs[CREATE_SENT_AT], this.env.CRM_CREATE_SETTLE_MS);
    const found = mayExist ? await this.findByOrigin(entity, lead.id) : null;
    if (found) {
      const target = { ...found, contactId: found.contactId ?? refs.contactId, filedEarlier: true };
      await context.saveRefs({
        entity,
        [idKey(entity)]: target.id,
        ...(target.contactId && { contactId: target.contactId }),
      });
      return target;
    }

    const contactId = refs.contactId ?? (await this.resolveContact(lead, entity, context));
    await context.saveRefs(createSending(lead.transcript));
    const id = await this.createEntity(entity, lead, contactId);
    await context.saveRefs({ [idKey(entity)]: id });
    return { entity, id, contactId };
  }

  private async followUp(lead: LeadForCrm, context: CrmSyncContext): Promise<Target> {
    const entity = asEntity(lead.crmRefs.entity) ?? (await this.entityKind());
    const target: Target = { entity, id: lead.crmExternalId!, contactId: lead.crmRefs.contactId };
    await this.commentNewMessages(target, lead, context);
    return target;
  }

  /** The messages after `lead.crmDeliveredAt` as one timeline comment, when there are any. */
  private async commentNewMessages(target: Target, lead: LeadForCrm, context: CrmSyncContext): Promise<void> {
    const comment = followUpComment(lead, this.options.zone);
    if (comment) await this.addComment(target, comment, lead, context);
  }

  /** Cached per instance: a portal switches CRM mode rarely, and a lead keeps the entity it was filed as. */
  private entityKind(): Promise<Bitrix24Entity> {
    if (!this.mode) {
      const mode = this.client
        .call<number | string>('crm.settings.mode.get')
        .then((value): Bitrix24Entity => (Number(value) === SIMPLE_CRM_MODE ? 'deal' : 'lead'));
      this.mode = mode;
      void mode.catch(() => {
        if (this.mode === mode) this.mode = undefined;
      });
    }
    return this.mode;
  }

  private async findByOrigin(entity: Bitrix24Entity, leadId: string): Promise<Target | null> {
    const rows = await this.client.call<Array<{ ID: string | number; CONTACT_ID?: string | number | null }>>(
      `crm.${entity}.list`,
      { filter: { ORIGINATOR_ID, ORIGIN_ID: leadId }, select: ['ID', 'CONTACT_ID'], order: { ID: 'ASC' } },
    );
    const row = rows[0];
    if (!row) return null;
    return { entity, id: String(row.ID), contactId: row.CONTACT_ID ? String(row.CONTACT_ID) : undefined };
  }

  private async resolveContact(lead: LeadForCrm, entity: Bitrix24Entity, context: CrmSyncContext): Promise<string> {
    const contactId = (await this.findContact(lead)) ?? (await this.createContact(lead));
    await context.saveRefs({ contactId, entity });
    return contactId;
  }

  /** By phone; a client without one by our contact id, which the contacts we create carry as ORIGIN_ID. */
  private async findContact(lead: LeadForCrm): Promise<string | null> {
    if (!lead.contact.phone) {
      const rows = await this.client.call<Array<{ ID: string | number }>>('crm.contact.list', {
        filter: { ORIGINATOR_ID, ORIGIN_ID: lead.contact.id },
        select: ['ID'],
        order: { ID: 'ASC' },
      });
      return rows[0] ? String(rows[0].ID) : null;
    }
    const result = await this.client.call<unknown>('crm.duplicate.findbycomm', {
      type: 'PHONE',
      values: [lead.contact.phone],
      entity_type: 'CONTACT',
    });
    // No match answers [] rather than {}.
    const ids =
      result && typeof result === 'object' && !Array.isArray(result) ? (result as { CONTACT?: unknown }).CONTACT : [];
    return Array.isArray(ids) && ids.length > 0 ? String(ids[0]) : null;
  }

  private async createContact(lead: LeadForCrm): Promise<string> {
    const id = await this.client.call<number>('crm.contact.add', {
      fields: contactFields(lead, this.options),
      params: { REGISTER_SONET_EVENT: 'N' },
    });
    return String(id);
  }

  private async createEntity(entity: Bitrix24Entity, lead: LeadForCrm, contactId: string): Promise<string> {
    const fields =
      entity === 'lead' ? leadFields(lead, contactId, this.options) : dealFields(lead, contactId, this.options);
    const id = await this.client.call<number>(`crm.${entity}.add`, { fields, params: { REGISTER_SONET_EVENT: 'Y' } });
    return String(id);
  }

  private async addComment(target: Target, comment: string, lead: LeadForCrm, context: CrmSyncContext): Promise<void> {
    if ((context.attempt > 1 || lead.crmRefs.commentUncertain) && (await this.hasComment(target, comment))) return;
    await this.marking('commentUncertain', context, () =>
      this.client.call<number>('crm.timeline.comment.add', {
        fields: { ENTITY_ID: Number(target.id), ENTITY_TYPE: target.entity, COMMENT: comment },
      }),
    );
  }

  private async hasComment(target: Target, comment: string): Promise<boolean> {
    const rows = await this.client.call<Array<{ COMMENT?: string }>>('crm.timeline.comment.list', {
      filter: { ENTITY_ID: Number(target.id), ENTITY_TYPE: target.entity },
      select: ['ID', 'COMMENT'],
      order: { ID: 'DESC' },
    });
    return rows.some((row) => row.COMMENT === comment);
  }

  private async ensureTask(lead: LeadForCrm, target: Target, context: CrmSyncContext): Promise<string | undefined> {
    if (lead.crmRefs.taskId) return lead.crmRefs.taskId;
    if (lead.urgency !== 'hot') return undefined;
    const mayExist = context.attempt > 1 || Boolean(lead.crmRefs.taskUncertain);
    const taskId =
      (mayExist ? await this.findTask(lead, target) : null) ??
      (await this.marking('taskUncertain', context, () => this.createTask(lead, target)));
    await context.saveRefs({ taskId });
    return taskId;
  }

  private async findTask(lead: LeadForCrm, target: Target): Promise<string | null> {
    const result = await this.client.call<{ tasks?: Array<{ id: string | number; title?: string }> }>(
      'tasks.task.list',
      { filter: { UF_CRM_TASK: crmBinding(target.entity, target.id) }, select: ['ID', 'TITLE'] },
    );
    const task = (result.tasks ?? []).find((t) => t.title === taskTitle(lead));
    return task ? String(task.id) : null;
  }

  private async createTask(lead: LeadForCrm, target: Target): Promise<string> {
    const deadline = new Date(Date.now() + this.env.CRM_TASK_DEADLINE_MINUTES * 60_000);
    const responsible = this.env.BITRIX24_ASSIGNED_BY_ID ?? this.client.userId;
    const result = await this.client.call<{ task: { id: string | number } }>('tasks.task.add', {
      fields: taskFields(lead, target, responsible, deadline, this.options.zone),
    });
    return String(result.task.id);
  }

  /**
   * Runs a write that has no natural lookup key; if it may have taken effect despite failing, leaves a marker so
   * the next try (even of a later job) checks for the record before writing it again.
   */
  private async marking<T>(marker: UncertainMarker, context: CrmSyncContext, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (mayHaveReachedBitrix24(error)) await context.saveRefs({ [marker]: '1' }).catch(() => undefined);
      throw error;
    }
  }
}

function idKey(entity: Bitrix24Entity): 'leadId' | 'dealId' {
  return entity === 'lead' ? 'leadId' : 'dealId';
}

function asEntity(value: string | undefined): Bitrix24Entity | undefined {
  return value === 'lead' || value === 'deal' ? value : undefined;
}
