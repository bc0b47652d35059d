import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A CRM sync calls the CRM outside any transaction, so it can no longer hold a transaction-scoped lock while it
 * does: it holds a lease on the lead instead, which a crashed worker's sync gives up when it lapses. And since a
 * message can arrive while a sync runs, the sync records the newest message it carried (`crm_synced_through`), not
 * the time it finished, as the point the next follow-up starts after.
 *
 * A lead has at most one pending sync: `outbox_add_once` joins a message's sync to the one already waiting (which
 * reads the lead as it is when it runs), so ten messages of a client during a spike cost one sync, not ten.
 */
export class CrmSyncOutsideTransactions1764000000013 implements MigrationInterface {
  name = 'CrmSyncOutsideTransactions1764000000013';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'ALTER TABLE leads ADD COLUMN crm_lease_until timestamptz, ADD COLUMN crm_synced_through timestamptz',
    );
    await db.query(`
      CREATE INDEX outbox_pending_crm_sync ON outbox (topic, payload) WHERE status = 'pending' AND topic = 'crm.sync'`);
    await db.query(`
      CREATE FUNCTION outbox_add_once(p_topic text, p_payload jsonb, p_trace_context jsonb) RETURNS bigint
      LANGUAGE plpgsql AS $$
      DECLARE
        v_id bigint;
      BEGIN
        SELECT id INTO v_id FROM outbox
        WHERE topic = p_topic AND payload = p_payload AND status = 'pending' ORDER BY id LIMIT 1;
        RETURN COALESCE(v_id, outbox_add(p_topic, p_payload, p_trace_context));
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION outbox_add_once(text, jsonb, jsonb)');
    await db.query('DROP INDEX outbox_pending_crm_sync');
    await db.query('ALTER TABLE leads DROP COLUMN crm_lease_until, DROP COLUMN crm_synced_through');
  }
}
