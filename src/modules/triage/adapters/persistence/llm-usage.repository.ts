import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { LlmCallUsage } from '../../ports/llm-spend.port';
import type { LlmUsageStore } from '../../ports/llm-usage-store.port';

@Injectable()
export class LlmUsageRepository implements LlmUsageStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  async add(day: string, usage: LlmCallUsage, costRub: number): Promise<number> {
    const [row] = (await this.uow.manager().query(
      `WITH added AS (
         INSERT INTO llm_usage_daily AS u (day, provider, model, calls, input_tokens, output_tokens, cost_rub)
         VALUES ($1, $2, $3, 1, $4, $5, $6)
         ON CONFLICT (day, provider, model) DO UPDATE SET
           calls = u.calls + 1,
           input_tokens = u.input_tokens + excluded.input_tokens,
           output_tokens = u.output_tokens + excluded.output_tokens,
           cost_rub = u.cost_rub + excluded.cost_rub
         RETURNING provider, model, cost_rub
       )
       SELECT (SELECT cost_rub FROM added)
         + COALESCE((SELECT sum(cost_rub) FROM llm_usage_daily u
                     WHERE u.day = $1 AND (u.provider, u.model) <> (SELECT provider, model FROM added)), 0)
         AS total`,
      [day, usage.provider, usage.model, usage.inputTokens, usage.outputTokens, costRub],
    )) as Array<{ total: string }>;
    return Number(row.total);
  }

  async dayCost(day: string): Promise<number> {
    const [row] = (await this.uow
      .manager()
      .query('SELECT COALESCE(sum(cost_rub), 0) AS total FROM llm_usage_daily WHERE day = $1', [day])) as Array<{
      total: string;
    }>;
    return Number(row.total);
  }

  async claimBudgetAlert(day: string): Promise<boolean> {
    const rows = (await this.uow
      .manager()
      .query('INSERT INTO llm_budget_alerts (day) VALUES ($1) ON CONFLICT DO NOTHING RETURNING day', [
        day,
      ])) as unknown[];
    return rows.length === 1;
  }
}
