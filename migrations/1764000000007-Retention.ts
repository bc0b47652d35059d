import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal data (152-FZ): retention and erasure on request.
 * - messages.redacted_at: when the text was blanked (past MESSAGE_RETENTION_DAYS, or the contact was erased); the
 *   row, its direction, status and times stay, so counts and response times stay correct. The partial index keeps
 *   the periodic purge to the rows it still has to do.
 * - contacts.erased_at: when the contact's personal data was erased on request; erasing again changes nothing.
 * - inbound_events.received_at index: the purge deletes raw webhook bodies past INBOUND_EVENT_RETENTION_DAYS.
 */
export class Retention1764000000007 implements MigrationInterface {
  name = 'Retention1764000000007';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE messages ADD COLUMN redacted_at timestamptz');
    await db.query('CREATE INDEX messages_retention_idx ON messages (created_at) WHERE redacted_at IS NULL');
    await db.query('ALTER TABLE contacts ADD COLUMN erased_at timestamptz');
    await db.query('CREATE INDEX inbound_events_received_idx ON inbound_events (received_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS inbound_events_received_idx');
    await db.query('ALTER TABLE contacts DROP COLUMN IF EXISTS erased_at');
    await db.query('DROP INDEX IF EXISTS messages_retention_idx');
    await db.query('ALTER TABLE messages DROP COLUMN IF EXISTS redacted_at');
  }
}
