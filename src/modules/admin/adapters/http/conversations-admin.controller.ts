import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ConversationControl } from '../../../triage';
import { AdminAuthGuard } from '../../../../http/admin-auth.guard';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong admin token (problem+json)' })
@UseGuards(AdminAuthGuard)
@Controller('api/admin/v1/conversations')
export class ConversationsAdminController {
  constructor(private readonly conversations: ConversationControl) {}

  /** Conversations a person has taken over (the bot is silent there), newest first. */
  @Get('handed-off')
  @ApiOkResponse({ description: 'Conversations waiting for a manager' })
  async handedOff(): Promise<{ items: Array<{ conversationId: string; since: Date; reason: string | null }> }> {
    return { items: await this.conversations.handedOff() };
  }

  /** Gives the conversation back to the bot: it answers the client's next message again. */
  @Post(':conversationId/release')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Released' })
  @ApiNotFoundResponse({ description: 'The conversation is not handed off (problem+json)' })
  async release(@Param('conversationId', new ParseUUIDPipe()) conversationId: string): Promise<void> {
    if (!(await this.conversations.release(conversationId))) {
      throw new NotFoundException(`Conversation ${conversationId} is not handed off to a person.`);
    }
  }
}
