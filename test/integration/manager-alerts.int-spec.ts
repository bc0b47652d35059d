import { CrmGateway } from '../../src/modules/crm';
import { FakeHttpServer } from '../fakes/fake-http-server';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { ScriptedCrm } from '../support/scripted-crm';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/** Dead letters reach the managers as a handful of grouped messages, in Telegram and at a webhook. */
describe('manager alerts for leads that did not reach the CRM', () => {
  const crm = new ScriptedCrm();
  const telegram = new FakeHttpServer();
  const webhook = new FakeHttpServer();
  const telegramMessages: Array<{ chat_id: string; text: string }> = [];
  const webhookCalls: Array<{ text: string; count: number }> = [];
  let running: RunningApp;

  beforeAll(async () => {
    telegram.route('POST', /^\/bot123:secret\/sendMessage$/, (req) => {
      telegramMessages.push(req.body);
      return { body: { ok: true, result: { message_id: telegramMessages.length, text: req.body.text } } };
    });
    webhook.route('POST', '/hooks/volna', (req) => {
      webhookCalls.push(req.body);
      return { status: 204 };
    });
    const env = testEnv({
      RETRY_BASE_MS: '10',
      // Wide enough that 20 rejections on a loaded machine still fall in one window: 20 bookings for one
      // manicurist at once take turns holding her slots, several seconds in all when another suite runs alongside.
      ALERT_GROUP_WINDOW_MS: '10000',
      TELEGRAM_API_BASE: await telegram.start(),
      MANAGER_TELEGRAM_BOT_TOKEN: '123:secret',
      MANAGER_TELEGRAM_CHAT_ID: '-100200300',
      ALERT_WEBHOOK_URL: `${await webhook.start()}/hooks/volna`,
    });
    running = await startApp(env, [[CrmGateway, crm]]);
  });
  afterAll(async () => {
    await running?.close();
    await telegram.stop();
    await webhook.stop();
  });

  const send = (i: number) =>
    request(`${running.url}/api/v1/webchat/messages`, {
      body: {
        sessionId: webchatId('s'),
        clientMessageId: webchatId('m'),
        text: 'запишите на маникюр завтра в 5',
        name: `Клиент${i}`,
        phone: `+7 913 555-${String(1000 + i).slice(-4, -2)}-${String(1000 + i).slice(-2)}`,
      },
    });

  it('20 leads rejected by the CRM within the window: one Telegram message and one webhook call naming clients', async () => {
    crm.fallback = 'permanent';
    await Promise.all(Array.from({ length: 20 }, (_, i) => send(i)));

    await waitFor(async () => telegramMessages.length >= 1 && webhookCalls.length >= 1, {
      timeoutMs: 30000,
      what: 'the alert',
    });
    const [message] = telegramMessages;
    expect(message.chat_id).toBe('-100200300');
    expect(message.text).toMatch(/CRM \(scripted\) отклоняет лиды/);
    expect(message.text).toMatch(/Случаев: 20/);
    expect(message.text).toMatch(/Клиент\d+, \+7\*{8}\d\d \(webchat, booking\): PermanentError/);
    expect(message.text).not.toMatch(/\+7913555\d{4}/);
    expect(webhookCalls[0]).toMatchObject({ count: 20, text: message.text });

    // nothing more arrives for the same outage
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(telegramMessages).toHaveLength(1);
    expect(webhookCalls).toHaveLength(1);
  });

  it('Telegram answering 429 with retry_after: the alert is sent after the pause', async () => {
    const before = telegramMessages.length;
    telegram.failNext({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    });
    crm.fallback = 'permanent';
    await send(99);

    const started = Date.now();
    await waitFor(async () => telegramMessages.length > before, { timeoutMs: 30000, what: 'the alert after 429' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(telegramMessages[telegramMessages.length - 1].text).toMatch(/Клиент99/);
  });
});
