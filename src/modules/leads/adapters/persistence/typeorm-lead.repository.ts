import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { Channel } from '../../domain/channel';
import type { CurrentLead, LeadForCrm, LeadStatus } from '../../domain/lead';
import { LeadStore, type CrmDelivery, type LeadWrite } from '../../ports/lead-store.port';

/** The CRM gets the latest messages of a conversation; the mappers cut long transcripts further. */
const TRANSCRIPT_WINDOW = 50;

interface LeadForCrmRow {
  id: string;
  channel: Channel;
  intent: string;
  urgency: 'hot' | 'cold';
  status: LeadStatus;
  details: Record<string, string>;
  crm_external_id: string | null;
  crm_refs: Record<string, string>;
  crm_synced_through: Date | null;
  contact_id: string;
  name: string | null;
  phone_e164: string | null;
  transcript: Array<{ direction: 'in' | 'out'; text: string; created_at: string }>;
}

/** The lead `l` as the CRM gets it, with the latest $2 messages of its conversation. */
const LEAD_FOR_CRM_COLUMNS = `l.id, l.channel, l.intent, l.urgency, l.status, l.details, l.crm_external_id,
  l.crm_refs, COALESCE(l.crm_synced_through, l.crm_delivered_at) AS crm_synced_through, c.id AS contact_id,
  c.name, c.phone_e164,
  COALESCE((SELECT json_agg(t ORDER BY t.created_at, t.id) FROM (
     SELECT m.id, m.direction, m.text, m.created_at FROM messages m
     WHERE m.conversation_id = l.conversation_id ORDER BY m.created_at DESC, m.id DESC LIMIT $2) t),
   '[]') AS transcript`;

function toLeadForCrm(row: LeadForCrmRow): LeadForCrm {
  return {
    id: row.id,
    channel: row.channel,
    intent: row.intent,
    urgency: row.urgency,
    status: row.status,
    details: row.details,
    contact: { id: row.contact_id, name: row.name, phone: row.phone_e164 },
    transcript: row.transcript.map((m) => ({ direction: m.direction, text: m.text, at: new Date(m.created_at) })),
    crmExternalId: row.crm_external_id,
    crmRefs: row.crm_refs,
    crmDeliveredAt: row.crm_synced_through,
  };
}

