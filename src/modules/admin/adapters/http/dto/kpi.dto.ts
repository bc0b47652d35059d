import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional } from 'class-validator';

/** An instant must carry its offset: a bare local time would be read in the server's zone, not the business's. */
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+\- ]\d{2}:\d{2})$/i;

/** An unencoded "+07:00" in a query string arrives as " 07:00" and is read as the "+" it was. */
const toInstant = ({ value }: { value: unknown }): unknown => {
  const match = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  return match ? new Date(match[1] + match[2].replace(' ', '+')) : value;
};
const instantMessage = (field: string) =>
  `${field} must be an ISO 8601 time with an offset, e.g. 2026-03-02T00:00:00+07:00`;

export class KpiQueryDto {
  @ApiPropertyOptional({
    description: 'Start of the period, inclusive (ISO 8601 with an offset). Default: seven days before `to`.',
    example: '2026-03-01T00:00:00+07:00',
  })
  @IsOptional()
  @Transform(toInstant)
  @IsDate({ message: instantMessage('from') })
  from?: Date;

  @ApiPropertyOptional({
    description: 'End of the period, exclusive (ISO 8601 with an offset). Default: now.',
    example: '2026-03-08T00:00:00+07:00',
  })
  @IsOptional()
  @Transform(toInstant)
  @IsDate({ message: instantMessage('to') })
  to?: Date;
}

export class KpiTargetDto {
  @ApiProperty({ enum: ['<', '<=', '>'], description: 'How the figure must compare with the threshold' })
  comparison!: '<' | '<=' | '>';

  @ApiProperty({ description: "The product's target" })
  threshold!: number;

  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether the figure meets it; null: nothing to measure' })
  met!: boolean | null;
}

const CONVERSATIONS =
  'Conversations of the period: those with at least one client message written in the period that triage did not ' +
  'mark as spam.';

export class FirstReplyKpiDto {
  @ApiProperty({
    description:
      `${CONVERSATIONS} Measured: the first such message of each conversation, unless a person already had the ` +
      'conversation when it was written (the bot stays silent then).',
  })
  conversations!: number;

  @ApiProperty({ description: 'Measured conversations the bot has answered: a bot message sent after that message' })
  answered!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "Median seconds from the conversation's first client message in the period to the first bot message sent " +
      'after it (percentile_cont over answered conversations; null when none)',
  })
  p50Seconds!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The 95th percentile of the same times' })
  p95Seconds!: number | null;

  @ApiProperty({ type: KpiTargetDto, description: 'The product promises a first reply under 3 s; judged on p95' })
  target!: KpiTargetDto;
}

export class HandledWithoutHumanKpiDto {
  @ApiProperty({ description: CONVERSATIONS })
  conversations!: number;

  @ApiProperty({
    description:
      'Of those, the ones a person had during the period: handed off before the period ended and still with a ' +
      'person, or released back to the bot during or after its start (a conversation keeps only its latest handoff)',
  })
  withHuman!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Share handled by the bot alone, % = (conversations - withHuman) / conversations',
  })
  percent!: number | null;
}

export class LeadToBookingKpiDto {
  @ApiProperty({ description: 'Leads created in the period' })
  leads!: number;

  @ApiProperty({
    description:
      'Of those, leads with status booked or with an appointment (any status) made for the lead or its conversation',
  })
  booked!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Conversion, % = booked / leads' })
  percent!: number | null;
}

export class CrmDeliveryKpiDto {
  @ApiProperty({ description: 'crm.sync outbox rows finished as done in the period (by completion time)' })
  done!: number;

  @ApiProperty({
    description:
      'crm.sync outbox rows that ended as dead letters in the period; a replayed dead letter counts here once and ' +
      'its replay once more when it finishes. Rows older than DLQ_RETENTION_DAYS are purged and no longer counted.',
  })
  dead!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Success, % = done / (done + dead)' })
  successPercent!: number | null;

  @ApiProperty({ type: KpiTargetDto, description: 'Target: more than 98 %' })
  target!: KpiTargetDto;
}

export class DeadLettersKpiDto {
  @ApiProperty({ description: 'Dead letters (any topic) created in the period' })
  deadLetters!: number;

  @ApiProperty({ description: 'Client messages stored in the period (every channel; provider retries stored once)' })
  incomingMessages!: number;

  @ApiProperty({ type: Number, nullable: true, description: '% = deadLetters / incomingMessages' })
  percentOfIncoming!: number | null;

