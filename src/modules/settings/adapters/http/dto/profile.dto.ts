import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { IANAZone } from 'luxon';
import { normalizePhone } from '../../../../../shared/phone';
import { PRESET_NAMES, type PresetName } from '../../../domain/presets';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

@ValidatorConstraint({ name: 'ianaZone' })
class IsIanaZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && IANAZone.isValidZone(value);
  }
  defaultMessage(): string {
    return 'timeZone must be an IANA time zone such as Asia/Krasnoyarsk';
  }
}

@ValidatorConstraint({ name: 'phone' })
class IsPhone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && normalizePhone(value) !== null;
  }
  defaultMessage(): string {
    return 'phone must be a phone number such as +7 391 200-00-00';
  }
}

export class OpeningIntervalDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: '1 is Monday, 7 is Sunday', example: 1 })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;

  @ApiProperty({ description: 'Local time, HH:MM', example: '09:00' })
  @Matches(TIME, { message: 'start must be a time HH:MM' })
  start!: string;

  @ApiProperty({ description: 'Local time, HH:MM (24:00 allowed)', example: '21:00' })
  @Matches(END_TIME, { message: 'end must be a time HH:MM' })
  end!: string;
}

export class BusinessHoursDto {
  @ApiPropertyOptional({ maxLength: 500, example: 'Ежедневно с 9:00 до 21:00, без выходных' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'text must not be empty' })
  @MaxLength(500)
  text?: string | null;

  @ApiPropertyOptional({ type: [OpeningIntervalDto], description: 'Weekly schedule; several spans per day allowed' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => OpeningIntervalDto)
  weekly?: OpeningIntervalDto[] | null;
}

/** The whole profile; a field left out or null falls back to its default (the environment for zone and preset). */
export class ProfileDto {
  @ApiProperty({ maxLength: 200, example: 'Салон «Волна»' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 300, nullable: true, example: 'Красноярск, ул. Карла Маркса, 95' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'address must not be empty' })
  @MaxLength(300)
  address?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '+7 391 200-00-00', description: 'Stored as E.164' })
  @IsOptional()
  @Validate(IsPhone)
  phone?: string | null;

  @ApiPropertyOptional({
    type: BusinessHoursDto,
    nullable: true,
    description: 'In words, as a weekly schedule, or both',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => BusinessHoursDto)
  hours?: BusinessHoursDto | null;

  @ApiPropertyOptional({ nullable: true, example: 'Asia/Krasnoyarsk', description: 'IANA zone; default TZ_BUSINESS' })
  @IsOptional()
  @Validate(IsIanaZone)
  timeZone?: string | null;

  @ApiPropertyOptional({ enum: PRESET_NAMES, nullable: true, description: 'Business type; default BUSINESS_PRESET' })
  @IsOptional()
  @IsIn(PRESET_NAMES, { message: `preset must be one of ${PRESET_NAMES.join(', ')}` })
  preset?: PresetName | null;

  @ApiPropertyOptional({ nullable: true, example: 'https://volna-salon.ru' })
  @IsOptional()
  @IsUrl(
    { require_protocol: true, protocols: ['http', 'https'] },
    { message: 'website must be an http(s) URL such as https://salon.ru' },
  )
  @MaxLength(300)
  website?: string | null;
}

export class BusinessHoursViewDto {
  @ApiProperty({ nullable: true, type: String })
  text!: string | null;

  @ApiProperty({ nullable: true, type: [OpeningIntervalDto] })
  weekly!: OpeningIntervalDto[] | null;
}

export class ProfileViewDto {
  @ApiProperty({ nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ nullable: true, type: String })
  address!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'E.164' })
  phone!: string | null;

  @ApiProperty({ nullable: true, type: BusinessHoursViewDto })
  hours!: BusinessHoursViewDto | null;

  @ApiProperty({ nullable: true, type: String, description: 'The hours as the bot says them' })
  hoursText!: string | null;

  @ApiProperty({ example: 'Asia/Krasnoyarsk' })
  timeZone!: string;

  @ApiProperty({ enum: PRESET_NAMES })
  preset!: PresetName;

  @ApiProperty({ nullable: true, type: String })
  website!: string | null;

  @ApiProperty({ nullable: true, type: Date, description: 'Null while the instance runs on its defaults' })
  updatedAt!: Date | null;
}
