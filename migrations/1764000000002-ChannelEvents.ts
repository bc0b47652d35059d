import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messenger channels:
 * - inbound_events: every webhook event as the provider sent it, unique per (channel, provider key), stored with
 *   its processing outbox row in one statement (accept_inbound_event) before the provider gets its 2xx;
 * - per channel identity: when the client last wrote (Meta's 24-hour window), whether they can be reached there,
 *   and further provider ids (WhatsApp's user id next to wa_id);
 * - messages: quick-reply buttons, what an inbound message carries besides text, why an outbound one failed and
 *   how it finally went out.
 */
export class ChannelEvents1764000000002 implements MigrationInterface {
  name = 'ChannelEvents1764000000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE inbound_events (
        id bigserial PRIMARY KEY,
        channel text NOT NULL,
        event_key text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        UNIQUE (channel, event_key)
      )`);
    await db.query(`
      CREATE FUNCTION accept_inbound_event(p_channel text, p_event_key text, p_payload jsonb, p_trace_context jsonb)
      RETURNS TABLE (event_id bigint, follow_up_id bigint)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_event bigint;
      BEGIN
        INSERT INTO inbound_events (channel, event_key, payload) VALUES (p_channel, p_event_key, p_payload)
          ON CONFLICT (channel, event_key) DO NOTHING RETURNING id INTO v_event;
        IF v_event IS NULL THEN
          -- A provider's retry (also a concurrent one, which waited for the first to commit): no new work.
          RETURN QUERY SELECT e.id, NULL::bigint FROM inbound_events e
            WHERE e.channel = p_channel AND e.event_key = p_event_key;
          RETURN;
        END IF;
        RETURN QUERY SELECT v_event,
          outbox_add('inbound.process', jsonb_build_object('eventId', v_event::text), p_trace_context);
      END
      $$`);

    await db.query(`
      ALTER TABLE contact_identities
        ADD COLUMN last_inbound_at timestamptz,
        ADD COLUMN unreachable_at timestamptz,
        ADD COLUMN unreachable_reason text,
        ADD COLUMN profile jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await db.query(`
      ALTER TABLE messages
        ADD COLUMN buttons jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN attachment text,
        ADD COLUMN error text,
        ADD COLUMN delivered_via text`);
    // Delivery statuses find our outbound message by the provider's id.
    await db.query(`
      CREATE INDEX messages_outbound_provider_idx ON messages (channel, provider_message_id) WHERE direction = 'out'`);

    await db.query('DROP FUNCTION accept_inbound_message(text, text, text, text, text, text, text, text, jsonb)');
    await db.query(ACCEPT_INBOUND_MESSAGE_V2);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      'DROP FUNCTION IF EXISTS accept_inbound_message(text, text, text, text, text, text, text, text, jsonb, text, jsonb)',
    );
    await db.query('DROP INDEX IF EXISTS messages_outbound_provider_idx');
    await db.query(
      'ALTER TABLE messages DROP COLUMN buttons, DROP COLUMN attachment, DROP COLUMN error, DROP COLUMN delivered_via',
    );
    await db.query(
      'ALTER TABLE contact_identities DROP COLUMN last_inbound_at, DROP COLUMN unreachable_at, DROP COLUMN unreachable_reason, DROP COLUMN profile',
    );
    await db.query('DROP FUNCTION IF EXISTS accept_inbound_event(text, text, jsonb, jsonb)');
    await db.query('DROP TABLE IF EXISTS inbound_events');
  }
}

