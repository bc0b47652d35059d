import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { Channel } from '../../domain/channel';
import type { CurrentLead, LeadForCrm, LeadStatus } from '../../domain/lead';
import { LeadStore, type LeadWrite } from '../../ports/lead-store.port';

/** The CRM gets the latest messages of a conversation; the mappers cut long transcripts further. */
const TRANSCRIPT_WINDOW = 50;

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
  async lockForCrmSync(leadId: string): Promise<void> {
    await this.query(`SELECT pg_advisory_xact_lock(hashtextextended('crm.sync:' || $1, 0))`, [leadId]);
  }

  /** The lead as the CRM gets it, with the latest TRANSCRIPT_WINDOW messages of its conversation, in one read. */
  async leadForCrm(leadId: string): Promise<LeadForCrm | null> {
    const leads = await this.query<
      Array<{
        id: string;
        channel: Channel;
        intent: string;
        urgency: 'hot' | 'cold';
        status: LeadStatus;
        details: Record<string, string>;
        crm_external_id: string | null;
        crm_refs: Record<string, string>;
        crm_delivered_at: Date | null;
        contact_id: string;
        name: string | null;
        phone_e164: string | null;
        transcript: Array<{ direction: 'in' | 'out'; text: string; created_at: string }>;
      }>
    >(
      `SELECT l.id, l.channel, l.intent, l.urgency, l.status, l.details, l.crm_external_id, l.crm_refs,
              l.crm_delivered_at, c.id AS contact_id, c.name, c.phone_e164,
              COALESCE((SELECT json_agg(t ORDER BY t.created_at, t.id) FROM (
                 SELECT m.id, m.direction, m.text, m.created_at FROM messages m
                 WHERE m.conversation_id = l.conversation_id ORDER BY m.created_at DESC, m.id DESC LIMIT $2) t),
               '[]') AS transcript
       FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE l.id = $1`,
      [leadId, TRANSCRIPT_WINDOW],
    );
    const lead = leads[0];
    if (!lead) return null;
    return {
      id: lead.id,
      channel: lead.channel,
      intent: lead.intent,
      urgency: lead.urgency,
      status: lead.status,
      details: lead.details,
      contact: { id: lead.contact_id, name: lead.name, phone: lead.phone_e164 },
      transcript: lead.transcript.map((m) => ({ direction: m.direction, text: m.text, at: new Date(m.created_at) })),
      crmExternalId: lead.crm_external_id,
      crmRefs: lead.crm_refs,
      crmDeliveredAt: lead.crm_delivered_at,
    };
  }

  async markCrmDelivered(
    leadId: string,
    delivery: { provider: string; externalId: string; refs: Record<string, string>; attempts: number },
  ): Promise<void> {
    await this.query(
      `UPDATE leads SET crm_provider = $2, crm_external_id = $3, crm_refs = $4, crm_status = 'delivered',
         crm_attempts = $5, crm_delivered_at = now(), updated_at = now() WHERE id = $1`,
      [leadId, delivery.provider, delivery.externalId, JSON.stringify(delivery.refs), delivery.attempts],
    );
  }

  async saveCrmRefs(leadId: string, refs: Record<string, string>): Promise<void> {
    await this.uow.detached(() =>
      this.query(`UPDATE leads SET crm_refs = crm_refs || $2::jsonb WHERE id = $1`, [leadId, JSON.stringify(refs)]),
    );
  }

  async markCrmFailed(leadId: string, attempts: number): Promise<void> {
    await this.query(`UPDATE leads SET crm_status = 'failed', crm_attempts = $2, updated_at = now() WHERE id = $1`, [
      leadId,
      attempts,
    ]);
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
       SELECT lead.id, outbox_add($1, jsonb_build_object('leadId', lead.id), $2) AS follow_up_id,
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
