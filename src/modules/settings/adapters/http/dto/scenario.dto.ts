import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { TEMPLATE_VARIABLES } from '../../../domain/reply-template';
import {
  CLIENT_DETAILS,
  SCENARIO_INTENTS,
  type ClientDetail,
  type ScenarioIntent,
} from '../../../domain/scenario-intents';

const VARIABLES = TEMPLATE_VARIABLES.map((name) => `{${name}}`).join(', ');
const WHERE_TEMPLATES_APPLY =
  'The template words the replies the bot makes from a template (address, other, and booking, cancel, reschedule ' +
  'or price when the booking dialog has nothing to say); consultation, human and complaint are handed to a person ' +
  'with the preset reply.';

/** The whole scenario of one intent. */
export class ScenarioDto {
  @ApiProperty({
    description:
      'Off: the bot sends no template reply to this intent (the lead is still filed; the booking dialog still runs)',
  })
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional({
    nullable: true,
    maxLength: 2000,
    description: `The reply, in Russian; variables: ${VARIABLES}. Null or left out: the preset's reply. ${WHERE_TEMPLATES_APPLY}`,
    example: 'Здравствуйте, {name}! Ждём вас по адресу {address}. Часы работы: {hours}.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  replyTemplate?: string | null;

  @ApiProperty({
    enum: CLIENT_DETAILS,
    isArray: true,
    description: 'What the bot must collect before it acts (the booking dialog asks service, time and phone itself)',
  })
  @IsArray()
  @ArrayMaxSize(CLIENT_DETAILS.length)
  @ArrayUnique({ message: 'requiredDetails must not repeat a detail' })
  @IsIn(CLIENT_DETAILS, { each: true, message: `each of requiredDetails must be one of ${CLIENT_DETAILS.join(', ')}` })
  requiredDetails!: ClientDetail[];

  @ApiProperty({ description: 'Always hand this intent to a person' })
  @IsBoolean()
  escalate!: boolean;
}

export class ScenarioViewDto {
  @ApiProperty({ enum: SCENARIO_INTENTS })
  intent!: ScenarioIntent;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ description: 'The reply template in effect' })
  replyTemplate!: string;

  @ApiProperty({
    enum: ['preset', 'profile', 'custom'],
    description:
      'preset: the bot answers with its preset reply; profile: written from the business profile; custom: the agency template',
  })
  source!: 'preset' | 'profile' | 'custom';

  @ApiProperty({ description: "The preset's reply for this intent, what a null replyTemplate goes back to" })
  presetTemplate!: string;

  @ApiProperty({ enum: CLIENT_DETAILS, isArray: true })
  requiredDetails!: ClientDetail[];

  @ApiProperty()
  escalate!: boolean;

  @ApiProperty({ nullable: true, type: Date, description: 'Null while the scenario runs on its defaults' })
  updatedAt!: Date | null;
}

export class ScenarioListDto {
  @ApiProperty({ type: [ScenarioViewDto] })
  items!: ScenarioViewDto[];
}
