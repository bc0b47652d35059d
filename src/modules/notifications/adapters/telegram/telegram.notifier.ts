import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { ManagerNotifier } from '../../ports/manager-notifier.port';
import { notificationFailure } from '../http-failure';

const TIMEOUT_MS = 10000;

/** Sends alerts to the managers' Telegram chat with the Bot API's sendMessage. */
@Injectable()
export class TelegramNotifier extends ManagerNotifier {
  readonly name = 'telegram';
  private readonly url: string;
  private readonly chatId: string;

  constructor(env: EnvironmentVariables) {
    super();
    const base = (env.TELEGRAM_API_BASE ?? 'https://api.telegram.org').replace(/\/$/, '');
    this.url = `${base}/bot${env.MANAGER_TELEGRAM_BOT_TOKEN}/sendMessage`;
    this.chatId = env.MANAGER_TELEGRAM_CHAT_ID ?? '';
  }

  async notify(text: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: this.chatId, text, disable_web_page_preview: true }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw notificationFailure('Telegram', null); // the error would carry the URL, and the URL the token
    }
    if (response.ok) return;
    const body = (await response.json().catch(() => ({}))) as { parameters?: { retry_after?: number } };
    throw notificationFailure('Telegram', response.status, body.parameters?.retry_after);
  }
}
