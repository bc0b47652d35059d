import { Injectable } from '@nestjs/common';
import { renderAlert } from '../domain/manager-alert';
import { ManagerAlertStore } from '../ports/manager-alert-store.port';
import { ManagerNotifiers } from './manager-notifiers';

/** Sends a gathered alert once through every configured way; a failure retries the whole message. */
@Injectable()
export class SendManagerAlertUseCase {
  constructor(
    private readonly repository: ManagerAlertStore,
    private readonly notifiers: ManagerNotifiers,
  ) {}

  async execute(alertId: string): Promise<void> {
    const alert = await this.repository.lockPending(alertId);
    if (!alert) return;
    await this.repository.markSent(alert.id); // closes the group: later alerts of the kind open a new one
    const text = renderAlert(alert);
    for (const notifier of this.notifiers.all) await notifier.notify(text, alert);
  }
}
