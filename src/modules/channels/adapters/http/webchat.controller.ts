import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { LeadsFacade } from '../../../leads';
import { ReceiveInboundMessageUseCase } from '../../application/receive-inbound-message.use-case';
import {
  AcceptedWebchatMessageDto,
  WebchatMessageDto,
  WebchatSessionParams,
  WebchatTranscriptDto,
  WebchatTranscriptQuery,
} from './dto/webchat-message.dto';

/** The website chat widget and contact form. */
@ApiTags('webchat')
@Controller('api/v1/webchat')
export class WebchatController {
  constructor(
    private readonly receive: ReceiveInboundMessageUseCase,
    private readonly leads: LeadsFacade,
  ) {}

  /** Answers 202 once the message is stored; the reply arrives through the transcript. */
  @Post('messages')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: AcceptedWebchatMessageDto })
  async post(@Body() dto: WebchatMessageDto): Promise<AcceptedWebchatMessageDto> {
    const accepted = await this.receive.execute({
      channel: 'webchat',
      externalUserId: dto.sessionId,
      threadId: dto.sessionId,
      providerMessageId: `${dto.sessionId}:${dto.clientMessageId}`,
      text: dto.text,
      name: dto.name,
      phone: dto.phone,
    });
    return { messageId: accepted.messageId, conversationId: accepted.conversationId };
  }

  /** The conversation oldest first, or what is new since `since`, for the widget to poll. */
  @Get('sessions/:sessionId/messages')
  @ApiOkResponse({ type: WebchatTranscriptDto })
  async transcript(
    @Param() params: WebchatSessionParams,
    @Query() query: WebchatTranscriptQuery,
  ): Promise<WebchatTranscriptDto> {
    const visible = await this.leads.visibleMessagesSince('webchat', params.sessionId, query.since);
    return {
      sessionId: params.sessionId,
      cursor: visible?.cursor ?? query.since ?? null,
      messages: (visible?.messages ?? []).map((m) => ({
        id: m.id,
        from: m.direction === 'in' ? 'client' : 'bot',
        text: m.text,
        buttons: m.buttons,
        createdAt: m.createdAt,
      })),
    };
  }
}
