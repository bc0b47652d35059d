import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the LLM costs:
 * - llm_usage_daily: calls and the tokens each provider reported, summed per local day (TZ_BUSINESS), provider and
 *   model, with the cost in roubles at the prices configured when the calls were made;
 * - llm_budget_alerts: the days the daily budget ran out, so the managers hear of it once a day whichever process
 *   saw it first.
 */
export class LlmSpend1764000000010 implements MigrationInterface {
  name = 'LlmSpend1764000000010';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE llm_usage_daily (
        day date NOT NULL,
        provider text NOT NULL,
        model text NOT NULL,
        calls integer NOT NULL DEFAULT 0,
        input_tokens bigint NOT NULL DEFAULT 0,
        output_tokens bigint NOT NULL DEFAULT 0,
        cost_rub numeric(14, 4) NOT NULL DEFAULT 0,
        PRIMARY KEY (day, provider, model)
      )`);
    await db.query(`
      CREATE TABLE llm_budget_alerts (
        day date PRIMARY KEY,
        raised_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE llm_budget_alerts');
    await db.query('DROP TABLE llm_usage_daily');
  }
}
