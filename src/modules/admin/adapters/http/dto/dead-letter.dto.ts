import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional } from 'class-validator';
import { OUTBOX_TOPICS } from '../../../../outbox';
import { PageQueryDto } from '../../../../../http/page-query.dto';

export class DeadLetterFilterDto {
  @ApiPropertyOptional({ enum: OUTBOX_TOPICS })
  @IsOptional()
  @IsIn(OUTBOX_TOPICS)
  topic?: (typeof OUTBOX_TOPICS)[number];

  @ApiPropertyOptional({
    enum: ['exhausted', 'blocked', 'permanent'],
    description: 'retries used up, the provider blocked the account, or a failure no retry fixes',
  })
  @IsOptional()
  @IsIn(['exhausted', 'blocked', 'permanent'])
  reason?: 'exhausted' | 'blocked' | 'permanent';

  @ApiPropertyOptional({ enum: ['open', 'replayed', 'discarded'] })
  @IsOptional()
  @IsIn(['open', 'replayed', 'discarded'])
  state?: 'open' | 'replayed' | 'discarded';

  @ApiPropertyOptional({ description: 'created at or after (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO 8601 date' })
  from?: Date;

  @ApiPropertyOptional({ description: 'created before (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO 8601 date' })
  to?: Date;
}

export class DeadLetterQueryDto extends IntersectionType(PageQueryDto, DeadLetterFilterDto) {}
