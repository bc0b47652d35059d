import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { Channel } from '../../domain/channel';
import type { LeadAssessment, LeadForCrm, LeadStatus, LeadView } from '../../domain/lead';
import {
  lastAttemptError,
  traceIdOf,
  type ConversationFilter,
  type ConversationSummary,
  type LeadDetail,
  type LeadFilter,
} from '../../domain/lead-detail';
import type {
  AttachmentKind,
  ClientMessage,
  InboundMessage,
  MessageRecipient,
  MessageStatus,
  StoredMessage,
} from '../../domain/message';

interface MessageRow {
  id: string;
  conversation_id: string;
  contact_id: string;
  channel: Channel;
  external_thread_id: string;
  direction: 'in' | 'out';
  text: string;
  status: MessageStatus;
  buttons: string[];
  attachment: AttachmentKind | null;
  created_at: Date;
  sent_at: Date | null;
}

const toMessage = (row: MessageRow): StoredMessage => ({
  id: row.id,
  conversationId: row.conversation_id,
  contactId: row.contact_id,
  channel: row.channel,
  threadId: row.external_thread_id,
  direction: row.direction,
  text: row.text,
  status: row.status,
  buttons: row.buttons ?? [],
  attachment: row.attachment,
  createdAt: row.created_at,
  sentAt: row.sent_at,
});

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

export interface FollowUp {
  topic: string;
  traceContext: Record<string, string>;
}

export interface AcceptedRow {
  messageId: string;
  conversationId: string;
  contactId: string;
  followUpId: string | null;
}

/** The CRM gets the latest messages of a conversation; the mappers cut long transcripts further. */
const TRANSCRIPT_WINDOW = 50;

const MESSAGE_SELECT = `
  SELECT m.id, m.conversation_id, c.contact_id, m.channel, c.external_thread_id, m.direction, m.text, m.status,
         m.buttons, m.attachment, m.created_at, m.sent_at
  FROM messages m JOIN conversations c ON c.id = m.conversation_id`;

