import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
} from '@nestjs/swagger';
import { SchedulingFacade } from '../../application/scheduling.facade';
import type { Appointment } from '../../domain/appointment';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { AuditBefore } from '../../../../http/audit-context';
import { AppointmentQueryDto, CreateAppointmentDto, RescheduleAppointmentDto } from './dto/appointment.dto';

const uuid = new ParseUUIDPipe();

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

const TAKEN = 'The time is booked or held by another client, or outside the working hours (problem+json)';

@AdminApi('admin: scheduling')
@Controller('api/admin/v1/appointments')
export class AppointmentsAdminController {
  constructor(private readonly scheduling: SchedulingFacade) {}

  /** Appointments by start time, filtered. */
  @Get()
  @ApiOkResponse({ description: 'A page of appointments' })
  async list(@Query() query: AppointmentQueryDto): Promise<Page<Appointment>> {
    const { page, pageSize, ...filter } = query;
    const { items, total } = await this.scheduling.listAppointments(filter, pageSize, (page - 1) * pageSize);
    return { items, page, pageSize, total };
  }

  /** Books a slot (a client who called, a walk-in). */
  @Post()
  @ApiCreatedResponse({ description: 'The booked appointment' })
  @ApiBadRequestResponse({ description: 'Invalid body, a time in the past, a staff member without the service' })
  @ApiNotFoundResponse({ description: 'No such service or staff member' })
  @ApiConflictResponse({ description: TAKEN })
  book(@Body() body: CreateAppointmentDto): Promise<Appointment> {
    return this.scheduling.book(body);
  }

  @Get(':id')
  @ApiNotFoundResponse({ description: 'No such appointment' })
  get(@Param('id', uuid) id: string): Promise<Appointment> {
    return this.scheduling.getAppointment(id);
  }

  /** Idempotent; a completed or no-show appointment cannot be cancelled (409). */
  @Post(':id/cancel')
  @HttpCode(200)
  @AuditBefore(SchedulingFacade, (scheduling, { params }) => scheduling.getAppointment(params.id))
  @ApiNotFoundResponse({ description: 'No such appointment' })
  @ApiConflictResponse({ description: 'The appointment is over (completed or no-show)' })
  cancel(@Param('id', uuid) id: string): Promise<Appointment> {
    return this.scheduling.cancel(id);
  }

  /** Moves the appointment; when the new time is taken nothing changes (409). */
  @Post(':id/reschedule')
  @HttpCode(200)
  @AuditBefore(SchedulingFacade, (scheduling, { params }) => scheduling.getAppointment(params.id))
  @ApiNotFoundResponse({ description: 'No such appointment or staff member' })
  @ApiConflictResponse({ description: TAKEN })
  reschedule(@Param('id', uuid) id: string, @Body() body: RescheduleAppointmentDto): Promise<Appointment> {
    return this.scheduling.reschedule(id, body.startsAt, { staffId: body.staffId });
  }
}
