import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each conversation's dialog stands: what the bot is collecting (service, time, slot, phone), which slots it
 * offered, and whether a human has taken the conversation over (the bot stays silent until a manager releases it).
 */
export class Dialogs1764000000005 implements MigrationInterface {
  name = 'Dialogs1764000000005';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE dialogs (
        conversation_id uuid PRIMARY KEY,
        state jsonb NOT NULL DEFAULT '{}'::jsonb,
        handed_off_at timestamptz,
        handoff_reason text,
        released_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS dialogs');
  }
}
