export { NotificationsModule } from './notifications.module';
export { ManagerAlerts } from './application/manager-alerts.facade';
export type { RaisedAlert } from './domain/manager-alert';
