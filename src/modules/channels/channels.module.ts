import { DynamicModule, Module } from '@nestjs/common';
import type { EnvironmentVariables } from '../../config/env.validation';
import { RedisRateLimiter } from '../../redis/redis-rate-limiter';
import { CHANNELS, LeadsModule } from '../leads';
import { NotificationsModule } from '../notifications';
import { OutboxModule } from '../outbox';
import { WebchatController } from './adapters/http/webchat.controller';
import { InboundEventRepository } from './adapters/persistence/inbound-event.repository';
import { InboundAckProcessor } from './adapters/queue/inbound-ack.processor';
import { InboundProcessProcessor } from './adapters/queue/inbound-process.processor';
import { ReplyFallbackProcessor } from './adapters/queue/reply-fallback.processor';
import { replySendProcessors } from './adapters/queue/reply-send.processor';
import { WebchatMessenger } from './adapters/webchat/webchat.messenger';
import { WidgetController } from './adapters/widget/widget.controller';
import { InboundEventIntake } from './application/inbound-event.intake';
import { ChannelEventParsers, MessengerRegistry } from './application/messenger.registry';
import { ProcessInboundEventUseCase } from './application/process-inbound-event.use-case';
import { ReceiveInboundMessageUseCase } from './application/receive-inbound-message.use-case';
import { SendReplyFallbackUseCase } from './application/send-reply-fallback.use-case';
import { SendReplyUseCase } from './application/send-reply.use-case';
import { CHANNEL_PLUGINS } from './channel-plugins';
import type { ChannelEventParser } from './ports/channel-event.port';
import { InboundEventStore } from './ports/inbound-event-store.port';
import type { Messenger } from './ports/messenger.port';

@Module({})
export class ChannelsModule {
  static forRoot(env: EnvironmentVariables): DynamicModule {
    const enabled = CHANNEL_PLUGINS.filter((plugin) => plugin.enabled(env));
    const messengers = [WebchatMessenger, ...enabled.map((plugin) => plugin.messenger)];
    const parsers = enabled.flatMap((plugin) => (plugin.parser ? [plugin.parser] : []));
    return {
      module: ChannelsModule,
      imports: [LeadsModule, OutboxModule, NotificationsModule],
      controllers: [WebchatController, WidgetController, ...enabled.flatMap((plugin) => plugin.controllers)],
      providers: [
        RedisRateLimiter,
        InboundEventRepository,
        { provide: InboundEventStore, useExisting: InboundEventRepository },
        InboundEventIntake,
        ...enabled.flatMap((plugin) => plugin.providers),
        ...messengers,
        ...parsers,
        {
          provide: MessengerRegistry,
          inject: messengers,
          useFactory: (...instances: Messenger[]) => new MessengerRegistry(instances),
        },
        {
          provide: ChannelEventParsers,
          inject: parsers,
          useFactory: (...instances: ChannelEventParser[]) => new ChannelEventParsers(instances),
        },
        ReceiveInboundMessageUseCase,
        ProcessInboundEventUseCase,
        SendReplyUseCase,
        SendReplyFallbackUseCase,
        InboundProcessProcessor,
        InboundAckProcessor,
        ...replySendProcessors(CHANNELS),
        ReplyFallbackProcessor,
      ],
      exports: [ReceiveInboundMessageUseCase],
    };
  }
}
