import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the agency configures through the admin API:
 * - business_profile: one row (id 1) with the business's name, address, phone, hours, time zone, preset, website;
 *   a null zone or preset means the instance's TZ_BUSINESS / BUSINESS_PRESET;
 * - scenarios: per intent, whether the bot auto-replies, its reply template (null: the preset's), what it collects
 *   and whether the intent always goes to a person. An intent without a row runs on its preset defaults;
 * - messages.author: who wrote an outbound message: 'manager' for a manual reply from the admin API; null (or
 *   'bot') is the bot.
 */
export class Settings1764000000008 implements MigrationInterface {
  name = 'Settings1764000000008';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE business_profile (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        name text,
        address text,
        phone text,
        hours_text text,
        hours_weekly jsonb,
        time_zone text,
        preset text,
        website text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE scenarios (
        intent text PRIMARY KEY,
        enabled boolean NOT NULL DEFAULT true,
        reply_template text,
        required_details jsonb NOT NULL DEFAULT '[]'::jsonb,
        escalate boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`ALTER TABLE messages ADD COLUMN author text CHECK (author IN ('bot', 'manager'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE messages DROP COLUMN IF EXISTS author');
    await db.query('DROP TABLE IF EXISTS scenarios');
    await db.query('DROP TABLE IF EXISTS business_profile');
  }
}
