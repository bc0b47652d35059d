import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { AuditTrail } from '../../application/audit-trail';
import { AuditPageDto, AuditQueryDto } from './dto/audit.dto';

@AdminApi()
@Controller('api/admin/v1/audit')
export class AuditAdminController {
  constructor(private readonly trail: AuditTrail) {}

  /** Changes made through the admin API, newest first. */
  @Get()
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return { items: await this.trail.list(query) };
  }
}
