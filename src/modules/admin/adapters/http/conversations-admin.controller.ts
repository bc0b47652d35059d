import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { LeadsFacade } from '../../../leads';
import { OutboxWriter, replyTopic } from '../../../outbox';
import { ConversationControl } from '../../../triage';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { AuditBefore } from '../../../../http/audit-context';
import { UnitOfWork } from '../../../../shared/unit-of-work';
import {
  ConversationPageDto,
  ConversationParamsDto,
  ConversationsQueryDto,
  ManagerReplyAcceptedDto,
  ManagerReplyDto,
} from './dto/conversation.dto';

/** Conversations waiting for a person are few; more than this many means nobody is answering them at all. */
const HANDED_OFF_CAP = 1000;

@AdminApi()
@Controller('api/admin/v1/conversations')
export class ConversationsAdminController {
  constructor(
    private readonly conversations: ConversationControl,
    private readonly leads: LeadsFacade,
    private readonly outbox: OutboxWriter,
    private readonly uow: UnitOfWork,
  ) {}

  /** Conversations with their client, the most recently active first; `handedOff` narrows to a person's or the bot's. */
  @Get()
  @ApiOkResponse({ type: ConversationPageDto })
  async list(@Query() query: ConversationsQueryDto): Promise<ConversationPageDto> {
    const { page, pageSize, handedOff } = query;
    const takenOver = new Map(
      (await this.conversations.handedOff(HANDED_OFF_CAP)).map((item) => [item.conversationId, item]),
    );
    const ids = [...takenOver.keys()];
    const filter = handedOff === true ? { only: ids } : handedOff === false ? { except: ids } : {};
    const { items, total } = await this.leads.listConversations(filter, pageSize, (page - 1) * pageSize);
    return {
      items: items.map((conversation) => ({
        ...conversation,
        handedOffSince: takenOver.get(conversation.id)?.since ?? null,
        handoffReason: takenOver.get(conversation.id)?.reason ?? null,
      })),
      page,
      pageSize,
      total,
    };
  }

  /**
   * Sends a manager's reply to the client in the conversation's channel, through the outbox like the bot's replies
   * (retries, dead letters). 202: queued; its delivery shows in the lead's transcript.
   */
  @Post(':conversationId/reply')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: ManagerReplyAcceptedDto })
  @ApiNotFoundResponse({ description: 'No such conversation' })
  async reply(@Param() params: ConversationParamsDto, @Body() body: ManagerReplyDto): Promise<ManagerReplyAcceptedDto> {
    const messageId = await this.uow.run(async () => {
      const conversation = await this.leads.conversation(params.conversationId);
      if (!conversation) return null;
      const id = await this.leads.addManagerReply(conversation.id, conversation.channel, body.text);
      await this.outbox.add(replyTopic(conversation.channel), { messageId: id });
      return id;
    });
    if (!messageId) throw new NotFoundException(`Conversation ${params.conversationId} not found.`);
    return { messageId };
  }

  /** Conversations a person has taken over (the bot is silent there), newest first. */
  @Get('handed-off')
  @ApiOkResponse({ description: 'Conversations waiting for a manager' })
  async handedOff(): Promise<{ items: Array<{ conversationId: string; since: Date; reason: string | null }> }> {
    return { items: await this.conversations.handedOff() };
  }

  /** Gives the conversation back to the bot: it answers the client's next message again. */
  @Post(':conversationId/release')
  @HttpCode(HttpStatus.NO_CONTENT)
  @AuditBefore(ConversationControl, async (control, { params }) =>
    (await control.handedOff()).find((c) => c.conversationId === params.conversationId),
  )
  @ApiNoContentResponse({ description: 'Released' })
  @ApiNotFoundResponse({ description: 'The conversation is not handed off (problem+json)' })
  async release(@Param('conversationId', new ParseUUIDPipe()) conversationId: string): Promise<void> {
    if (!(await this.conversations.release(conversationId))) {
      throw new NotFoundException(`Conversation ${conversationId} is not handed off to a person.`);
    }
  }
}
