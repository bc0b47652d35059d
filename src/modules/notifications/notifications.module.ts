import { Module } from '@nestjs/common';
import { EnvironmentVariables } from '../../config/env.validation';
import { OutboxModule } from '../outbox';
import { LogNotifier } from './adapters/log/log.notifier';
import { ManagerAlertRepository } from './adapters/persistence/manager-alert.repository';
import { AlertSendProcessor } from './adapters/queue/alert-send.processor';
import { TelegramNotifier } from './adapters/telegram/telegram.notifier';
import { WebhookNotifier } from './adapters/webhook/webhook.notifier';
import { ManagerAlerts } from './application/manager-alerts.facade';
import { ManagerNotifiers } from './application/manager-notifiers';
import { SendManagerAlertUseCase } from './application/send-manager-alert.use-case';

@Module({
  imports: [OutboxModule],
  providers: [
    LogNotifier,
    TelegramNotifier,
    WebhookNotifier,
    {
      provide: ManagerNotifiers,
      inject: [EnvironmentVariables, LogNotifier, TelegramNotifier, WebhookNotifier],
      useFactory: (env: EnvironmentVariables, log: LogNotifier, telegram: TelegramNotifier, webhook: WebhookNotifier) =>
        new ManagerNotifiers([
          log,
          ...(env.MANAGER_TELEGRAM_BOT_TOKEN ? [telegram] : []),
          ...(env.ALERT_WEBHOOK_URL ? [webhook] : []),
        ]),
    },
    ManagerAlertRepository,
    ManagerAlerts,
    SendManagerAlertUseCase,
    AlertSendProcessor,
  ],
  exports: [ManagerAlerts],
})
export class NotificationsModule {}
