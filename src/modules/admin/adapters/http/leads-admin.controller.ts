import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { LeadsFacade, type LeadView } from '../../../leads';
import { AdminAuthGuard } from '../../../../http/admin-auth.guard';
import { PageQueryDto } from './dto/page-query.dto';

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong admin token (problem+json)' })
@UseGuards(AdminAuthGuard)
@Controller('api/admin/v1/leads')
export class LeadsAdminController {
  constructor(private readonly leads: LeadsFacade) {}

  /** Leads newest first, with their CRM delivery state. */
  @Get()
  @ApiOkResponse({ description: 'A page of leads' })
  async list(@Query() query: PageQueryDto): Promise<Page<LeadView>> {
    const { items, total } = await this.leads.listLeads(query.pageSize, (query.page - 1) * query.pageSize);
    return { items, page: query.page, pageSize: query.pageSize, total };
  }
}
