import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDate,
  IsIn,
  IsOptional,
  IsUUID,
  ValidatorConstraint,
  Validate,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { CHANNELS, type Channel, type LeadStatus } from '../../../../leads';
import { INTENTS } from '../../../../triage';
import { PageQueryDto } from '../../../../../http/page-query.dto';

const LEAD_STATUSES: LeadStatus[] = ['new', 'escalated', 'booked', 'cancelled'];
const CRM_STATUSES = ['pending', 'delivered', 'failed'] as const;

const isValidDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

@ValidatorConstraint({ name: 'notBeforeFrom' })
class NotBeforeFrom implements ValidatorConstraintInterface {
  validate(to: unknown, args: ValidationArguments): boolean {
    const from = (args.object as LeadFilterDto).from;
    // an unreadable date is IsDate's to report
    if (!isValidDate(to) || !isValidDate(from)) return true;
    return to.getTime() > from.getTime();
  }
  defaultMessage(): string {
    return 'to must be later than from';
  }
}

export class LeadFilterDto {
  @ApiPropertyOptional({ enum: LEAD_STATUSES })
  @IsOptional()
  @IsIn(LEAD_STATUSES, { message: `status must be one of ${LEAD_STATUSES.join(', ')}` })
  status?: LeadStatus;

  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS, { message: `channel must be one of ${CHANNELS.join(', ')}` })
  channel?: Channel;

  @ApiPropertyOptional({ enum: INTENTS })
  @IsOptional()
  @IsIn(INTENTS, { message: `intent must be one of ${INTENTS.join(', ')}` })
  intent?: string;

  @ApiPropertyOptional({ enum: ['hot', 'cold'] })
  @IsOptional()
  @IsIn(['hot', 'cold'], { message: 'urgency must be hot or cold' })
  urgency?: 'hot' | 'cold';

  @ApiPropertyOptional({ description: 'Leads created at or after (ISO 8601)', example: '2026-03-01T00:00:00+07:00' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO 8601 date' })
  from?: Date;

  @ApiPropertyOptional({ description: 'Leads created before (ISO 8601)', example: '2026-04-01T00:00:00+07:00' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO 8601 date' })
  @Validate(NotBeforeFrom)
  to?: Date;
}

export class LeadsQueryDto extends IntersectionType(PageQueryDto, LeadFilterDto) {}

export class LeadParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class LeadCrmDto {
  @ApiProperty({ example: 'local' })
  provider!: string;

  @ApiProperty({ nullable: true, type: String })
  externalId!: string | null;

  @ApiProperty({ enum: CRM_STATUSES })
  status!: (typeof CRM_STATUSES)[number];

  @ApiProperty()
  attempts!: number;
}

export class LeadViewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  contactId!: string;

  @ApiProperty({ enum: CHANNELS })
  channel!: Channel;

  @ApiProperty({ enum: INTENTS })
  intent!: string;

  @ApiProperty({ enum: ['hot', 'cold'] })
  urgency!: 'hot' | 'cold';

  @ApiProperty({ enum: LEAD_STATUSES })
  status!: LeadStatus;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: LeadCrmDto })
  crm!: LeadCrmDto;
}

export class LeadPageDto {
  @ApiProperty({ type: [LeadViewDto] })
  items!: LeadViewDto[];

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;

  @ApiProperty()
  total!: number;
}

export class LeadContactDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'E.164; the agency CRM data, never logged' })
  phone!: string | null;
}

export class TranscriptEntryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['in', 'out'] })
  direction!: 'in' | 'out';

  @ApiProperty({ enum: ['client', 'bot', 'manager'] })
  author!: 'client' | 'bot' | 'manager';

  @ApiProperty()
  text!: string;

  @ApiProperty({ enum: ['received', 'queued', 'sent', 'delivered', 'read', 'failed'] })
  status!: string;

  @ApiProperty({ nullable: true, type: String, description: 'voice, photo, sticker... the bot cannot read' })
  attachment!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  sentAt!: Date | null;

  @ApiProperty({ nullable: true, type: String, description: 'template or sms when not sent as a plain message' })
  deliveredVia!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why an outbound message failed' })
  error!: string | null;

  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'What triage concluded about a client message: intent, confidence, urgency, slots, source',
  })
  triage!: Record<string, unknown> | null;
}

export class CrmErrorDto {
  @ApiProperty()
  message!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  at!: string | null;

  @ApiProperty({ description: 'Which try of the sync failed (1 is the first)' })
  attempt!: number;
}

export class LeadCrmStateDto extends LeadCrmDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: "The CRM's ids per step" })
  refs!: Record<string, string>;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  deliveredAt!: Date | null;

  @ApiProperty({ nullable: true, type: CrmErrorDto, description: "The latest crm.sync job's last error" })
  lastError!: CrmErrorDto | null;
}

export class LeadDetailDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ enum: CHANNELS })
  channel!: Channel;

  @ApiProperty({ enum: INTENTS })
  intent!: string;

  @ApiProperty({ enum: ['hot', 'cold'] })
  urgency!: 'hot' | 'cold';

  @ApiProperty({ enum: LEAD_STATUSES })
  status!: LeadStatus;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'service, date, time...' })
  details!: Record<string, string>;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;

  @ApiProperty({ type: LeadContactDto })
  contact!: LeadContactDto;

  @ApiProperty({ type: [TranscriptEntryDto], description: 'The conversation, oldest first' })
  transcript!: TranscriptEntryDto[];

  @ApiProperty({ type: LeadCrmStateDto })
  crm!: LeadCrmStateDto;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description: "The OpenTelemetry trace id of the lead's first message",
  })
  traceId!: string | null;
}
