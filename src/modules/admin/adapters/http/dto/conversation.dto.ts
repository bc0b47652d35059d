import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CHANNELS, type Channel } from '../../../../leads';
import { PageQueryDto } from '../../../../../http/page-query.dto';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class ConversationFilterDto {
  @ApiPropertyOptional({ description: 'true: only conversations a person has taken over; false: only the others' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'handedOff must be true or false' })
  handedOff?: boolean;
}

export class ConversationsQueryDto extends IntersectionType(PageQueryDto, ConversationFilterDto) {}

export class ConversationParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'conversationId must be a UUID' })
  conversationId!: string;
}

export class ManagerReplyDto {
  @ApiProperty({ maxLength: 4096, example: 'Здравствуйте! Это администратор, подскажу по записи.' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'text must not be empty' })
  @MaxLength(4096)
  text!: string;
}

export class ManagerReplyAcceptedDto {
  @ApiProperty({ format: 'uuid', description: 'The queued message; its status shows in the lead transcript' })
  messageId!: string;
}

export class ConversationContactDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'E.164' })
  phone!: string | null;
}

export class ConversationSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: CHANNELS })
  channel!: Channel;

  @ApiProperty({ type: ConversationContactDto })
  contact!: ConversationContactDto;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lastMessageAt!: Date | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When a person took it over' })
  handedOffSince!: Date | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why: complaint, human, consultation, scenario...' })
  handoffReason!: string | null;
}

export class ConversationPageDto {
  @ApiProperty({ type: [ConversationSummaryDto] })
  items!: ConversationSummaryDto[];

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;

  @ApiProperty()
  total!: number;
}
