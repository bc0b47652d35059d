import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { SchedulingCatalog } from '../../application/scheduling-catalog';
import type { NewStaff, Staff } from '../../domain/catalog';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { AuditBefore } from '../../../../http/audit-context';
import { StaffDto } from './dto/staff.dto';

const uuid = new ParseUUIDPipe();

const toNewStaff = (body: StaffDto): NewStaff => ({
  name: body.name,
  active: body.active ?? true,
  serviceIds: body.serviceIds,
  hours: body.hours,
  breaks: body.breaks ?? [],
  daysOff: body.daysOff ?? [],
});

@AdminApi('admin: scheduling')
@Controller('api/admin/v1/staff')
export class StaffAdminController {
  constructor(private readonly catalog: SchedulingCatalog) {}

  /** Staff with their services, weekly hours (local times of TZ_BUSINESS), breaks and coming days off. */
  @Get()
  @ApiOkResponse({ description: '{ items: Staff[] }' })
  async list(): Promise<{ items: Staff[] }> {
    return { items: await this.catalog.listStaff() };
  }

  @Post()
  @ApiCreatedResponse({ description: 'The staff member' })
  @ApiBadRequestResponse({ description: 'Invalid body, overlapping hours or unknown services (problem+json)' })
  create(@Body() body: StaffDto): Promise<Staff> {
    return this.catalog.createStaff(toNewStaff(body));
  }

  @Get(':id')
  @ApiNotFoundResponse({ description: 'No such staff member' })
  get(@Param('id', uuid) id: string): Promise<Staff> {
    return this.catalog.getStaff(id);
  }

  /** Replaces everything about the staff member; booked appointments stay as they are. */
  @Put(':id')
  @AuditBefore(SchedulingCatalog, (catalog, { params }) => catalog.getStaff(params.id))
  @ApiNotFoundResponse({ description: 'No such staff member' })
  @ApiBadRequestResponse({ description: 'Invalid body, overlapping hours or unknown services (problem+json)' })
  replace(@Param('id', uuid) id: string, @Body() body: StaffDto): Promise<Staff> {
    return this.catalog.replaceStaff(id, toNewStaff(body));
  }
}
