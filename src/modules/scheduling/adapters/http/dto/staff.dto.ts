import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class WeeklyIntervalDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: '1 is Monday, 7 is Sunday', example: 1 })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;

  @ApiProperty({ description: 'Local time of TZ_BUSINESS, HH:MM', example: '09:00' })
  @Matches(TIME, { message: 'start must be a time HH:MM' })
  start!: string;

  @ApiProperty({ description: 'Local time of TZ_BUSINESS, HH:MM (24:00 allowed)', example: '21:00' })
  @Matches(END_TIME, { message: 'end must be a time HH:MM' })
  end!: string;
}

export class StaffDto {
  @ApiProperty({ maxLength: 120, example: 'Анна' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(120)
  name!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Services this person does' })
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true, message: 'each of serviceIds must be a UUID' })
  serviceIds!: string[];

  @ApiProperty({ type: [WeeklyIntervalDto], description: 'Weekly working hours; several per weekday allowed' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WeeklyIntervalDto)
  hours!: WeeklyIntervalDto[];

  @ApiPropertyOptional({ type: [WeeklyIntervalDto], description: 'Weekly breaks inside the hours (lunch)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WeeklyIntervalDto)
  breaks?: WeeklyIntervalDto[];

  @ApiPropertyOptional({ type: [String], description: 'Whole days off, local dates', example: ['2026-01-07'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'each of daysOff must be a date YYYY-MM-DD' })
  daysOff?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
