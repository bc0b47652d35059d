/** One way to reach the managers (a Telegram chat, a webhook, the log). Throws TransientError to be retried. */
export abstract class ManagerNotifier {
  abstract readonly name: string;
  abstract notify(text: string, alert: { groupKey: string; count: number }): Promise<void>;
}
