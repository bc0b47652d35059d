import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsPhoneNumber, IsString, Matches, MaxLength } from 'class-validator';

export const WEBCHAT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const ID_MESSAGE = 'must be 8 to 64 characters of letters, digits, "-" or "_"';
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class WebchatMessageDto {
  @ApiProperty({ description: 'The visitor session the widget keeps', example: 'c2a7f0f4-5e1d-4b07' })
  @IsString()
  @Matches(WEBCHAT_ID_PATTERN, { message: `sessionId ${ID_MESSAGE}` })
  sessionId!: string;

  @ApiProperty({ description: 'Unique per message; a retry of the same message reuses it', example: 'm-000001' })
  @IsString()
  @Matches(WEBCHAT_ID_PATTERN, { message: `clientMessageId ${ID_MESSAGE}` })
  clientMessageId!: string;

  @ApiProperty({ maxLength: 4096, example: 'Здравствуйте, можно на маникюр завтра в 5?' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'text must not be empty' })
  @MaxLength(4096)
  text!: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Катя' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'Any common Russian format', example: '+7 913 123-45-67' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @IsPhoneNumber('RU', { message: 'phone must be a valid phone number' })
  phone?: string;
}

export class WebchatSessionParams {
  @IsString()
  @Matches(WEBCHAT_ID_PATTERN, { message: `sessionId ${ID_MESSAGE}` })
  sessionId!: string;
}

export class WebchatTranscriptQuery {
  @ApiPropertyOptional({
    description:
      'The `cursor` of the previous answer: only messages the client could not see then come back. Unset: the whole ' +
      'transcript.',
    example: '2026-12-03T14:05:12.345678Z',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z$/, {
    message: 'since must be a cursor from a previous answer',
  })
  since?: string;
}

export class AcceptedWebchatMessageDto {
  @ApiProperty() messageId!: string;
  @ApiProperty() conversationId!: string;
}

export class WebchatTranscriptMessageDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['client', 'bot'] }) from!: 'client' | 'bot';
  @ApiProperty() text!: string;
  @ApiProperty({ type: [String], description: 'Quick replies offered with a bot message; send the label to choose' })
  buttons!: string[];
  @ApiProperty() createdAt!: Date;
}

export class WebchatTranscriptDto {
  @ApiProperty() sessionId!: string;
  @ApiProperty({ type: [WebchatTranscriptMessageDto] }) messages!: WebchatTranscriptMessageDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Send it back as `since` to get only what is new; null while the conversation is empty',
  })
  cursor!: string | null;
}
