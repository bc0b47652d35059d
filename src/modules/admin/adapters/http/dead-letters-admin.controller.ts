import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse } from '@nestjs/swagger';
import { DeadLetterDesk, type DeadLetter } from '../../../outbox';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { AuditOutsideTransaction } from '../../../../http/audit-context';
import { DeadLetterFilterDto, DeadLetterQueryDto } from './dto/dead-letter.dto';
import type { Page } from './leads-admin.controller';

/** Until named admin tokens exist, every change is recorded as made by the admin token. */
const ACTOR = 'admin';
const uuid = new ParseUUIDPipe({ version: '4' });

@AdminApi()
@Controller('api/admin/v1/dead-letters')
export class DeadLettersAdminController {
  constructor(private readonly desk: DeadLetterDesk) {}

  /** Work that failed for good: payload, every try's error and time. Newest first. */
  @Get()
  async list(@Query() query: DeadLetterQueryDto): Promise<Page<DeadLetter>> {
    const { page, pageSize, ...filter } = query;
    const { items, total } = await this.desk.list(filter, pageSize, (page - 1) * pageSize);
    return { items, page, pageSize, total };
  }

  /** Replays every open dead letter matching the filter (an empty filter replays all). */
  @Post('replay')
  @HttpCode(202)
  @AuditOutsideTransaction() // replays in batches of its own transactions
  async replayMatching(@Body() filter: DeadLetterFilterDto): Promise<{ replayed: number }> {
    return { replayed: await this.desk.replayMatching(filter, ACTOR) };
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiNotFoundResponse({ description: 'No such dead letter' })
  replay(@Param('id', uuid) id: string): Promise<DeadLetter> {
    return this.desk.replay(id, ACTOR);
  }

  /** Gives up on the work for good; the dead letter stays, marked discarded by whom and when. */
  @Delete(':id')
  @ApiNotFoundResponse({ description: 'No such dead letter' })
  discard(@Param('id', uuid) id: string): Promise<DeadLetter> {
    return this.desk.discard(id, ACTOR);
  }
}
