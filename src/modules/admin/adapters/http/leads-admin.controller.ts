import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { LeadsFacade } from '../../../leads';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { LeadDetailDto, LeadPageDto, LeadParamsDto, LeadsQueryDto } from './dto/lead.dto';

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

@AdminApi()
@Controller('api/admin/v1/leads')
export class LeadsAdminController {
  constructor(private readonly leads: LeadsFacade) {}

  /** Leads newest first, with their CRM delivery state; narrowed by status, channel, intent, urgency and time. */
  @Get()
  @ApiOkResponse({ type: LeadPageDto })
  async list(@Query() query: LeadsQueryDto): Promise<LeadPageDto> {
    const { page, pageSize, ...filter } = query;
    const { items, total } = await this.leads.findLeads(filter, pageSize, (page - 1) * pageSize);
    return { items, page, pageSize, total };
  }

  /**
   * One lead: the client, the conversation oldest first with each client message's triage, the CRM sync state
   * with its last error, and the trace id of the first message.
   */
  @Get(':id')
  @ApiOkResponse({ type: LeadDetailDto })
  @ApiNotFoundResponse({ description: 'No such lead' })
  async detail(@Param() params: LeadParamsDto): Promise<LeadDetailDto> {
    const lead = await this.leads.leadDetail(params.id);
    if (!lead) throw new NotFoundException(`Lead ${params.id} not found.`);
    return lead;
  }
}