/** SQL for leads and their CRM state. Joins the caller's transaction when there is one. */
@Injectable()
export class TypeOrmLeadRepository implements LeadStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  /**
   * Inside a transaction: holds until it ends, so two syncs of one lead never run at once. Not a row lock: the
   * sync holds it across its CRM calls, and triage must still be able to update the lead meanwhile.
   */
  async leaseLeadForCrm(leadId: string, leaseMs: number): Promise<LeadForCrm | 'held' | null> {
    // RETURNING gives the lead as it is once any write in progress has committed; the messages come from the
    // statement's snapshot, which may miss one being written now: `through` then says so, and its own sync follows.
    const rows = await this.query<LeadForCrmRow[]>(
      `WITH l AS (
         UPDATE leads SET crm_lease_until = clock_timestamp() + make_interval(secs => $3 / 1000.0)
         WHERE id = $1 AND (crm_lease_until IS NULL OR crm_lease_until < clock_timestamp())
         RETURNING *)
       SELECT ${LEAD_FOR_CRM_COLUMNS} FROM l JOIN contacts c ON c.id = l.contact_id`,
      [leadId, TRANSCRIPT_WINDOW, leaseMs],
    );
    if (rows[0]) return toLeadForCrm(rows[0]);
    const exists = await this.query<unknown[]>('SELECT 1 FROM leads WHERE id = $1', [leadId]);
    return exists.length > 0 ? 'held' : null;
  }

  async renewCrmLease(leadId: string, leaseMs: number): Promise<void> {
    await this.query(
      `UPDATE leads SET crm_lease_until = clock_timestamp() + make_interval(secs => $2 / 1000.0)
       WHERE id = $1 AND crm_lease_until IS NOT NULL`,
      [leadId, leaseMs],
    );
  }

  async releaseCrmLease(leadId: string): Promise<void> {
    await this.query('UPDATE leads SET crm_lease_until = NULL WHERE id = $1', [leadId]);
  }

  async leadForCrm(leadId: string): Promise<LeadForCrm | null> {
    const rows = await this.query<LeadForCrmRow[]>(
      `SELECT ${LEAD_FOR_CRM_COLUMNS} FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE l.id = $1`,
      [leadId, TRANSCRIPT_WINDOW],
    );
    return rows[0] ? toLeadForCrm(rows[0]) : null;
  }

  async markCrmDelivered(leadId: string, delivery: CrmDelivery): Promise<{ behind: boolean }> {
    // Timestamps reach the sync through JSON with milliseconds: compare at that precision.
    const [rows] = await this.query<[Array<{ behind: boolean }>, number]>(
      `UPDATE leads SET crm_provider = $2, crm_external_id = $3, crm_refs = $4, crm_status = 'delivered',
         crm_attempts = $5, crm_delivered_at = now(), crm_synced_through = GREATEST(crm_synced_through, $6),
         crm_lease_until = NULL,
         updated_at = now()
       WHERE id = $1
       RETURNING EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = leads.conversation_id
                           AND date_trunc('milliseconds', m.created_at) > $6) AS behind`,
      [
        leadId,
        delivery.provider,
        delivery.externalId,
        JSON.stringify(delivery.refs),
        delivery.attempts,
        delivery.through,
      ],
    );
    return { behind: rows[0]?.behind ?? false };
  }

  async saveCrmRefs(leadId: string, refs: Record<string, string>): Promise<void> {
    await this.uow.detached(() =>
      this.query(`UPDATE leads SET crm_refs = crm_refs || $2::jsonb WHERE id = $1`, [leadId, JSON.stringify(refs)]),
    );
  }

  async markCrmFailed(leadId: string, attempts: number): Promise<void> {
    await this.query(
      `UPDATE leads SET crm_status = 'failed', crm_attempts = $2, crm_lease_until = NULL, updated_at = now()
       WHERE id = $1`,
      [leadId, attempts],
    );
  }

  /**
   * The write is conditional on the lead being what `previous` says (the optimistic half of `refineLead`): a new
   * lead is inserted only if the conversation still has none, an existing one updated only if unchanged.
   */
  async writeLead({ message, triage, previous, next, crmProvider, sync, reply: reply_ }: LeadWrite) {
    const lead = previous
      ? `UPDATE leads SET intent = $5, urgency = $6, escalate = $7, status = $8, details = $9,
           crm_status = CASE WHEN crm_status = 'delivered' THEN 'pending' ELSE crm_status END, updated_at = now()
         WHERE id = $10 AND intent = $11 AND urgency = $12 AND escalate = $13 AND status = $14 AND details = $15
         RETURNING id`
      : `INSERT INTO leads (intent, urgency, escalate, status, details, contact_id, conversation_id, channel,
           crm_provider, created_at)
         VALUES ($5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (conversation_id) DO NOTHING RETURNING id`;
    const which = previous
      ? [
          previous.id,
          previous.intent,
          previous.urgency,
          previous.escalate,
          previous.status,
          JSON.stringify(previous.details),
        ]
      : [
          message.contactId,
          message.conversationId,
          message.channel,
          crmProvider,
          message.createdAt, // a lead dates from the client's first message, not from when triage got to it
        ];
    const params: unknown[] = [
      sync.topic,
      JSON.stringify(sync.traceContext),
      JSON.stringify(triage),
      message.id,
      next.intent,
      next.urgency,
      next.escalate,
      next.status,
      JSON.stringify(next.details),
      ...which,
    ];
    const $ = (value: unknown) => `$${params.push(value)}`;
    // The reply is inserted only with the lead (FROM lead): a write that lost the race adds nothing.
    const withReply = reply_
      ? `, reply AS (
           INSERT INTO messages (conversation_id, direction, channel, text, status, buttons)
           SELECT ${$(message.conversationId)}, 'out', ${$(message.channel)}, ${$(reply_.text)}, 'queued',
                  ${$(JSON.stringify(reply_.buttons))}::jsonb FROM lead RETURNING id)`
      : '';
    const replySend = reply_
      ? `outbox_add(${$(reply_.send.topic)}, jsonb_build_object('messageId', reply.id), ${$(JSON.stringify(reply_.send.traceContext))})`
      : 'NULL';
    const rows = await this.query<Array<{ id: string; follow_up_id: string; reply_follow_up_id: string | null }>>(
      `WITH triaged AS (UPDATE messages SET triage = $3 WHERE id = $4), lead AS (${lead})${withReply}
       SELECT lead.id, outbox_add_once($1, jsonb_build_object('leadId', lead.id), $2) AS follow_up_id,
              ${replySend} AS reply_follow_up_id
       FROM lead${reply_ ? ' JOIN reply ON true' : ''}`,
      params,
    );
    const row = rows[0];
    if (!row) return null;
    return {
      leadId: row.id,
      followUpId: String(row.follow_up_id),
      replyFollowUpId: row.reply_follow_up_id === null ? null : String(row.reply_follow_up_id),
    };
  }

  async lockLeadOf(conversationId: string): Promise<CurrentLead | null> {
    const rows = await this.query<CurrentLead[]>(
      `SELECT id, intent, urgency, escalate, status, details FROM leads WHERE conversation_id = $1 FOR UPDATE`,
      [conversationId],
    );
    return rows[0] ?? null;
  }
}
