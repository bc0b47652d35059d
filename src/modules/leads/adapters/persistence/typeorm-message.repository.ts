import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { Channel } from '../../domain/channel';
import type { FollowUp } from '../../domain/follow-up';
import type { CurrentLead } from '../../domain/lead';
import type {
  AttachmentKind,
  ClientMessage,
  InboundMessage,
  MessageRecipient,
  MessageStatus,
  StoredMessage,
} from '../../domain/message';
import { MessageStore, type AcceptedMessage } from '../../ports/message-store.port';

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

const MESSAGE_SELECT = `
  SELECT m.id, m.conversation_id, c.contact_id, m.channel, c.external_thread_id, m.direction, m.text, m.status,
         m.buttons, m.attachment, m.created_at, m.sent_at
  FROM messages m JOIN conversations c ON c.id = m.conversation_id`;

/** SQL for contacts, conversations and messages. Joins the caller's transaction when there is one. */
@Injectable()
export class TypeOrmMessageRepository implements MessageStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  /**
   * Stores an inbound message with its follow-up outbox row in one statement (see the AcceptInboundFunction
   * migration for the rules). A message stored before comes back with `followUpId` null.
   */
  async acceptInbound(message: InboundMessage, phone: string | null, followUp: FollowUp): Promise<AcceptedMessage> {
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

  async findClientMessage(id: string): Promise<ClientMessage | null> {
    const rows = await this.query<
      Array<MessageRow & { contact_name: string | null; contact_phone: string | null; lead: CurrentLead | null }>
    >(
      `SELECT q.*, ct.name AS contact_name, ct.phone_e164 AS contact_phone,
              (SELECT json_build_object('id', l.id, 'intent', l.intent, 'urgency', l.urgency, 'escalate', l.escalate,
                                        'status', l.status, 'details', l.details)
               FROM leads l WHERE l.conversation_id = q.conversation_id) AS lead
       FROM (${MESSAGE_SELECT} WHERE m.id = $1 AND m.direction = 'in') q JOIN contacts ct ON ct.id = q.contact_id`,
      [id],
    );
    const row = rows[0];
    return row
      ? { ...toMessage(row), contact: { name: row.contact_name, phone: row.contact_phone }, lead: row.lead }
      : null;
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

  async conversation(conversationId: string): Promise<{ id: string; channel: Channel; contactId: string } | null> {
    const rows = await this.query<Array<{ id: string; channel: Channel; contact_id: string }>>(
      'SELECT id, channel, contact_id FROM conversations WHERE id = $1',
      [conversationId],
    );
    return rows[0] ? { id: rows[0].id, channel: rows[0].channel, contactId: rows[0].contact_id } : null;
  }
}