/** accept_inbound_message as this migration left it (MergeContacts' down restores it). */
export const ACCEPT_INBOUND_MESSAGE_V2 = `
      CREATE OR REPLACE FUNCTION accept_inbound_message(
        p_channel text, p_external_user_id text, p_thread_id text, p_provider_message_id text, p_text text,
        p_name text, p_phone text, p_follow_up_topic text, p_trace_context jsonb,
        p_attachment text DEFAULT NULL, p_profile jsonb DEFAULT '{}'::jsonb
      ) RETURNS TABLE (message_id uuid, conversation_id uuid, contact_id uuid, follow_up_id bigint)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_by_identity uuid;
        v_by_phone uuid;
        v_created uuid;
        v_contact uuid;
        v_conversation uuid;
        v_message uuid;
      BEGIN
        -- A provider's retry: answer with the first record, add no work.
        RETURN QUERY
          SELECT m.id, m.conversation_id, c.contact_id, NULL::bigint
          FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE m.channel = p_channel AND m.provider_message_id = p_provider_message_id AND m.direction = 'in';
        IF FOUND THEN RETURN; END IF;

        -- One person, one contact: by (channel, external id), else by phone.
        SELECT ci.contact_id INTO v_by_identity FROM contact_identities ci
          WHERE ci.channel = p_channel AND ci.external_id = p_external_user_id;
        IF p_phone IS NOT NULL THEN
          SELECT ct.id INTO v_by_phone FROM contacts ct WHERE ct.phone_e164 = p_phone;
        END IF;

        IF v_by_identity IS NOT NULL AND v_by_phone IS NOT NULL AND v_by_identity <> v_by_phone THEN
          UPDATE contact_identities SET contact_id = v_by_phone WHERE contact_identities.contact_id = v_by_identity;
          UPDATE conversations SET contact_id = v_by_phone WHERE conversations.contact_id = v_by_identity;
          UPDATE leads SET contact_id = v_by_phone WHERE leads.contact_id = v_by_identity;
          UPDATE contacts t SET name = COALESCE(t.name, f.name), updated_at = now()
            FROM contacts f WHERE t.id = v_by_phone AND f.id = v_by_identity;
          DELETE FROM contacts WHERE id = v_by_identity;
          v_contact := v_by_phone;
        ELSIF v_by_identity IS NOT NULL THEN
          v_contact := v_by_identity;
        ELSE
          v_contact := v_by_phone;
          IF v_contact IS NULL THEN
            INSERT INTO contacts (name, phone_e164) VALUES (p_name, p_phone)
              ON CONFLICT (phone_e164) DO UPDATE SET updated_at = now() RETURNING id INTO v_created;
            v_contact := v_created;
          END IF;
          INSERT INTO contact_identities (channel, external_id, contact_id) VALUES (p_channel, p_external_user_id, v_contact)
            ON CONFLICT DO NOTHING;
          IF NOT FOUND THEN
            -- A concurrent request linked this identity first (we waited for it to commit): use its contact.
            SELECT ci.contact_id INTO v_contact FROM contact_identities ci
              WHERE ci.channel = p_channel AND ci.external_id = p_external_user_id;
            DELETE FROM contacts ct WHERE ct.id = v_created AND ct.id <> v_contact
              AND NOT EXISTS (SELECT 1 FROM contact_identities x WHERE x.contact_id = ct.id);
          END IF;
        END IF;
        -- The client wrote: the channel's service window opens again, and a client who had blocked us is back.
        UPDATE contact_identities ci SET last_inbound_at = now(), unreachable_at = NULL, unreachable_reason = NULL,
            profile = ci.profile || COALESCE(p_profile, '{}'::jsonb)
          WHERE ci.channel = p_channel AND ci.external_id = p_external_user_id;
        UPDATE contacts SET name = COALESCE(name, p_name), phone_e164 = COALESCE(phone_e164, p_phone), updated_at = now()
          WHERE id = v_contact
            AND ((name IS NULL AND p_name IS NOT NULL) OR (phone_e164 IS NULL AND p_phone IS NOT NULL));

        -- One conversation per (channel, thread); no row lock when it exists.
        SELECT cv.id INTO v_conversation FROM conversations cv
          WHERE cv.channel = p_channel AND cv.external_thread_id = p_thread_id;
        IF v_conversation IS NULL THEN
          INSERT INTO conversations (contact_id, channel, external_thread_id) VALUES (v_contact, p_channel, p_thread_id)
            ON CONFLICT (channel, external_thread_id) DO NOTHING RETURNING id INTO v_conversation;
          IF v_conversation IS NULL THEN
            SELECT cv.id INTO v_conversation FROM conversations cv
              WHERE cv.channel = p_channel AND cv.external_thread_id = p_thread_id;
          END IF;
        END IF;

        INSERT INTO messages (conversation_id, direction, channel, provider_message_id, text, status, attachment)
          VALUES (v_conversation, 'in', p_channel, p_provider_message_id, p_text, 'received', p_attachment)
          ON CONFLICT (channel, provider_message_id) WHERE direction = 'in' DO NOTHING
          RETURNING id INTO v_message;
        IF v_message IS NULL THEN
          -- The same message arrived concurrently and the other request stored it first.
          RETURN QUERY
            SELECT m.id, m.conversation_id, c.contact_id, NULL::bigint
            FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.channel = p_channel AND m.provider_message_id = p_provider_message_id AND m.direction = 'in';
          RETURN;
        END IF;

        RETURN QUERY SELECT v_message, v_conversation, v_contact,
          outbox_add(p_follow_up_topic, jsonb_build_object('messageId', v_message), p_trace_context);
      END
      $$`;
