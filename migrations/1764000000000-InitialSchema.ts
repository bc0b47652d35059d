import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text,
        phone_e164 text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE contact_identities (
        channel text NOT NULL,
        external_id text NOT NULL,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel, external_id)
      )`);
    await db.query(`CREATE INDEX contact_identities_contact_idx ON contact_identities (contact_id)`);
    await db.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        channel text NOT NULL,
        external_thread_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (channel, external_thread_id)
      )`);
    await db.query(`CREATE INDEX conversations_contact_idx ON conversations (contact_id)`);
    await db.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        channel text NOT NULL,
        provider_message_id text,
        text text NOT NULL,
        status text NOT NULL,
        triage jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    // Provider retries of the same inbound message must not create new work.
    await db.query(`
      CREATE UNIQUE INDEX messages_inbound_dedupe_idx ON messages (channel, provider_message_id)
      WHERE direction = 'in'`);
    await db.query(`CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at)`);
    await db.query(`
      CREATE TABLE leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
        channel text NOT NULL,
        intent text NOT NULL,
        urgency text NOT NULL CHECK (urgency IN ('hot', 'cold')),
        status text NOT NULL,
        escalate boolean NOT NULL DEFAULT false,
        details jsonb NOT NULL DEFAULT '{}',
        crm_provider text NOT NULL,
        crm_external_id text,
        crm_refs jsonb NOT NULL DEFAULT '{}',
        crm_status text NOT NULL DEFAULT 'pending',
        crm_attempts integer NOT NULL DEFAULT 0,
        crm_delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX leads_created_idx ON leads (created_at DESC, id DESC)`);
    await db.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        attempt_log jsonb NOT NULL DEFAULT '[]',
        trace_context jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await db.query(`CREATE INDEX outbox_pending_idx ON outbox (published_at NULLS FIRST) WHERE status = 'pending'`);
    await db.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        outbox_id bigint NOT NULL UNIQUE REFERENCES outbox(id) ON DELETE CASCADE,
        topic text NOT NULL,
        payload jsonb NOT NULL,
        reason text NOT NULL CHECK (reason IN ('exhausted', 'blocked', 'permanent')),
        last_error text NOT NULL,
        attempts integer NOT NULL,
        attempt_log jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- a replay files a new outbox row for the same work; the dead letter stays as the record of the failure
        replayed_at timestamptz,
        replay_outbox_id bigint,
        replayed_by text,
        discarded_at timestamptz,
        discarded_by text
      )`);
    await db.query(`CREATE INDEX dead_letters_created_idx ON dead_letters (created_at)`);
    await db.query(`
      CREATE TABLE manager_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_key text NOT NULL,
        title text NOT NULL,
        count integer NOT NULL DEFAULT 1,
        samples jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
        first_at timestamptz NOT NULL DEFAULT now(),
        last_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    // One open alert per group: an outage adds to it instead of sending hundreds.
    await db.query(
      `CREATE UNIQUE INDEX manager_alerts_open_idx ON manager_alerts (group_key) WHERE status = 'pending'`,
    );
    // OAuth tokens of a CRM account; the refresh token rotates and is single-use, so it lives here, not in env.
    await db.query(`
      CREATE TABLE crm_oauth_tokens (
        provider text NOT NULL,
        account text NOT NULL,
        access_token text NOT NULL,
        refresh_token text NOT NULL,
        expires_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, account)
      )`);
    await db.query(`
      CREATE TABLE local_crm_leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL UNIQUE,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'local_crm_leads',
      'crm_oauth_tokens',
      'manager_alerts',
      'dead_letters',
      'outbox',
      'leads',
      'messages',
      'conversations',
      'contact_identities',
      'contacts',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
