import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { ManagerNotifier } from '../../ports/manager-notifier.port';
import { notificationFailure } from '../http-failure';

const TIMEOUT_MS = 10000;

/** POSTs alerts as JSON to ALERT_WEBHOOK_URL (Slack-style `text`, plus the group and count). */
@Injectable()
export class WebhookNotifier extends ManagerNotifier {
  readonly name = 'webhook';

  constructor(private readonly env: EnvironmentVariables) {
    super();
  }

  async notify(text: string, alert: { groupKey: string; count: number }): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.env.ALERT_WEBHOOK_URL!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, alert: alert.groupKey, count: alert.count }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw notificationFailure('alert webhook', null);
    }
    if (!response.ok) {
      throw notificationFailure(
        'alert webhook',
        response.status,
        Number(response.headers.get('retry-after')) || undefined,
      );
    }
  }
}
