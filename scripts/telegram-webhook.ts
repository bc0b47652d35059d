/**
 * Registers this instance with Telegram as the bot's webhook:
 *
 *   npm run telegram:webhook
 *
 * Reads TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, PUBLIC_BASE_URL (and TELEGRAM_API_BASE) from the environment,
 * calls setWebhook with `${PUBLIC_BASE_URL}/webhooks/telegram`, the secret and the update types we handle, then
 * prints what Telegram reports. The token is never printed. Exits 1 with one clear line when something is missing
 * or Telegram refuses.
 */
import type { User, WebhookInfo } from '@grammyjs/types';
import { EnvironmentError, validateEnvironment, type EnvironmentVariables } from '../src/config/env.validation';
import { TelegramClient } from '../src/modules/channels/adapters/telegram/telegram.client';

const ALLOWED_UPDATES = ['message', 'callback_query'];
const WEBHOOK_PATH = '/webhooks/telegram';

function fail(message: string): never {
  process.stderr.write(`telegram-webhook: ${message}\n`);
  process.exit(1);
}

function readEnvironment(): EnvironmentVariables {
  try {
    return validateEnvironment(process.env);
  } catch (error) {
    if (error instanceof EnvironmentError) fail(`invalid environment: ${error.problems.join('; ')}`);
    throw error;
  }
}

async function main(): Promise<void> {
  const env = readEnvironment();
  if (!env.TELEGRAM_BOT_TOKEN) fail('TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set its token');
  if (!env.TELEGRAM_WEBHOOK_SECRET) fail('TELEGRAM_WEBHOOK_SECRET is not set');
  if (!env.PUBLIC_BASE_URL) {
    fail('PUBLIC_BASE_URL is not set: the https:// address where Telegram reaches this instance');
  }
  const url = `${env.PUBLIC_BASE_URL.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
  const client = TelegramClient.fromEnv(env);

  try {
    const bot = await client.call<User>('getMe');
    await client.call<true>('setWebhook', {
      url,
      secret_token: env.TELEGRAM_WEBHOOK_SECRET,
      allowed_updates: ALLOWED_UPDATES,
    });
    const info = await client.call<WebhookInfo>('getWebhookInfo');
    process.stdout.write(
      `telegram-webhook: @${bot.username ?? bot.id} now delivers ${ALLOWED_UPDATES.join(', ')} to ${info.url}` +
        ` (pending updates: ${info.pending_update_count})\n`,
    );
    if (info.last_error_message) {
      process.stdout.write(`telegram-webhook: Telegram's last delivery error: ${info.last_error_message}\n`);
    }
  } catch (error) {
    fail(`could not register the webhook: ${error instanceof Error ? error.message : String(error)}`);
  }
}

void main();
