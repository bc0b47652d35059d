import { Injectable, Logger } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { UnitOfWork } from '../../../shared/unit-of-work';
import { ManagerAlerts } from '../../notifications';
import { costRub, localDay, type LlmPrices } from '../domain/llm-spend';
import { LlmBudgetGate, LlmSpendMeter, type LlmCallUsage } from '../ports/llm-spend.port';
import { LlmUsageStore } from '../ports/llm-usage-store.port';

/** How stale this process's view of the day's spend may be: other processes spend too. */
const SPEND_REFRESH_MS = 5_000;

/**
 * Meters every LLM call (tokens and roubles per local day, in Postgres) and keeps the daily budget
 * (LLM_DAILY_BUDGET_RUB): once the day's spend reaches it, the LLM is not asked again until the business's midnight,
 * and the managers get one alert that day, whichever process notices first.
 */
@Injectable()
export class LlmBudget implements LlmSpendMeter, LlmBudgetGate {
  private readonly logger = new Logger(LlmBudget.name);
  private readonly prices: LlmPrices;
  private known: { day: string; cost: number; at: number } | null = null;

  constructor(
    private readonly usage: LlmUsageStore,
    private readonly alerts: ManagerAlerts,
    private readonly uow: UnitOfWork,
    private readonly env: EnvironmentVariables,
  ) {
    this.prices = {
      inputRubPer1k: env.LLM_PRICE_RUB_PER_1K_INPUT,
      outputRubPer1k: env.LLM_PRICE_RUB_PER_1K_OUTPUT ?? env.LLM_PRICE_RUB_PER_1K_INPUT,
    };
  }

  meter(call: LlmCallUsage): void {
    void this.record(call).catch((error: Error) => this.logger.warn(`LLM usage not recorded: ${error.message}`));
  }

  /** Stores the call's tokens and cost; raises the day's alert when this call used up the budget. */
  async record(call: LlmCallUsage, now = new Date()): Promise<void> {
    const day = localDay(now, this.env.TZ_BUSINESS);
    // Outside whatever transaction the caller is in: spend is spent even if the caller's work rolls back.
    const total = await this.uow.detached(() => this.usage.add(day, call, costRub(call, this.prices)));
    this.known = { day, cost: total, at: now.getTime() };
    await this.alertIfExhausted(day, total);
  }

  async allowsLlm(now = new Date()): Promise<boolean> {
    const budget = this.env.LLM_DAILY_BUDGET_RUB;
    if (budget === undefined) return true;
    const day = localDay(now, this.env.TZ_BUSINESS);
    if (!this.known || this.known.day !== day || now.getTime() - this.known.at > SPEND_REFRESH_MS) {
      const cost = await this.uow.detached(() => this.usage.dayCost(day));
      this.known = { day, cost, at: now.getTime() };
      await this.alertIfExhausted(day, cost);
    }
    return this.known.cost < budget;
  }

  private async alertIfExhausted(day: string, cost: number): Promise<void> {
    const budget = this.env.LLM_DAILY_BUDGET_RUB;
    if (budget === undefined || cost < budget) return;
    await this.uow.detached(() =>
      this.uow.run(async () => {
        if (!(await this.usage.claimBudgetAlert(day))) return;
        this.logger.warn(
          `LLM daily budget of ${budget} RUB reached on ${day}: the offline model answers until midnight`,
        );
        await this.alerts.raise({
          groupKey: `llm-budget:${day}`,
          title: `Дневной бюджет на нейросеть (${formatRub(budget)}) исчерпан: до полуночи сообщения разбирает офлайн-модель`,
          sample: `Потрачено за ${day}: ${formatRub(cost)}. Лимит задаётся переменной LLM_DAILY_BUDGET_RUB.`,
        });
      }),
    );
  }
}

function formatRub(value: number): string {
  return `${value.toLocaleString('ru-RU', { maximumFractionDigits: 2 })} ₽`;
}
