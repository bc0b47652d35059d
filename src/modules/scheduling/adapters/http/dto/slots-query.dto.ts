import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { instantMessage, toInstant } from './instant';
import { IsBoolean, IsDate, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class SlotsQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'serviceId must be a UUID' })
  serviceId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this staff member' })
  @IsOptional()
  @IsUUID('all', { message: 'staffId must be a UUID' })
  staffId?: string;

  @ApiProperty({ description: 'Slots starting at or after (ISO 8601)', example: '2026-03-02T09:00:00+07:00' })
  @Transform(toInstant)
  @IsDate({ message: instantMessage('from') })
  from!: Date;

  @ApiProperty({ description: 'Slots starting before (ISO 8601); at most 62 days after from' })
  @Transform(toInstant)
  @IsDate({ message: instantMessage('to') })
  to!: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ description: 'One slot per start time, spread across the staff', default: false })
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  distinctTimes = false;
}
