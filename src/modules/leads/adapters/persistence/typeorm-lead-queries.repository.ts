import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { Channel } from '../../domain/channel';
import type { LeadStatus, LeadView } from '../../domain/lead';
import {
  lastAttemptError,
  traceIdOf,
  type ConversationFilter,
  type ConversationSummary,
  type LeadDetail,
  type LeadFilter,
} from '../../domain/lead-detail';
import type { AttachmentKind, MessageStatus } from '../../domain/message';
import { LeadQueries } from '../../ports/lead-queries.port';

interface LeadListRow {
  id: string;
  contact_id: string;
  channel: Channel;
  intent: string;
  urgency: 'hot' | 'cold';
  status: LeadStatus;
  created_at: Date;
  crm_provider: string;
  crm_external_id: string | null;
  crm_status: LeadView['crm']['status'];
  crm_attempts: number;
}

const toLeadView = (row: LeadListRow): LeadView => ({
  id: row.id,
  contactId: row.contact_id,
  channel: row.channel,
  intent: row.intent,
  urgency: row.urgency,
  status: row.status,
  createdAt: row.created_at,
  crm: {
    provider: row.crm_provider,
    externalId: row.crm_external_id,
    status: row.crm_status,
    attempts: row.crm_attempts,
  },
});

/** SQL for the admin's reads: lists and details, never on the hot path. */
@Injectable()
export class TypeOrmLeadQueries implements LeadQueries {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  async findLeads(filter: LeadFilter, limit: number, offset: number): Promise<{ items: LeadView[]; total: number }> {
    const params = [
      filter.status ?? null,
      filter.channel ?? null,
      filter.intent ?? null,
      filter.urgency ?? null,
      filter.from ?? null,
      filter.to ?? null,
    ];
    const where = `($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR channel = $2)
      AND ($3::text IS NULL OR intent = $3) AND ($4::text IS NULL OR urgency = $4)
      AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)`;
    const rows = await this.query<Array<LeadListRow & { total: string }>>(
      `SELECT *, count(*) OVER () AS total FROM leads WHERE ${where}
       ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8`,
      [...params, limit, offset],
    );
    const total = rows[0]
      ? Number(rows[0].total)
      : Number((await this.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM leads WHERE ${where}`, params))[0].n);
    return { total, items: rows.map(toLeadView) };
  }

  /**
   * The lead with its contact, the conversation oldest first (with each client message's triage), its CRM state and
   * the trace of its first message. The last CRM error and the trace come from the outbox rows of this work.
   */
  async leadDetail(leadId: string): Promise<LeadDetail | null> {
    const leads = await this.query<
      Array<
        LeadListRow & {
          conversation_id: string;
          details: Record<string, string>;
          updated_at: Date;
          crm_refs: Record<string, string>;
          crm_delivered_at: Date | null;
          name: string | null;
          phone_e164: string | null;
        }
      >
    >(`SELECT l.*, c.name, c.phone_e164 FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE l.id = $1`, [leadId]);
    const lead = leads[0];
    if (!lead) return null;
    const messages = await this.query<
      Array<{
        id: string;
        direction: 'in' | 'out';
        author: 'bot' | 'manager' | null;
        text: string;
        status: MessageStatus;
        attachment: AttachmentKind | null;
        created_at: Date;
        sent_at: Date | null;
        delivered_via: string | null;
        error: string | null;
        triage: Record<string, unknown> | null;
      }>
    >(
      `SELECT id, direction, author, text, status, attachment, created_at, sent_at, delivered_via, error, triage
       FROM messages WHERE conversation_id = $1 ORDER BY created_at, id`,
      [lead.conversation_id],
    );
    const [sync] = await this.query<
      Array<{ attempt_log: Array<{ attempt: number; failedAt?: string; error?: string }> }>
    >(`SELECT attempt_log FROM outbox WHERE topic = 'crm.sync' AND payload->>'leadId' = $1 ORDER BY id DESC LIMIT 1`, [
      leadId,
    ]);
    const first = messages.find((m) => m.direction === 'in');
    const [trace] = first
      ? await this.query<Array<{ traceparent: string }>>(
          `SELECT trace_context->>'traceparent' AS traceparent FROM outbox
           WHERE payload->>'messageId' = $1 AND trace_context ? 'traceparent' ORDER BY id LIMIT 1`,
          [first.id],
        )
      : [];
    return {
      id: lead.id,
      conversationId: lead.conversation_id,
      channel: lead.channel,
      intent: lead.intent,
      urgency: lead.urgency,
      status: lead.status,
      details: lead.details,
      createdAt: lead.created_at,
      updatedAt: lead.updated_at,
      contact: { id: lead.contact_id, name: lead.name, phone: lead.phone_e164 },
      transcript: messages.map((m) => ({
        id: m.id,
        direction: m.direction,
        author: m.direction === 'in' ? 'client' : (m.author ?? 'bot'),
        text: m.text,
        status: m.status,
        attachment: m.attachment,
        createdAt: m.created_at,
        sentAt: m.sent_at,
        deliveredVia: m.delivered_via,
        error: m.error,
        triage: m.triage,
      })),
      crm: {
        provider: lead.crm_provider,
        status: lead.crm_status,
        attempts: lead.crm_attempts,
        externalId: lead.crm_external_id,
        refs: lead.crm_refs,
        deliveredAt: lead.crm_delivered_at,
        lastError: sync ? lastAttemptError(sync.attempt_log) : null,
      },
      traceId: traceIdOf(trace?.traceparent),
    };
  }

  async listConversations(
    filter: ConversationFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: ConversationSummary[]; total: number }> {
    const params = [filter.only ?? null, filter.except ?? null];
    const where = '($1::uuid[] IS NULL OR c.id = ANY($1)) AND ($2::uuid[] IS NULL OR c.id <> ALL($2))';
    const rows = await this.query<
      Array<{
        id: string;
        channel: Channel;
        created_at: Date;
        contact_id: string;
        name: string | null;
        phone_e164: string | null;
        last_message_at: Date | null;
        total: string;
      }>
    >(
      `SELECT c.id, c.channel, c.created_at, ct.id AS contact_id, ct.name, ct.phone_e164,
              (SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = c.id) AS last_message_at,
              count(*) OVER () AS total
       FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
       WHERE ${where}
       ORDER BY last_message_at DESC NULLS LAST, c.id DESC LIMIT $3 OFFSET $4`,
      [...params, limit, offset],
    );
    const total = rows[0]
      ? Number(rows[0].total)
      : Number(
          (
            await this.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM conversations c WHERE ${where}`, params)
          )[0].n,
        );
    return {
      total,
      items: rows.map((row) => ({
        id: row.id,
        channel: row.channel,
        contact: { id: row.contact_id, name: row.name, phone: row.phone_e164 },
        createdAt: row.created_at,
        lastMessageAt: row.last_message_at,
      })),
    };
  }
}
