import { EnvironmentVariables } from '../../../../config/env.validation';
import type { ChannelPlugin } from '../../channel-plugin';
import { TelegramClient } from './telegram.client';
import { TelegramEventParser } from './telegram.events';
import { TelegramMessenger } from './telegram.messenger';
import { TelegramWebhookController } from './telegram.webhook.controller';

/** Telegram Bot API: on when TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET are set (the env schema pairs them). */
export const telegramChannel: ChannelPlugin = {
  channel: 'telegram',
  enabled: (env: EnvironmentVariables) => Boolean(env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_WEBHOOK_SECRET),
  controllers: [TelegramWebhookController],
  providers: [
    {
      provide: TelegramClient,
      inject: [EnvironmentVariables],
      useFactory: (env: EnvironmentVariables) => TelegramClient.fromEnv(env),
    },
  ],
  messenger: TelegramMessenger,
  parser: TelegramEventParser,
};
