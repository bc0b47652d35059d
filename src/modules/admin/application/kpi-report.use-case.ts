import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { KpiQueries } from '../ports/kpi-queries.port';
import { buildKpiReport, type KpiReport } from './kpi-report';

export const DEFAULT_KPI_PERIOD_MS = 7 * 24 * 3600 * 1000;

/** The KPIs of a period: by default up to now, starting seven days before its end. */
@Injectable()
export class GetKpiReportUseCase {
  constructor(
    private readonly repository: KpiQueries,
    private readonly env: EnvironmentVariables,
  ) {}

  static period(requested: { from?: Date; to?: Date }, now = new Date()): { from: Date; to: Date } {
    const to = requested.to ?? now;
    return { from: requested.from ?? new Date(to.getTime() - DEFAULT_KPI_PERIOD_MS), to };
  }

  async execute(period: { from: Date; to: Date }): Promise<KpiReport> {
    const facts = await this.repository.facts(period.from, period.to, this.env.TZ_BUSINESS);
    return buildKpiReport(period.from, period.to, facts, this.env.LLM_DAILY_BUDGET_RUB ?? null);
  }
}
