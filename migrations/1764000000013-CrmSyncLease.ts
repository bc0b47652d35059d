import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A CRM sync calls the CRM outside any transaction, so it can no longer hold a transaction-scoped lock while it
 * does: it holds a lease on the lead instead, which a crashed worker's sync gives up when it lapses. And since a
 * message can arrive while a sync runs, the sync records the newest message it carried (`crm_synced_through`), not
 * the time it finished, as the point the next follow-up starts after.
 */
export class CrmSyncLease1764000000013 implements MigrationInterface {
  name = 'CrmSyncLease1764000000013';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'ALTER TABLE leads ADD COLUMN crm_lease_until timestamptz, ADD COLUMN crm_synced_through timestamptz',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE leads DROP COLUMN crm_lease_until, DROP COLUMN crm_synced_through');
  }
}
