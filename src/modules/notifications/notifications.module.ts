import { Module } from '@nestjs/common';
import { EnvironmentVariables } from '../../config/env.validation';
import { LeadsModule } from '../leads';
import { OutboxModule } from '../outbox';
import { LogNotifier } from './adapters/log/log.notifier';
import { ManagerAlertRepository } from './adapters/persistence/manager-alert.repository';
import { ReminderRepository } from './adapters/persistence/reminder.repository';
import { AlertSendProcessor } from './adapters/queue/alert-send.processor';
import { ReminderSendProcessor } from './adapters/queue/reminder-send.processor';
import { smsSenderFor } from './adapters/sms/sms-gateway';
import { TelegramNotifier } from './adapters/telegram/telegram.notifier';
import { WebhookNotifier } from './adapters/webhook/webhook.notifier';
import { ManagerAlerts } from './application/manager-alerts.facade';
import { ManagerNotifiers } from './application/manager-notifiers';
import { SendManagerAlertUseCase } from './application/send-manager-alert.use-case';
import { SendReminderUseCase } from './application/send-reminder.use-case';
import { VisitReminders } from './application/visit-reminders';
import { ManagerAlertStore } from './ports/manager-alert-store.port';
import { ReminderStore } from './ports/reminder-store.port';
import { SmsSender } from './ports/sms-sender.port';

@Module({
  imports: [OutboxModule, LeadsModule],
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
    { provide: ManagerAlertStore, useExisting: ManagerAlertRepository },
    ManagerAlerts,
    SendManagerAlertUseCase,
    AlertSendProcessor,
    // The SMS gateway with credentials: SMS.ru, else SMSC.ru, else none (every SMS fails saying what to set).
    { provide: SmsSender, inject: [EnvironmentVariables], useFactory: smsSenderFor },
    ReminderRepository,
    { provide: ReminderStore, useExisting: ReminderRepository },
    VisitReminders,
    SendReminderUseCase,
    ReminderSendProcessor,
  ],
  exports: [SmsSender, VisitReminders, ManagerAlerts],
})
export class NotificationsModule {}
