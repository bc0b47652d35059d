import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Visit reminders (24 h and 1 h before). Each row is sent by a delayed outbox job; the row, not the job, decides:
 * a cancelled or moved appointment cancels its rows, and the old jobs then find nothing to send.
 */
export class Reminders1764000000004 implements MigrationInterface {
  name = 'Reminders1764000000004';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE reminders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        appointment_id uuid NOT NULL,
        conversation_id uuid NOT NULL,
        channel text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('24h', '1h')),
        visit_starts_at timestamptz NOT NULL,
        service_name text NOT NULL,
        send_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'sent', 'cancelled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await db.query(`
      CREATE UNIQUE INDEX reminders_one_scheduled_idx ON reminders (appointment_id, kind) WHERE status = 'scheduled'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS reminders');
  }
}
