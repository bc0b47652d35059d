import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import {
  ERASED_EVENT_PAYLOAD,
  ERASED_ID_PREFIX,
  NON_PERSONAL_LEAD_DETAILS,
  NON_PERSONAL_TRIAGE_FIELDS,
  eventNeedles,
  type ErasureReport,
} from '../../domain/personal-data';
import { PersonalDataStore } from '../../ports/personal-data-store.port';

const ERASED_SAMPLE = '[удалено по запросу клиента]';
const NEW_TOKEN = `'${ERASED_ID_PREFIX}' || gen_random_uuid()`;
const ERASED_LIKE = `'${ERASED_ID_PREFIX}%'`;

/** SQL for a jsonb object reduced to the keys listed in the text[] parameter `keys`. */
const keepKeys = (object: string, keys: string) =>
  `(SELECT coalesce(jsonb_object_agg(k.key, k.value), '{}'::jsonb)
    FROM jsonb_each(CASE WHEN jsonb_typeof(${object}) = 'object' THEN ${object} ELSE '{}'::jsonb END) AS k
    WHERE k.key = ANY(${keys}::text[]))`;

/** What a message keeps once blanked: direction, status, times and our own classification. `$1`: triage keys. */
const BLANK_MESSAGE = `
  text = '', attachment = NULL, buttons = '[]'::jsonb, error = NULL,
  triage = CASE WHEN triage IS NULL THEN NULL ELSE ${keepKeys('triage', '$1')} END,
  redacted_at = COALESCE(redacted_at, now())`;

/**
 * The one place that knows every table where a person's data can sit, so that an erasure is one transaction
 * across them (a half-erased contact is worse than none). A module that adds such a table adds it here; the
 * erasure test scans every text and jsonb column of every table and fails until it does.
 */
