import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
} from '@nestjs/swagger';
import { SchedulingCatalog } from '../../application/scheduling-catalog';
import type { Service } from '../../domain/catalog';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { AuditBefore } from '../../../../http/audit-context';
import { CreateServiceDto, ServicesQueryDto, UpdateServiceDto } from './dto/service.dto';

const uuid = new ParseUUIDPipe();

@AdminApi('admin: scheduling')
@Controller('api/admin/v1/services')
export class ServicesAdminController {
  constructor(private readonly catalog: SchedulingCatalog) {}

  /** Services by name; deactivated ones only when asked. */
  @Get()
  @ApiOkResponse({ description: '{ items: Service[] }' })
  async list(@Query() query: ServicesQueryDto): Promise<{ items: Service[] }> {
    return { items: await this.catalog.listServices({ includeInactive: query.includeInactive }) };
  }

  @Post()
  @ApiCreatedResponse({ description: 'The service' })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json with the fields)' })
  @ApiConflictResponse({ description: 'A service with this name exists' })
  create(@Body() body: CreateServiceDto): Promise<Service> {
    return this.catalog.createService({
      name: body.name,
      durationMinutes: body.durationMinutes,
      priceRub: body.priceRub ?? null,
      active: body.active ?? true,
    });
  }

  @Get(':id')
  @ApiNotFoundResponse({ description: 'No such service' })
  get(@Param('id', uuid) id: string): Promise<Service> {
    return this.catalog.getService(id);
  }

  /** Changes the fields given; `active: false` stops offering it (existing appointments stay). */
  @Patch(':id')
  @AuditBefore(SchedulingCatalog, (catalog, { params }) => catalog.getService(params.id))
  @ApiNotFoundResponse({ description: 'No such service' })
  @ApiConflictResponse({ description: 'A service with this name exists' })
  update(@Param('id', uuid) id: string, @Body() body: UpdateServiceDto): Promise<Service> {
    return this.catalog.updateService(id, body);
  }
}
