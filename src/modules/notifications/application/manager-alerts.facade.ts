import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { OutboxWriter } from '../../outbox';
import type { RaisedAlert } from '../domain/manager-alert';
import { ManagerAlertStore } from '../ports/manager-alert-store.port';

/**
 * Raises an alert for the managers in the caller's transaction. The first alert of a kind opens a group and
 * schedules its message after ALERT_GROUP_WINDOW_MS; the rest of an outage joins that message.
 */
@Injectable()
export class ManagerAlerts {
  constructor(
    private readonly repository: ManagerAlertStore,
    private readonly outbox: OutboxWriter,
    private readonly env: EnvironmentVariables,
  ) {}

  async raise(alert: RaisedAlert): Promise<void> {
    const { id, opened } = await this.repository.gather(alert);
    if (opened) await this.outbox.add('alert.send', { alertId: id }, { delayMs: this.env.ALERT_GROUP_WINDOW_MS });
  }
}