/** SQL for contacts, conversations, messages and leads. Joins the caller's transaction when there is one. */
@Injectable()
export class TypeOrmLeadsRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  /**
   * Stores an inbound message with its follow-up outbox row in one statement (see the AcceptInboundFunction
   * migration for the rules). A message stored before comes back with `followUpId` null.
   */
  async acceptInbound(message: InboundMessage, phone: string | null, followUp: FollowUp): Promise<AcceptedRow> {
    const [row] = await this.query<
      Array<{ message_id: string; conversation_id: string; contact_id: string; follow_up_id: string | null }>
    >('SELECT * FROM accept_inbound_message($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', [
      message.channel,
      message.externalUserId,
      message.threadId,
      message.providerMessageId,
      message.text,
      message.name?.trim() || null,
      phone,
      followUp.topic,
      JSON.stringify(followUp.traceContext),
      message.attachment ?? null,
      JSON.stringify(message.profile ?? {}),
    ]);
    return {
      messageId: row.message_id,
      conversationId: row.conversation_id,
      contactId: row.contact_id,
      followUpId: row.follow_up_id === null ? null : String(row.follow_up_id),
    };
  }

  async findMessage(id: string): Promise<StoredMessage | null> {
    const rows = await this.query<MessageRow[]>(`${MESSAGE_SELECT} WHERE m.id = $1`, [id]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** Stores an outbound message with the outbox row that sends it, in one statement. */
  /** An inbound message with its contact's name and phone, in one read. */
  async findClientMessage(id: string): Promise<ClientMessage | null> {
    const rows = await this.query<Array<MessageRow & { contact_name: string | null; contact_phone: string | null }>>(
      `SELECT q.*, ct.name AS contact_name, ct.phone_e164 AS contact_phone
       FROM (${MESSAGE_SELECT} WHERE m.id = $1 AND m.direction = 'in') q JOIN contacts ct ON ct.id = q.contact_id`,
      [id],
    );
    const row = rows[0];
    return row ? { ...toMessage(row), contact: { name: row.contact_name, phone: row.contact_phone } } : null;
  }

  async insertOutbound(
    conversationId: string,
    channel: Channel,
    text: string,
    buttons: string[],
    send: FollowUp,
  ): Promise<{ messageId: string; followUpId: string }> {
    const [row] = await this.query<Array<{ id: string; follow_up_id: string }>>(
      `WITH reply AS (
         INSERT INTO messages (conversation_id, direction, channel, text, status, buttons)
         VALUES ($1, 'out', $2, $3, 'queued', $4) RETURNING id)
       SELECT id, outbox_add($5, jsonb_build_object('messageId', id), $6) AS follow_up_id FROM reply`,
      [conversationId, channel, text, JSON.stringify(buttons), send.topic, JSON.stringify(send.traceContext)],
    );
    return { messageId: row.id, followUpId: String(row.follow_up_id) };
  }

  /**
   * Marks a reply sent. Returns the seconds since the client first wrote when this is the conversation's first
   * reply, null otherwise (read in the same statement, from the conversation's index).
   */
  async markSent(messageId: string, providerMessageId: string | null, via: string | null): Promise<number | null> {
    const rows = await this.query<Array<{ first_reply_seconds: string | null }>>(
      `WITH sent AS (
         UPDATE messages SET status = 'sent', sent_at = now(), error = NULL,
           provider_message_id = COALESCE($2, provider_message_id), delivered_via = $3
         WHERE id = $1 RETURNING conversation_id, sent_at)
       SELECT EXTRACT(EPOCH FROM sent.sent_at - asked.created_at) AS first_reply_seconds
       FROM sent
       JOIN LATERAL (SELECT created_at FROM messages
                     WHERE conversation_id = sent.conversation_id AND direction = 'in'
                     ORDER BY created_at LIMIT 1) asked ON true
       WHERE NOT EXISTS (SELECT 1 FROM messages o
                         WHERE o.conversation_id = sent.conversation_id AND o.direction = 'out' AND o.id <> $1
                           AND o.sent_at >= asked.created_at)`,
      [messageId, providerMessageId, via],
    );
    return rows[0]?.first_reply_seconds == null ? null : Math.max(0, Number(rows[0].first_reply_seconds));
  }

  async markFailed(messageId: string, error: string): Promise<void> {
    await this.query(`UPDATE messages SET status = 'failed', error = $2 WHERE id = $1`, [messageId, error]);
  }

  /**
   * A provider's report on a message we sent. Statuses only move forward (a late `delivered` never undoes `read`);
   * `failed` wins. Returns our message id when this report is what made it fail, null otherwise.
   */
  async applyDeliveryStatus(
    channel: Channel,
    providerMessageId: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    error: string | null,
  ): Promise<string | null> {
    const rows = await this.query<Array<{ id: string }>>(
      `WITH changed AS (
         UPDATE messages SET status = $3, error = COALESCE($4, error)
         WHERE channel = $1 AND provider_message_id = $2 AND direction = 'out'
           AND CASE $3 WHEN 'failed' THEN status <> 'failed'
                       WHEN 'read' THEN status IN ('sent', 'delivered')
                       WHEN 'delivered' THEN status = 'sent'
                       ELSE false END
         RETURNING id)
       SELECT id FROM changed`,
      [channel, providerMessageId, status, error],
    );
    return status === 'failed' && rows[0] ? rows[0].id : null;
  }

  /** The client an outbound message goes to, in its channel: the identity that wrote in this conversation last. */
  async recipientOf(messageId: string): Promise<MessageRecipient | null> {
    const rows = await this.query<
      Array<{
        external_id: string;
        phone_e164: string | null;
        last_inbound_at: Date | null;
        unreachable_at: Date | null;
      }>
    >(
      `SELECT ci.external_id, ct.phone_e164, ci.last_inbound_at, ci.unreachable_at
       FROM messages m
       JOIN conversations c ON c.id = m.conversation_id
       JOIN contacts ct ON ct.id = c.contact_id
       JOIN contact_identities ci ON ci.contact_id = ct.id AND ci.channel = m.channel
       WHERE m.id = $1
       ORDER BY ci.last_inbound_at DESC NULLS LAST LIMIT 1`,
      [messageId],
    );
    const row = rows[0];
    return row
      ? {
          externalUserId: row.external_id,
          phone: row.phone_e164,
          lastInboundAt: row.last_inbound_at,
          unreachableAt: row.unreachable_at,
        }
      : null;
  }

  /** An outbound message with its recipient (see `recipientOf`), in one read. */
  async outboundWithRecipient(
    messageId: string,
  ): Promise<{ message: StoredMessage; recipient: MessageRecipient | null } | null> {
    const rows = await this.query<
      Array<
        MessageRow & {
          external_id: string | null;
          phone_e164: string | null;
          last_inbound_at: Date | null;
          unreachable_at: Date | null;
        }
      >
    >(
      `SELECT q.*, r.* FROM (${MESSAGE_SELECT} WHERE m.id = $1 AND m.direction = 'out') q
       LEFT JOIN LATERAL (
         SELECT ci.external_id, ct.phone_e164, ci.last_inbound_at, ci.unreachable_at
         FROM contacts ct JOIN contact_identities ci ON ci.contact_id = ct.id AND ci.channel = q.channel
         WHERE ct.id = q.contact_id
         ORDER BY ci.last_inbound_at DESC NULLS LAST LIMIT 1) r ON true`,
      [messageId],
    );
    const row = rows[0];
    if (!row) return null;
    const recipient =
      row.external_id === null
        ? null
        : {
            externalUserId: row.external_id,
            phone: row.phone_e164,
            lastInboundAt: row.last_inbound_at,
            unreachableAt: row.unreachable_at,
          };
    return { message: toMessage(row), recipient };
  }

  async markUnreachable(channel: Channel, externalUserId: string, reason: string): Promise<void> {
    await this.query(
      `UPDATE contact_identities SET unreachable_at = now(), unreachable_reason = $3
       WHERE channel = $1 AND external_id = $2`,
      [channel, externalUserId, reason],
    );
  }

  async saveTriage(messageId: string, triage: object): Promise<void> {
    await this.query('UPDATE messages SET triage = $2 WHERE id = $1', [messageId, JSON.stringify(triage)]);
  }

  /** Up to `limit` messages the client saw before `message` (theirs, and replies sent), oldest first. */
  async messagesBefore(message: StoredMessage, limit: number): Promise<StoredMessage[]> {
    const rows = await this.query<MessageRow[]>(
      `SELECT * FROM (
         ${MESSAGE_SELECT}
         WHERE m.conversation_id = $1 AND m.id <> $2 AND m.created_at <= $3
           AND (m.direction = 'in' OR m.status IN ('sent', 'delivered', 'read'))
         ORDER BY m.created_at DESC, m.id DESC LIMIT $4) recent
       ORDER BY created_at, id`,
      [message.conversationId, message.id, message.createdAt, limit],
    );
    return rows.map(toMessage);
  }

  /**
   * What the client can see of the conversation that became visible after `since` (a cursor from the previous
   * answer; unset: everything): client messages when stored, replies when sent. The cursor is the latest of those
   * moments, to the microsecond, so a reply created early but sent late is still found.
   */
  async visibleMessagesSince(
    channel: Channel,
    threadId: string,
    since: string | undefined,
  ): Promise<{ messages: StoredMessage[]; cursor: string | null } | null> {
    const conversation = await this.query<Array<{ id: string }>>(
      'SELECT id FROM conversations WHERE channel = $1 AND external_thread_id = $2',
      [channel, threadId],
    );
    if (conversation.length === 0) return null;
    const rows = await this.query<Array<MessageRow & { cursor: string }>>(
      `SELECT * FROM (
         ${MESSAGE_SELECT.replace(
           'SELECT',
           `SELECT to_char(CASE WHEN m.direction = 'in' THEN m.created_at ELSE COALESCE(m.sent_at, m.created_at) END
           AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor,`,
         )}
         WHERE m.conversation_id = $1 AND (m.direction = 'in' OR m.status IN ('sent', 'delivered', 'read'))
       ) visible
       WHERE $2::timestamptz IS NULL OR cursor::timestamptz > $2::timestamptz
       ORDER BY created_at, id`,
      [conversation[0].id, since ?? null],
    );
    const cursor = rows.reduce<string | null>(
      (latest, row) => (latest && latest > row.cursor ? latest : row.cursor),
      null,
    );
    return { messages: rows.map(toMessage), cursor: cursor ?? since ?? null };
  }

  /**
   * One lead per conversation. A later message refines it: a real intent replaces a greeting, hot wins over
   * cold, an escalation sticks, details accumulate; the CRM must hear about the change again.
   */
  /**
   * Records what triage made of the message and updates the conversation's lead, with the outbox row that
   * syncs the lead to the CRM, in one statement. One lead per conversation; a later message refines it: a real
   * intent replaces a greeting, hot wins over cold, an escalation sticks, details accumulate; the CRM must hear
   * about the change again.
   */
  async upsertLead(
    message: StoredMessage,
    triage: object,
    assessment: LeadAssessment,
    status: LeadStatus,
    crmProvider: string,
    sync: FollowUp,
  ): Promise<{ leadId: string; followUpId: string }> {
    const [row] = await this.query<Array<{ id: string; follow_up_id: string }>>(
      `WITH triaged AS (UPDATE messages SET triage = $11 WHERE id = $12),
       lead AS (
         INSERT INTO leads (contact_id, conversation_id, channel, intent, urgency, status, escalate, details, crm_provider, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (conversation_id) DO UPDATE SET
           intent = CASE WHEN excluded.intent = 'other' THEN leads.intent ELSE excluded.intent END,
           urgency = CASE WHEN leads.urgency = 'hot' OR excluded.urgency = 'hot' THEN 'hot' ELSE 'cold' END,
           escalate = leads.escalate OR excluded.escalate,
           status = CASE WHEN leads.escalate OR excluded.escalate THEN 'escalated'
                         WHEN leads.status IN ('booked', 'cancelled') THEN leads.status
                         ELSE excluded.status END,
           details = leads.details || excluded.details,
           crm_status = CASE WHEN leads.crm_status = 'delivered' THEN 'pending' ELSE leads.crm_status END,
           updated_at = now()
         RETURNING id)
       SELECT id, outbox_add($13, jsonb_build_object('leadId', id), $14) AS follow_up_id FROM lead`,
      [
        message.contactId,
        message.conversationId,
        message.channel,
        assessment.intent,
        assessment.urgency,
        status,
        assessment.escalate,
        JSON.stringify(assessment.details),
        crmProvider,
        message.createdAt, // a lead dates from the client's first message, not from when triage got to it
        JSON.stringify(triage),
        message.id,
        sync.topic,
        JSON.stringify(sync.traceContext),
      ],
    );
    return { leadId: row.id, followUpId: String(row.follow_up_id) };
  }

  async setLeadStatus(leadId: string, status: LeadStatus): Promise<void> {
    await this.query(
      `UPDATE leads SET status = $2, crm_status = CASE WHEN crm_status = 'delivered' THEN 'pending' ELSE crm_status END,
         updated_at = now() WHERE id = $1`,
      [leadId, status],
    );
  }

  async contact(contactId: string): Promise<{ id: string; name: string | null; phone: string | null } | null> {
    const rows = await this.query<Array<{ id: string; name: string | null; phone_e164: string | null }>>(
      'SELECT id, name, phone_e164 FROM contacts WHERE id = $1',
      [contactId],
    );
    return rows[0] ? { id: rows[0].id, name: rows[0].name, phone: rows[0].phone_e164 } : null;
  }

  /**
   * Gives the contact the phone (and name) the client typed. When another contact already has that phone, the two
   * are one person and merge into it (the `merge_contacts` rule). Returns the id of the contact that holds the phone.
   */
  async completeContact(contactId: string, phone: string, name: string | null): Promise<string> {
    const [row] = await this.query<Array<{ id: string }>>('SELECT complete_contact($1, $2, $3) AS id', [
      contactId,
      phone,
      name,
    ]);
    return row.id;
  }

  /** Inside a transaction: holds until it ends, so two syncs of one lead never run at once. */
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

  /** Keeps the CRM ids of the steps done so far, in their own transaction, before the next step can fail. */
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

  async conversation(conversationId: string): Promise<{ id: string; channel: Channel; contactId: string } | null> {
    const rows = await this.query<Array<{ id: string; channel: Channel; contact_id: string }>>(
      'SELECT id, channel, contact_id FROM conversations WHERE id = $1',
      [conversationId],
    );
    return rows[0] ? { id: rows[0].id, channel: rows[0].channel, contactId: rows[0].contact_id } : null;
  }

  /** Conversations with their client, the most recently active first. */
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

  /** An outbound message written by someone other than the bot (a manager), queued like the bot's replies. */
  async insertOutboundBy(
    conversationId: string,
    channel: Channel,
    text: string,
    author: 'bot' | 'manager',
  ): Promise<string> {
    const [row] = await this.query<Array<{ id: string }>>(
      `INSERT INTO messages (conversation_id, direction, channel, text, status, author)
       VALUES ($1, 'out', $2, $3, 'queued', $4) RETURNING id`,
      [conversationId, channel, text, author],
    );
    return row.id;
  }
}
