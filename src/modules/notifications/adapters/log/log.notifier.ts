import { Injectable, Logger } from '@nestjs/common';
import { ManagerNotifier } from '../../ports/manager-notifier.port';

/** Always on: the alert in the service log, where log-based monitoring can pick it up. */
@Injectable()
export class LogNotifier extends ManagerNotifier {
  readonly name = 'log';
  private readonly logger = new Logger('ManagerAlert');

  notify(text: string, alert: { groupKey: string; count: number }): Promise<void> {
    this.logger.warn({ alert: alert.groupKey, count: alert.count, msg: text.split('\n')[0] });
    return Promise.resolve();
  }
}
