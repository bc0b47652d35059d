import { MigrationInterface, QueryRunner } from 'typeorm';
import { ACCEPT_INBOUND_MESSAGE_V2 } from './1764000000002-ChannelEvents';

/**
 * One home for the rule "two contacts turn out to be one person": merge_contacts moves everything of one contact
 * (identities, conversations, leads, appointments) to the other, keeps a name the survivor lacks, and deletes it.
 * Accepting a message that links a known identity to another contact's phone calls it, and so does
 * complete_contact, which gives a contact the phone the client typed. Appointments used to stay behind.
 */
export class MergeContacts1764000000011 implements MigrationInterface {
  name = 'MergeContacts1764000000011';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION merge_contacts(p_from uuid, p_into uuid) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        IF p_from = p_into THEN RETURN; END IF;
        UPDATE contact_identities SET contact_id = p_into WHERE contact_id = p_from;
        UPDATE conversations SET contact_id = p_into WHERE contact_id = p_from;
        UPDATE leads SET contact_id = p_into WHERE contact_id = p_from;
        UPDATE appointments SET contact_id = p_into WHERE contact_id = p_from;
        UPDATE contacts t SET name = COALESCE(t.name, f.name), updated_at = now()
          FROM contacts f WHERE t.id = p_into AND f.id = p_from;
        DELETE FROM contacts WHERE id = p_from;
      END
      $$`);
    await db.query(`
      CREATE FUNCTION complete_contact(p_contact uuid, p_phone text, p_name text) RETURNS uuid
      LANGUAGE plpgsql AS $$
      DECLARE
        v_owner uuid;
      BEGIN
        SELECT id INTO v_owner FROM contacts WHERE phone_e164 = p_phone;
        IF v_owner IS NULL THEN
          v_owner := p_contact;
        ELSE
          PERFORM merge_contacts(p_contact, v_owner);
        END IF;
        UPDATE contacts SET phone_e164 = p_phone, name = COALESCE(name, p_name), updated_at = now() WHERE id = v_owner;
        RETURN v_owner;
      END
      $$`);
    await db.query(ACCEPT_INBOUND_MESSAGE_V3);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(ACCEPT_INBOUND_MESSAGE_V2);
    await db.query('DROP FUNCTION IF EXISTS complete_contact(uuid, text, text)');
    await db.query('DROP FUNCTION IF EXISTS merge_contacts(uuid, uuid)');
  }
}

const ACCEPT_INBOUND_MESSAGE_V3 = `
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
          PERFORM merge_contacts(v_by_identity, v_by_phone);
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
