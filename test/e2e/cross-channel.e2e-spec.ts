import type { Client } from 'pg';
import { FakeBitrix24 } from '../fakes/bitrix24/fake-bitrix24';
import { FakeGraph } from '../fakes/meta/fake-graph';
import { FakeSmsRu } from '../fakes/sms/fake-smsru';
import { FakeTelegram, TelegramUpdates } from '../fakes/telegram/fake-telegram';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { postMetaWebhook, waMessagesValue, waStatusesValue, waWebhook } from '../support/meta-webhooks';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const TELEGRAM_SECRET = 'telegram-secret-0123456789';
const WA = { phoneNumberId: '105550001111', token: 'wa-token-0123456789', appSecret: 'wa-app-secret-0123456789' };
const PHONE_DIGITS = '79135557788';

/**
 * One person, several channels: a client who writes on Telegram (sharing their phone) and then on WhatsApp from the
 * same number is one contact here and one client in the CRM, with a conversation per channel. And a WhatsApp reply
 * that fails on Meta's side reaches the client by SMS instead of being lost.
 */
describe('across channels, real adapters against their fakes', () => {
  const telegram = new FakeTelegram();
  const graph = new FakeGraph({
    whatsapp: { phoneNumberId: WA.phoneNumberId, token: WA.token },
    instagram: { token: 'unused', accountId: '17841400000000000' },
  });
  const bitrix = new FakeBitrix24();
  const sms = new FakeSmsRu();
  const updates = new TelegramUpdates();
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    const [telegramUrl, , bitrixUrl, smsUrl] = await Promise.all([
      telegram.start(),
      graph.start(),
      bitrix.start(),
      sms.start(),
    ]);
    const env = testEnv({
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      TELEGRAM_API_BASE: telegramUrl,
      WHATSAPP_TOKEN: WA.token,
      WHATSAPP_PHONE_NUMBER_ID: WA.phoneNumberId,
      WHATSAPP_APP_SECRET: WA.appSecret,
      WHATSAPP_VERIFY_TOKEN: 'wa-verify-token',
      WHATSAPP_GRAPH_BASE: graph.base,
      CRM_PROVIDER: 'bitrix24',
      BITRIX24_WEBHOOK_URL: bitrix.webhookUrl(bitrixUrl),
      SMSRU_API_ID: sms.apiId,
      SMS_API_BASE: smsUrl,
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await Promise.all([telegram.stop(), graph.stop(), bitrix.stop(), sms.stop()]);
  });

  const postTelegram = (update: unknown) =>
    request(`${running.url}/webhooks/telegram`, {
      body: update,
      headers: { 'X-Telegram-Bot-Api-Secret-Token': TELEGRAM_SECRET },
    });
  const postWhatsApp = (value: Record<string, unknown>) =>
    postMetaWebhook(`${running.url}/webhooks/whatsapp`, waWebhook(value), WA.appSecret);
  const rows = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows;

  it('Telegram then WhatsApp with the same phone: one contact, two conversations, one client in the CRM', async () => {
    const user = updates.user(555000111, 'Марина');
    expect((await postTelegram(updates.contact(user, PHONE_DIGITS))).status).toBe(200);
    expect((await postTelegram(updates.text(user, 'хочу записаться на маникюр'))).status).toBe(200);
    await waitFor(async () => bitrix.leads().length === 1, { timeoutMs: 10000, what: 'the Telegram lead in the CRM' });

    const fromWhatsApp = await postWhatsApp(
      waMessagesValue(WA.phoneNumberId, [{ waId: PHONE_DIGITS, name: 'Марина', text: 'а сколько стоит стрижка?' }]),
    );
    expect(fromWhatsApp.status).toBe(200);
    await waitFor(async () => bitrix.leads().length === 2, { timeoutMs: 10000, what: 'the WhatsApp lead in the CRM' });
    await waitFor(async () => graph.whatsappTo(PHONE_DIGITS).length > 0, { timeoutMs: 5000, what: 'WhatsApp reply' });

    const contacts = await rows('SELECT id, phone_e164 FROM contacts');
    expect(contacts).toEqual([{ id: expect.any(String), phone_e164: `+${PHONE_DIGITS}` }]);
    const identities = await rows('SELECT channel, external_id FROM contact_identities ORDER BY channel');
    expect(identities).toEqual([
      { channel: 'telegram', external_id: '555000111' },
      { channel: 'whatsapp', external_id: PHONE_DIGITS },
    ]);
    expect(await rows('SELECT channel FROM conversations ORDER BY channel')).toHaveLength(2);
    expect(bitrix.contacts()).toHaveLength(1);
    const [first, second] = bitrix.leads();
    expect(second.contactId).toBe(first.contactId);
    expect(telegram.messagesTo(555000111).length).toBeGreaterThan(0);
  });

  it('a WhatsApp reply that Meta reports failed goes to the client by SMS', async () => {
    const before = graph.whatsappTo(PHONE_DIGITS).length;
    await postWhatsApp(waMessagesValue(WA.phoneNumberId, [{ waId: PHONE_DIGITS, text: 'где вы находитесь?' }]));
    const reply = await waitFor(async () => graph.whatsappTo(PHONE_DIGITS)[before], {
      timeoutMs: 5000,
      what: 'the WhatsApp reply',
    });

    await postWhatsApp(
      waStatusesValue(WA.phoneNumberId, [
        { id: reply.id, status: 'failed', waId: PHONE_DIGITS, error: { code: 131026, title: 'Message undeliverable' } },
      ]),
    );
    const sent = await waitFor(async () => sms.messagesTo(PHONE_DIGITS)[0], { timeoutMs: 5000, what: 'the SMS' });
    expect(sent.text).toBe(reply.text);
    // The gateway has the SMS before the sending transaction commits: wait for the row rather than read it once.
    const message = await waitFor(
      async () => {
        const [row] = await rows(
          `SELECT status, delivered_via, error FROM messages WHERE text = $1 AND direction = 'out'`,
          [reply.text],
        );
        return row?.delivered_via === 'sms' && row;
      },
      { timeoutMs: 5000, what: 'the reply marked as sent by SMS' },
    );
    expect(message).toMatchObject({ status: 'sent', delivered_via: 'sms' });
  });
});
