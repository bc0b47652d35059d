import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { APPOINTMENT_STATUSES, type AppointmentStatus } from '../../../domain/appointment';
import { instantMessage, toInstant } from './instant';
import { PageQueryDto } from '../../../../../http/page-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateAppointmentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'serviceId must be a UUID' })
  serviceId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'staffId must be a UUID' })
  staffId!: string;

  @ApiProperty({ description: 'ISO 8601 with an offset', example: '2026-03-02T10:00:00+07:00' })
  @Transform(toInstant)
  @IsDate({ message: instantMessage('startsAt') })
  startsAt!: Date;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'contactId must be a UUID' })
  contactId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'conversationId must be a UUID' })
  conversationId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'leadId must be a UUID' })
  leadId?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'For the staff, e.g. who called' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class RescheduleAppointmentDto {
  @ApiProperty({ description: 'New start, ISO 8601 with an offset', example: '2026-03-02T12:00:00+07:00' })
  @Transform(toInstant)
  @IsDate({ message: instantMessage('startsAt') })
  startsAt!: Date;

  @ApiPropertyOptional({ format: 'uuid', description: 'Move to another staff member (same when absent)' })
  @IsOptional()
  @IsUUID('all', { message: 'staffId must be a UUID' })
  staffId?: string;
}

export class AppointmentFilterDto {
  @ApiPropertyOptional({ description: 'Appointments ending after (ISO 8601)' })
  @IsOptional()
  @Transform(toInstant)
  @IsDate({ message: instantMessage('from') })
  from?: Date;

  @ApiPropertyOptional({ description: 'Appointments starting before (ISO 8601)' })
  @IsOptional()
  @Transform(toInstant)
  @IsDate({ message: instantMessage('to') })
  to?: Date;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'staffId must be a UUID' })
  staffId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'contactId must be a UUID' })
  contactId?: string;

  @ApiPropertyOptional({ enum: APPOINTMENT_STATUSES })
  @IsOptional()
  @IsIn(APPOINTMENT_STATUSES)
  status?: AppointmentStatus;
}

export class AppointmentQueryDto extends IntersectionType(PageQueryDto, AppointmentFilterDto) {}
