export { NotificationsModule } from './notifications.module';
export { ManagerAlerts } from './application/manager-alerts.facade';
export type { RaisedAlert } from './domain/manager-alert';
export { SmsSender, type SentSms, type SmsMessage } from './ports/sms-sender.port';
export { VisitReminders, type Visit } from './application/visit-reminders';
export { REMINDER_BUTTONS } from './application/send-reminder.use-case';
