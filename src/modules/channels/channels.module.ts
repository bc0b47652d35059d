import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads';
import { OutboxModule } from '../outbox';
import { WebchatController } from './adapters/http/webchat.controller';
import { ReplySendProcessor } from './adapters/queue/reply-send.processor';
import { WebchatMessenger } from './adapters/webchat/webchat.messenger';
import { MessengerRegistry } from './application/messenger.registry';
import { ReceiveInboundMessageUseCase } from './application/receive-inbound-message.use-case';
import { SendReplyUseCase } from './application/send-reply.use-case';

@Module({
  imports: [LeadsModule, OutboxModule],
  controllers: [WebchatController],
  providers: [WebchatMessenger, MessengerRegistry, ReceiveInboundMessageUseCase, SendReplyUseCase, ReplySendProcessor],
  exports: [ReceiveInboundMessageUseCase],
})
export class ChannelsModule {}