@Injectable()
export class PersonalDataRepository implements PersonalDataStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    const [row] = await this.query<Array<{ n: number }>>(sql, params);
    return row.n;
  }

  /** Blanks up to `limit` message texts created before `before`; returns how many. */
  blankMessagesBefore(before: Date, limit: number): Promise<number> {
    return this.count(
      `WITH due AS (
         SELECT id FROM messages WHERE created_at < $2 AND redacted_at IS NULL
         ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED),
       done AS (UPDATE messages m SET ${BLANK_MESSAGE} FROM due WHERE m.id = due.id RETURNING 1)
       SELECT count(*)::int AS n FROM done`,
      [NON_PERSONAL_TRIAGE_FIELDS, before, limit],
    );
  }

  /** Deletes up to `limit` raw webhook bodies received before `before`; returns how many. */
  deleteInboundEventsBefore(before: Date, limit: number): Promise<number> {
    return this.count(
      `WITH due AS (SELECT id FROM inbound_events WHERE received_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED),
       done AS (DELETE FROM inbound_events e USING due WHERE e.id = due.id RETURNING 1)
       SELECT count(*)::int AS n FROM done`,
      [before, limit],
    );
  }

  /**
   * Inside a transaction: erases one contact's personal data and keeps every row, id, time and count. Null when
   * there is no such contact. Running it again finds nothing left to erase and answers the same.
   */
  async erase(contactId: string): Promise<ErasureReport | null> {
    const [contact] = await this.query<Array<{ name: string | null; phone_e164: string | null }>>(
      'SELECT name, phone_e164 FROM contacts WHERE id = $1 FOR UPDATE',
      [contactId],
    );
    if (!contact) return null;
    const externalIds = (
      await this.query<Array<{ external_id: string }>>(
        'SELECT external_id FROM contact_identities WHERE contact_id = $1',
        [contactId],
      )
    ).map((row) => row.external_id);
    const conversations = (
      await this.query<Array<{ id: string }>>('SELECT id FROM conversations WHERE contact_id = $1', [contactId])
    ).map((row) => row.id);
    const leads = (
      await this.query<Array<{ id: string }>>(
        'SELECT id FROM leads WHERE contact_id = $1 OR conversation_id = ANY($2::uuid[])',
        [contactId, conversations],
      )
    ).map((row) => row.id);

    // What identifies them must be read before it is erased: raw events are found by ids and phone, alert
    // samples by conversation and name.
    const inboundEvents = await this.eraseInboundEvents(eventNeedles(externalIds, contact.phone_e164));
    await this.eraseAlertSamples([...conversations, ...(contact.name ? [contact.name] : [])]);
    const messages = await this.eraseMessages(conversations);
    await this.eraseLeads(leads);
    await this.eraseAppointments(contactId, conversations);
    await this.query(
      `UPDATE contact_identities SET profile = '{}'::jsonb, unreachable_reason = NULL,
         external_id = CASE WHEN external_id LIKE ${ERASED_LIKE} THEN external_id ELSE ${NEW_TOKEN} END
       WHERE contact_id = $1`,
      [contactId],
    );
    await this.query(
      `UPDATE conversations SET external_thread_id = ${NEW_TOKEN}
       WHERE id = ANY($1::uuid[]) AND external_thread_id NOT LIKE ${ERASED_LIKE}`,
      [conversations],
    );
    const [erased] = await this.query<Array<{ erased_at: Date }>>(
      `WITH done AS (
         UPDATE contacts SET name = NULL, phone_e164 = NULL, erased_at = COALESCE(erased_at, now())
         WHERE id = $1 RETURNING erased_at)
       SELECT erased_at FROM done`,
      [contactId],
    );
    return {
      contactId,
      erasedAt: erased.erased_at,
      identities: externalIds.length,
      conversations: conversations.length,
      messages,
      leads: leads.length,
      inboundEvents,
    };
  }

  /**
   * Blanks the raw webhook bodies that mention one of `needles` anywhere (a batch from WhatsApp may hold other
   * clients' messages too; those are stored as messages already). A blanked event counts as processed, and its
   * key (VK's may hold the user id) becomes a token.
   */
  private async eraseInboundEvents(needles: Array<string | number>): Promise<number> {
    if (needles.length === 0) return 0;
    return this.count(
      `WITH done AS (
         UPDATE inbound_events e SET payload = $2::jsonb, processed_at = COALESCE(e.processed_at, now()),
           event_key = ${NEW_TOKEN}
         WHERE e.payload <> $2::jsonb AND EXISTS (
           SELECT 1 FROM jsonb_array_elements($1::jsonb) AS n(needle)
           WHERE jsonb_path_exists(e.payload, '$.** ? (@ == $needle)', jsonb_build_object('needle', n.needle)))
         RETURNING 1)
       SELECT count(*)::int AS n FROM done`,
      [JSON.stringify(needles), JSON.stringify(ERASED_EVENT_PAYLOAD)],
    );
  }

  /** Manager alert samples quote the client (name, a message excerpt, the conversation): such samples go. */
  private async eraseAlertSamples(needles: string[]): Promise<void> {
    if (needles.length === 0) return;
    const mentions = (sample: string) =>
      `EXISTS (SELECT 1 FROM unnest($1::text[]) AS n WHERE strpos(${sample}, n) > 0)`;
    await this.query(
      `UPDATE manager_alerts a SET samples = (
         SELECT coalesce(jsonb_agg(CASE WHEN ${mentions('s.value')} THEN to_jsonb($2::text) ELSE to_jsonb(s.value) END
                                   ORDER BY s.ord), '[]'::jsonb)
         FROM jsonb_array_elements_text(a.samples) WITH ORDINALITY AS s(value, ord))
       WHERE jsonb_typeof(a.samples) = 'array'
         AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(a.samples) AS s(value) WHERE ${mentions('s.value')})`,
      [needles, ERASED_SAMPLE],
    );
  }

  /** Every message of the conversations, both ways (a reply may greet the client by name); returns how many. */
  private async eraseMessages(conversations: string[]): Promise<number> {
    await this.query(
      `UPDATE messages SET ${BLANK_MESSAGE},
         provider_message_id = CASE WHEN provider_message_id IS NULL OR provider_message_id LIKE ${ERASED_LIKE}
                                    THEN provider_message_id ELSE ${NEW_TOKEN} END
       WHERE conversation_id = ANY($2::uuid[])`,
      [NON_PERSONAL_TRIAGE_FIELDS, conversations],
    );
    return this.count('SELECT count(*)::int AS n FROM messages WHERE conversation_id = ANY($1::uuid[])', [
      conversations,
    ]);
  }

  /** Lead details keep only what we produced; the local CRM card loses the contact, transcript and details. */
  private async eraseLeads(leads: string[]): Promise<void> {
    await this.query(`UPDATE leads SET details = ${keepKeys('details', '$2')} WHERE id = ANY($1::uuid[])`, [
      leads,
      NON_PERSONAL_LEAD_DETAILS,
    ]);
    await this.query(
      `UPDATE local_crm_leads SET payload = payload || jsonb_build_object(
         'contact', jsonb_build_object('id', payload->'contact'->'id', 'name', NULL, 'phone', NULL),
         'details', ${keepKeys("payload->'details'", '$2')},
         'transcript', CASE WHEN jsonb_typeof(payload->'transcript') = 'array' THEN (
           SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(t.line) = 'object' THEN t.line || '{"text": ""}'::jsonb
                                          ELSE '""'::jsonb END ORDER BY t.ord), '[]'::jsonb)
           FROM jsonb_array_elements(payload->'transcript') WITH ORDINALITY AS t(line, ord)) ELSE '[]'::jsonb END)
       WHERE lead_id = ANY($1::uuid[])`,
      [leads, NON_PERSONAL_LEAD_DETAILS],
    );
  }

  /** Visits stay (they are the KPIs); a note about the person goes, and no reminder goes out to an erased id. */
  private async eraseAppointments(contactId: string, conversations: string[]): Promise<void> {
    await this.query(
      `UPDATE appointments SET note = NULL
       WHERE note IS NOT NULL AND (contact_id = $1 OR conversation_id = ANY($2::uuid[]))`,
      [contactId, conversations],
    );
    await this.query(
      `UPDATE reminders SET status = 'cancelled' WHERE status = 'scheduled' AND conversation_id = ANY($1::uuid[])`,
      [conversations],
    );
  }
}
