import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change made through the admin API: who (the token's name), what (method, route pattern, path parameters,
 * the body with secrets and phones masked), the resource before and after, and the status answered.
 */
export class AuditLog1764000000006 implements MigrationInterface {
  name = 'AuditLog1764000000006';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        token_name text NOT NULL,
        method text NOT NULL,
        route text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        body jsonb,
        before jsonb,
        after jsonb,
        status smallint NOT NULL
      )`);
    await db.query('CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC)');
    await db.query('CREATE INDEX audit_log_token_at ON audit_log (token_name, at DESC, id DESC)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS audit_log');
  }
}