  @ApiProperty({ type: KpiTargetDto, description: 'Target: less than 1 %' })
  target!: KpiTargetDto;
}

export class DeliveryRetriesKpiDto {
  @ApiProperty({ description: 'crm.sync outbox rows finished (done or dead) in the period' })
  deliveries!: number;

  @ApiProperty({ description: 'Sum over those rows of (tries - 1): tries after the first' })
  retries!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Average retries per delivery = retries / deliveries' })
  averagePerDelivery!: number | null;

  @ApiProperty({ type: KpiTargetDto, description: 'Target: at most 2' })
  target!: KpiTargetDto;
}

export class NoShowKpiDto {
  @ApiProperty({
    description:
      'Visits that started in the period and before now, not cancelled, whose client was sent at least one ' +
      'reminder (a past visit nobody marked stays booked and counts as attended)',
  })
  visits!: number;

  @ApiProperty({ description: 'Of those, visits marked no_show' })
  noShows!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'No-show rate after reminders, % = noShows / visits' })
  percent!: number | null;
}

export class UnansweredKpiDto {
  @ApiProperty({
    description:
      'Conversations whose latest client message (not spam) was written in the period and more than ' +
      '`olderThanMinutes` ago, with no bot reply created after it and sent, and not handed off to a person',
  })
  count!: number;

  @ApiProperty({ example: 5 })
  olderThanMinutes!: number;
}

export class LlmDayDto {
  @ApiProperty({ example: '2026-12-03', description: 'The local day (TZ_BUSINESS)' })
  day!: string;

  @ApiProperty({ enum: ['openai', 'gigachat', 'yandexgpt'] })
  provider!: string;

  @ApiProperty({ example: 'GigaChat-2' })
  model!: string;

  @ApiProperty({ description: 'Calls that came back with an answer (usable or not): what the provider bills' })
  calls!: number;

  @ApiProperty({ description: 'Prompt tokens, as the provider reported them' })
  inputTokens!: number;

  @ApiProperty({ description: 'Completion tokens, as the provider reported them' })
  outputTokens!: number;

  @ApiProperty({ description: 'Estimated cost in roubles at LLM_PRICE_RUB_PER_1K_INPUT / _OUTPUT, 2 decimals' })
  costRub!: number;

  @ApiProperty({ description: "Whether that day's spend (all providers) reached LLM_DAILY_BUDGET_RUB" })
  budgetReached!: boolean;
}

export class LlmSpendKpiDto {
  @ApiProperty()
  calls!: number;

  @ApiProperty()
  inputTokens!: number;

  @ApiProperty()
  outputTokens!: number;

  @ApiProperty({ description: 'Estimated roubles over the period' })
  costRub!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'LLM_DAILY_BUDGET_RUB; null: no cap' })
  dailyBudgetRub!: number | null;

  @ApiProperty({ type: [LlmDayDto], description: 'Each local day the period touches, per provider and model' })
  days!: LlmDayDto[];
}

/** Percentages are 0-100 rounded to 2 decimals, seconds to milliseconds; null where the base is empty. */
export class KpiReportDto {
  @ApiProperty({ description: 'Start of the period, inclusive' })
  from!: Date;

  @ApiProperty({ description: 'End of the period, exclusive' })
  to!: Date;

  @ApiProperty({ type: FirstReplyKpiDto })
  firstReply!: FirstReplyKpiDto;

  @ApiProperty({ type: HandledWithoutHumanKpiDto })
  handledWithoutHuman!: HandledWithoutHumanKpiDto;

  @ApiProperty({ type: LeadToBookingKpiDto })
  leadToBooking!: LeadToBookingKpiDto;

  @ApiProperty({ type: CrmDeliveryKpiDto })
  crmDelivery!: CrmDeliveryKpiDto;

  @ApiProperty({ type: DeadLettersKpiDto })
  deadLetters!: DeadLettersKpiDto;

  @ApiProperty({ type: DeliveryRetriesKpiDto, description: 'Retries of CRM deliveries' })
  deliveryRetries!: DeliveryRetriesKpiDto;

  @ApiProperty({ type: NoShowKpiDto })
  noShowAfterReminders!: NoShowKpiDto;

  @ApiProperty({ type: UnansweredKpiDto })
  unansweredConversations!: UnansweredKpiDto;

  @ApiProperty({ type: LlmSpendKpiDto, description: 'LLM calls, tokens and estimated cost per day' })
  llmSpend!: LlmSpendKpiDto;
}
