import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { RequestValidationError } from '../../../../http/request-validation.error';
import { GetKpiReportUseCase } from '../../application/kpi-report.use-case';
import type { KpiReport } from '../../application/kpi-report';
import { KpiQueryDto, KpiReportDto } from './dto/kpi.dto';

@AdminApi()
@Controller('api/admin/v1/kpi')
export class KpiAdminController {
  constructor(private readonly report: GetKpiReportUseCase) {}

  @Get()
  @ApiOperation({
    summary: 'KPIs of a period, counted from stored facts, with the product targets met or not',
    description:
      'Default period: the seven days before now. Each figure documents its definition below. 400 also when ' +
      'from or to lacks an offset, or from is not earlier than to.',
  })
  @ApiOkResponse({ type: KpiReportDto })
  kpi(@Query() query: KpiQueryDto): Promise<KpiReport> {
    const period = GetKpiReportUseCase.period(query);
    if (period.from >= period.to) {
      throw new RequestValidationError([{ field: 'from', message: 'from must be earlier than to' }]);
    }
    return this.report.execute(period);
  }
}
