import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import * as path from 'node:path';
import { RecipientUnreachableError } from '../../src/modules/channels/domain/channel-errors';
import { TelegramClient } from '../../src/modules/channels/adapters/telegram/telegram.client';
import { parseTelegramUpdate } from '../../src/modules/channels/adapters/telegram/telegram.events';
import { TelegramMessenger } from '../../src/modules/channels/adapters/telegram/telegram.messenger';
import type { OutgoingMessage } from '../../src/modules/channels/ports/messenger.port';
import { RedisRateLimiter } from '../../src/redis/redis-rate-limiter';
import { PermanentError, RateLimitedError, TransientError } from '../../src/shared/domain-error';
import {
  badGateway,
  FakeTelegram,
  floodWait,
  internalError,
  method,
  TelegramUpdates,
  telegramError,
  userDeactivated,
} from '../fakes/telegram/fake-telegram';
import { ADMIN_TOKEN as ADMIN_API_TOKEN, testEnv } from '../support/test-env';

const ROOT = path.resolve(__dirname, '..', '..');
const SECRET = 'webhook-secret-0123456789abcdef';

/** A local port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('Telegram messenger against the fake Bot API', () => {
  const fake = new FakeTelegram();
  const env = testEnv();
  const limiter = new RedisRateLimiter(env);
  const updates = new TelegramUpdates();
  let baseUrl: string;
  let messenger: TelegramMessenger;
  let chat = 100000;

  const outgoing = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => {
    chat += 1;
    return {
      messageId: `m-${chat}`,
      outboxId: `ob-${chat}`,
      channel: 'telegram',
      threadId: String(chat),
      text: 'Здравствуйте! Чем могу помочь?',
      buttons: [],
      recipient: { externalUserId: String(chat), phone: null, lastInboundAt: new Date() },
      ...overrides,
    };
  };

  beforeAll(async () => {
    baseUrl = await fake.start();
    messenger = new TelegramMessenger(new TelegramClient(fake.token, baseUrl, 500), limiter);
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    limiter.onModuleDestroy();
    await fake.stop();
  });

  it('sends the text to the chat and returns "<chat>:<message_id>"', async () => {
    const message = outgoing();
    const sent = await messenger.send(message);

    const [delivered] = fake.messagesTo(message.threadId);
    expect(sent).toEqual({ providerMessageId: `${message.threadId}:${delivered.messageId}` });
    expect(delivered).toMatchObject({ text: message.text, replyMarkup: undefined });
    const [call] = fake.calls('sendMessage').slice(-1);
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.body).toEqual({ chat_id: Number(message.threadId), text: message.text });
  });

  it('offers buttons as an inline keyboard, one per row, and a press reads back as the label', async () => {
    const labels = ['Записаться', 'Узнать цены', 'Записаться на завтра в 15:00 к мастеру Анастасии Игоревне'];
    const message = outgoing({ text: 'Что вас интересует?', buttons: labels });
    await messenger.send(message);

    const [delivered] = fake.messagesTo(message.threadId);
    expect(delivered.replyMarkup?.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual(labels.map((l) => [l]));
    const client = updates.user(Number(message.threadId), 'Анна');
    for (const label of labels) {
      const [event] = parseTelegramUpdate(updates.press(client, delivered, label));
      expect(event).toMatchObject({ kind: 'message', message: { text: label, threadId: message.threadId } });
    }
  });

  it('429 is transient and carries retry_after in milliseconds', async () => {
    fake.failNext(floodWait(7), 1, method('sendMessage'));
    const error = await failureOf(messenger.send(outgoing()));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(7000);
    expect(error.message).toBe('Telegram sendMessage: 429 Too Many Requests: retry after 7');
  });

  it('a user who blocked the bot or deleted the account is unreachable, not retried', async () => {
    const blocked = outgoing();
    fake.blockBot(blocked.threadId);
    const error = await failureOf(messenger.send(blocked));
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect((error as RecipientUnreachableError).reason).toBe('bot was blocked by the user');

    fake.failNext(userDeactivated(), 1, method('sendMessage'));
    const gone = await failureOf(messenger.send(outgoing()));
    expect(gone).toBeInstanceOf(RecipientUnreachableError);
    expect((gone as RecipientUnreachableError).reason).toBe('user is deactivated');
  });

  it('"chat not found" is unreachable; any other 400 is permanent', async () => {
    const unknown = outgoing();
    fake.forgetChat(unknown.threadId);
    const notFound = await failureOf(messenger.send(unknown));
    expect(notFound).toBeInstanceOf(RecipientUnreachableError);
    expect((notFound as RecipientUnreachableError).reason).toBe('chat not found');

    const tooLong = await failureOf(messenger.send(outgoing({ text: 'а'.repeat(4097) })));
    expect(tooLong).toBeInstanceOf(PermanentError);
    expect(tooLong).not.toBeInstanceOf(RecipientUnreachableError);
    expect(tooLong.message).toBe('Telegram sendMessage: 400 Bad Request: message is too long');
  });

  it('a rejected token is permanent and never shown', async () => {
    const wrong = new TelegramMessenger(
      new TelegramClient('7000000001:AAHwrongTokenWrongToken_000000', baseUrl),
      limiter,
    );
    const error = await failureOf(wrong.send(outgoing()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(RecipientUnreachableError);
    expect(error.message).toMatch(/^Telegram sendMessage: 401 Unauthorized: the bot token was rejected/);
    expect(error.message).not.toContain('AAHwrong');
  });

  it.each([
    [
      '500 from the Bot API',
      () => fake.failNext(internalError(), 1, method('sendMessage')),
      /500 Internal Server Error/,
    ],
    ['502 HTML from the proxy', () => fake.failNext(badGateway(), 1, method('sendMessage')), /HTTP 502/],
    ['a dropped connection', () => fake.failNext('drop', 1, method('sendMessage')), /connection failed/],
    ['no answer', () => fake.failNext('hang', 1, method('sendMessage')), /no answer within 500 ms/],
  ])('%s is transient, and no error shows the token', async (_name, arrange, expected) => {
    arrange();
    const error = await failureOf(messenger.send(outgoing()));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain(fake.token);
    expect(error.message).not.toContain('/bot');
  });

  it('keeps to one message per second in a chat (after a burst of 2): the third is refused with the wait, others go', async () => {
    const message = outgoing();
    await messenger.send({ ...message, messageId: `${message.messageId}-0` });
    await messenger.send({ ...message, messageId: `${message.messageId}-1` });
    const refused = await messenger.send({ ...message, messageId: `${message.messageId}-2` }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterMs).toBeGreaterThan(500);
    expect((refused as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(1000);
    expect(fake.messagesTo(message.threadId)).toHaveLength(2); // nothing sent for the refused one

    await new Promise((resolve) => setTimeout(resolve, (refused as RateLimitedError).retryAfterMs!));
    await messenger.send({ ...message, messageId: `${message.messageId}-2` });
    expect(fake.messagesTo(message.threadId)).toHaveLength(3);

    const others = Date.now();
    await Promise.all([1, 2, 3].map(() => messenger.send(outgoing())));
    expect(Date.now() - others).toBeLessThan(500);
  });

  describe('acknowledge', () => {
    it('answers the callback query', async () => {
      await messenger.acknowledge('4382bfdwdsb323b2d9');
      expect(fake.answeredCallbackQueries.map((q) => q.id)).toContain('4382bfdwdsb323b2d9');
      expect(fake.calls('answerCallbackQuery').slice(-1)[0].body).toEqual({ callback_query_id: '4382bfdwdsb323b2d9' });
    });

    it('a query too old to answer is done: the client has stopped waiting', async () => {
      fake.expireCallbackQuery('old-query-1');
      await expect(messenger.acknowledge('old-query-1')).resolves.toBeUndefined();
    });

    it('a 5xx while answering is transient', async () => {
      fake.failNext(telegramError(502, 'Bad Gateway'), 1, method('answerCallbackQuery'));
      await expect(messenger.acknowledge('q-2')).rejects.toBeInstanceOf(TransientError);
    });
  });
});

describe('npm run telegram:webhook', () => {
  const fake = new FakeTelegram();
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.webhook = null;
    fake.clearFaults();
  });

  const run = (vars: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'scripts/telegram-webhook.ts'],
        { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ADMIN_API_TOKEN, TELEGRAM_API_BASE: baseUrl, ...vars } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const configured = () => ({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PUBLIC_BASE_URL: 'https://volna.example.ru/',
  });

  it('registers ${PUBLIC_BASE_URL}/webhooks/telegram with the secret and our update types', async () => {
    const { code, stdout, stderr } = await run(configured());

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(fake.webhook).toEqual({
      url: 'https://volna.example.ru/webhooks/telegram',
      secretToken: SECRET,
      allowedUpdates: ['message', 'callback_query'],
      maxConnections: 40,
    });
    expect(stdout).toContain(
      '@volna_salon_bot now delivers message, callback_query to https://volna.example.ru/webhooks/telegram',
    );
    expect(stdout).not.toContain(fake.token);
    expect(stdout).not.toContain(SECRET);
  });

  it.each([
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: '' }, /PUBLIC_BASE_URL is not set/],
    ['TELEGRAM_BOT_TOKEN', { TELEGRAM_BOT_TOKEN: '', TELEGRAM_WEBHOOK_SECRET: '' }, /TELEGRAM_BOT_TOKEN is not set/],
  ])('exits 1 with one clear line when %s is missing', async (_name, unset, expected) => {
    const { code, stderr } = await run({ ...configured(), ...unset });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(expected);
    expect(fake.webhook).toBeNull();
  });

  it('exits 1 with Telegram’s reason, and no token, when Telegram refuses', async () => {
    const refused = await run({ ...configured(), PUBLIC_BASE_URL: 'http://volna.example.ru' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /could not register the webhook: .*bad webhook: An HTTPS URL must be provided for webhook/,
    );

    const revoked = await run({ ...configured(), TELEGRAM_BOT_TOKEN: '7000000001:AAHrevokedRevokedRevoked_0000' });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/could not register the webhook: Telegram getMe: 401 Unauthorized/);
    for (const output of [refused, revoked]) {
      expect(output.stderr + output.stdout).not.toContain('AAH');
    }
    expect(fake.webhook).toBeNull();
  });

  it('exits 1 when Telegram is unreachable', async () => {
    const { code, stderr } = await run({
      ...configured(),
      TELEGRAM_API_BASE: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/could not register the webhook: Telegram getMe: connection failed \(ECONNREFUSED\)/);
  });
});
