import { createHmac } from 'node:crypto';
import type { Client } from 'pg';
import { FakeGraph } from '../fakes/meta/fake-graph';
import { FakeTelegram, TelegramUpdates } from '../fakes/telegram/fake-telegram';
import { FakeVk, vkMessageNew } from '../fakes/vk/fake-vk';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, type JsonResponse } from '../support/http';
import {
  igMessage,
  igWebhook,
  metaSignature,
  postMetaWebhook,
  randomIgsid,
  randomWaId,
  waMessagesValue,
  waWebhook,
} from '../support/meta-webhooks';
import { ADMIN_TOKEN, connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const PROBLEM = 'application/problem+json';
const PHONE_NUMBER_ID = '1065403522';
const IG_ACCOUNT = '17841400000000000';
const WA_SECRET = 'whatsapp-app-secret-hostile';
const IG_SECRET = 'instagram-app-secret-hostile';
const TG_SECRET = 'tg-webhook-secret-hostile-0123456789';
const VK_SECRET = 'vk-callback-secret-hostile-0123';
const VK_GROUP = 218000000;
const MIB = 1024 * 1024;

const graph = new FakeGraph({
  whatsapp: { phoneNumberId: PHONE_NUMBER_ID, token: 'EAAGwa-hostile', templates: [] },
  instagram: { token: 'IGQ-hostile', accountId: IG_ACCOUNT },
});
const telegram = new FakeTelegram();
const vk = new FakeVk();
const updates = new TelegramUpdates();
let telegramUser = 420000000;
let vkUser = 26000000 + (process.pid % 1000) * 1000;

function expectProblem(answer: JsonResponse, status: number): void {
  expect({ status: answer.status, type: answer.contentType.split(';')[0] }).toEqual({ status, type: PROBLEM });
  expect(JSON.stringify(answer.body)).not.toMatch(/stack|node_modules|hostile-0123|app-secret-hostile/);
}

describe('hostile input: messenger webhooks', () => {
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    await graph.start();
    const telegramBase = await telegram.start();
    const vkBase = await vk.start();
    const env = testEnv({
      WHATSAPP_TOKEN: 'EAAGwa-hostile',
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_APP_SECRET: WA_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify-wa',
      WHATSAPP_GRAPH_BASE: graph.base,
      INSTAGRAM_ACCESS_TOKEN: 'IGQ-hostile',
      INSTAGRAM_APP_SECRET: IG_SECRET,
      INSTAGRAM_VERIFY_TOKEN: 'verify-ig',
      INSTAGRAM_GRAPH_BASE: graph.base,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      TELEGRAM_API_BASE: telegramBase,
      VK_ACCESS_TOKEN: vk.token,
      VK_GROUP_ID: String(VK_GROUP),
      VK_SECRET,
      VK_CONFIRMATION_CODE: 'd8f2a6c1',
      VK_API_BASE: vk.apiBase(vkBase),
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await Promise.all([graph.stop(), telegram.stop(), vk.stop()]);
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].count);
  const events = () => count('SELECT count(*) FROM inbound_events');
  const alive = async () => expect((await request(`${running.url}/health/live`)).status).toBe(200);
  const wa = (body: unknown, signature?: string | null) =>
    postMetaWebhook(`${running.url}/webhooks/whatsapp`, body, WA_SECRET, { signature });
  const signedRaw = (channel: 'whatsapp' | 'instagram', rawBody: string | Buffer, secret: string) =>
    request(`${running.url}/webhooks/${channel}`, {
      rawBody,
      headers: { 'x-hub-signature-256': metaSignature(rawBody, secret) },
    });
  const tg = (body: unknown, secret: string | null = TG_SECRET) =>
    request(`${running.url}/webhooks/telegram`, {
      body,
      headers: secret === null ? {} : { 'X-Telegram-Bot-Api-Secret-Token': secret },
    });
  const vkPost = (body: unknown) => request(`${running.url}/webhooks/vk`, { body });
  const inboundTexts = async (channel: string, threadId: string) =>
    (
      await db.query(
        `SELECT m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE c.channel = $1 AND c.external_thread_id = $2 AND m.direction = 'in' ORDER BY m.created_at`,
        [channel, threadId],
      )
    ).rows.map((r: { text: string }) => r.text);

  describe('forged Meta signatures: 401/403 problem+json, nothing stored', () => {
    const forgeries: Array<[string, (raw: string, secret: string) => string | null]> = [
      ['a wrong secret', (raw) => metaSignature(raw, 'not-the-app-secret')],
      ['the signature of a different body', (raw, secret) => metaSignature(`${raw} `, secret)],
      ['a SHA-1 header value', (raw, secret) => `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`],
      ['an empty header', () => ''],
      ['no header', () => null],
      ['sha256= with nothing after it', () => 'sha256='],
      [
        'the right hex under another algorithm name',
        (raw, secret) => metaSignature(raw, secret).replace('sha256', 'SHA512'),
      ],
      ['a truncated signature', (raw, secret) => metaSignature(raw, secret).slice(0, 20)],
    ];
    const channels = [
      {
        channel: 'whatsapp' as const,
        secret: WA_SECRET,
        body: () => waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId: randomWaId(), text: 'подделка' }])),
      },
      {
        channel: 'instagram' as const,
        secret: IG_SECRET,
        body: () => igWebhook(IG_ACCOUNT, [igMessage(IG_ACCOUNT, randomIgsid(), { text: 'подделка' })]),
      },
    ];

    for (const { channel, secret, body } of channels) {
      it.each(forgeries)(`${channel}: %s`, async (_name, forge) => {
        const before = await events();
        const raw = JSON.stringify(body());
        const answer = await postMetaWebhook(`${running.url}/webhooks/${channel}`, raw, secret, {
          signature: forge(raw, secret),
        });
        expect([401, 403]).toContain(answer.status);
        expectProblem(answer, answer.status);
        expect(await events()).toBe(before);
      });

      it(`${channel}: a body signed with the other Meta app's secret is refused`, async () => {
        const before = await events();
        const other = channel === 'whatsapp' ? IG_SECRET : WA_SECRET;
        const answer = await postMetaWebhook(`${running.url}/webhooks/${channel}`, body(), other);
        expect([401, 403]).toContain(answer.status);
        expect(await events()).toBe(before);
      });
    }
  });

  it('a replayed signed WhatsApp body: 200 every time, one event, one message, one reply', async () => {
    const waId = randomWaId();
    const raw = JSON.stringify(waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, text: 'сколько стоит стрижка?' }])));
    const answers = await Promise.all(Array.from({ length: 5 }, () => signedRaw('whatsapp', raw, WA_SECRET)));
    for (let i = 0; i < 3; i++) answers.push(await signedRaw('whatsapp', raw, WA_SECRET));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));

    await waitFor(async () => graph.whatsappTo(waId).length > 0, { what: 'the reply' });
    await waitFor(
      async () =>
        (await count(
          `SELECT count(*) FROM outbox WHERE status = 'pending' AND (topic IN ('inbound.process','triage.process') OR topic LIKE 'reply.send.%')`,
        )) === 0,
      { what: 'the flow to settle' },
    );
    expect(await inboundTexts('whatsapp', waId)).toEqual(['сколько стоит стрижка?']);
    expect(graph.whatsappTo(waId)).toHaveLength(1);
  });

  describe('Telegram and VK secrets', () => {
    it.each([
      ['missing', null, 401],
      ['wrong', `${TG_SECRET}x`, 403],
      ['the VK secret', VK_SECRET, 403],
      ['a prefix of the right one', TG_SECRET.slice(0, 10), 403],
    ])('Telegram, %s secret → refused', async (_name, secret, status) => {
      const before = await events();
      expectProblem(await tg(updates.text(updates.user(++telegramUser), 'привет'), secret), status);
      expect(await events()).toBe(before);
    });

    it.each([
      ['a wrong secret', { secret: 'guess' }, 403],
      ['the Telegram secret', { secret: TG_SECRET }, 403],
      ['no secret', {}, 401],
      ['another community', { secret: VK_SECRET, groupId: VK_GROUP + 1 }, 403],
    ])('VK, %s → refused', async (_name, options, status) => {
      const before = await events();
      expectProblem(await vkPost(vkMessageNew({ fromId: ++vkUser, text: 'привет' }, options)), status);
      expect(await events()).toBe(before);
    });

    it('VK secret as a number or an object is refused, never a 500', async () => {
      for (const secret of [12345, { $ne: null }, [VK_SECRET]]) {
        const event = { ...vkMessageNew({ fromId: ++vkUser, text: 'привет' }), secret };
        const answer = await vkPost(event);
        expect([400, 401, 403]).toContain(answer.status);
        expect(answer.contentType).toContain(PROBLEM);
      }
    });
  });

  describe('sizes, nesting, content types', () => {
    it('a signed WhatsApp body just under 1 MiB is accepted; just over → 413', async () => {
      const waId = randomWaId();
      const base = waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, text: 'большое сообщение' }]));
      const pad = (bytes: number) => JSON.stringify({ ...base, padding: 'x'.repeat(bytes) });
      const under = pad(MIB - Buffer.byteLength(pad(0)) - 16);
      expect(Buffer.byteLength(under)).toBeLessThan(MIB);
      expect((await signedRaw('whatsapp', under, WA_SECRET)).status).toBe(200);
      await waitFor(async () => (await inboundTexts('whatsapp', waId)).length === 1, { what: 'the message stored' });

      const over = pad(MIB - Buffer.byteLength(pad(0)) + 16);
      const before = await events();
      expectProblem(await signedRaw('whatsapp', over, WA_SECRET), 413);
      expect(await events()).toBe(before);
    });

    it.each([
      ['10 000 levels of [[[...]]]', '['.repeat(10_000) + ']'.repeat(10_000)],
      [
        '100 000 levels inside a WhatsApp envelope',
        `{"object":"whatsapp_business_account","entry":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      ],
      ['10 000 levels of objects', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`],
    ])('%s, validly signed → 400 problem+json, the process still answers', async (_name, raw) => {
      const before = await events();
      for (const channel of ['whatsapp', 'instagram'] as const) {
        const answer = await signedRaw(channel, raw, channel === 'whatsapp' ? WA_SECRET : IG_SECRET);
        expectProblem(answer, 400);
      }
      const telegramAnswer = await request(`${running.url}/webhooks/telegram`, {
        rawBody: raw,
        headers: { 'X-Telegram-Bot-Api-Secret-Token': TG_SECRET },
      });
      expectProblem(telegramAnswer, 400);
      expectProblem(await request(`${running.url}/webhooks/vk`, { rawBody: raw }), 400);
      expect(await events()).toBe(before);
      await alive();
    });

    it.each([
      ['text/plain', 'not json at all'],
      ['application/x-www-form-urlencoded', 'update_id=1&message=hi'],
      [
        'multipart/form-data; boundary=xx',
        '--xx\r\nContent-Disposition: form-data; name="update_id"\r\n\r\n1\r\n--xx--',
      ],
      ['application/json', ''],
      ['application/json', '"a string"'],
      ['application/json', '42'],
    ])('Telegram with %s body %j → 400 problem+json, nothing stored', async (contentType, rawBody) => {
      const before = await events();
      const answer = await request(`${running.url}/webhooks/telegram`, {
        rawBody,
        headers: { 'content-type': contentType, 'X-Telegram-Bot-Api-Secret-Token': TG_SECRET },
      });
      expectProblem(answer, 400);
      expect(await events()).toBe(before);
    });

    it.each([
      ['an array', '[]'],
      ['a string', '"whatsapp_business_account"'],
      ['an empty object', '{}'],
      ['entries of the wrong type', '{"object":"whatsapp_business_account","entry":"x"}'],
    ])(
      'a validly signed WhatsApp body that is %s: a 2xx that does nothing, or a 400 — never a 500',
      async (_n, raw) => {
        const messages = await count('SELECT count(*) FROM messages');
        const answer = await signedRaw('whatsapp', raw, WA_SECRET);
        expect([200, 400]).toContain(answer.status);
        await alive();
        expect(await count('SELECT count(*) FROM messages')).toBe(messages);
      },
    );
  });

  describe('characters Postgres refuses, from a provider we must not lose', () => {
    it('invalid UTF-8 bytes in a signed WhatsApp text: accepted and stored with replacement characters', async () => {
      const waId = randomWaId();
      const raw = JSON.stringify(waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, text: 'привет MARK' }])));
      const [head, tail] = raw.split('MARK');
      const bytes = Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from(tail)]);
      expect((await signedRaw('whatsapp', bytes, WA_SECRET)).status).toBe(200);
      const [text] = await waitFor(async () => {
        const texts = await inboundTexts('whatsapp', waId);
        return texts.length > 0 && texts;
      });
      expect(text).toMatch(/^привет \uFFFD/);
    });

    it.each([
      ['a NUL', 'запишите\u0000 на стрижку', 'запишите на стрижку'],
      ['a lone surrogate', 'запишите \ud800на стрижку', 'запишите \ufffdна стрижку'],
    ])('%s in a Telegram text and name: 200, stored without it, answered', async (_name, text, stored) => {
      const user = updates.user(++telegramUser, `Иван${text.includes('\u0000') ? '\u0000' : '\udc00'}`);
      const answer = await tg(updates.text(user, text));
      expect(answer.status).toBe(200);
      await waitFor(async () => telegram.messagesTo(user.id).length > 0, { what: 'the reply' });
      expect(await inboundTexts('telegram', String(user.id))).toEqual([stored]);
    });

    it('a NUL in a signed WhatsApp text and profile name: 200, stored without it, answered', async () => {
      const waId = randomWaId();
      const answer = await wa(
        waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, name: 'Анна\u0000', text: 'адрес\u0000 подскажите' }])),
      );
      expect(answer.status).toBe(200);
      await waitFor(async () => graph.whatsappTo(waId).length > 0, { what: 'the reply' });
      expect(await inboundTexts('whatsapp', waId)).toEqual(['адрес подскажите']);
    });

    it('a NUL in a VK message: "ok", stored without it', async () => {
      const fromId = ++vkUser;
      const answer = await request(`${running.url}/webhooks/vk`, {
        body: vkMessageNew({ fromId, text: 'цены\u0000 на маникюр' }, { secret: VK_SECRET }),
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('ok');
      await waitFor(async () => (await inboundTexts('vk', String(fromId))).length > 0, { what: 'the message' });
      expect(await inboundTexts('vk', String(fromId))).toEqual(['цены на маникюр']);
    });
  });

  describe('injection through a messenger stays data', () => {
    const PAYLOAD = "'; DROP TABLE leads; -- {{7*7}} ${process.env.ADMIN_API_TOKEN} {service}{phone}";

    it('Telegram text and name are stored verbatim, replies do not evaluate them, the admin API shows text', async () => {
      const user = updates.user(++telegramUser, "Robert'); DROP TABLE contacts;--", '{{7*7}}');
      expect((await tg(updates.text(user, PAYLOAD))).status).toBe(200);
      const [reply] = await waitFor(
        async () => telegram.messagesTo(user.id).length > 0 && telegram.messagesTo(user.id),
        {
          what: 'the reply',
        },
      );
      expect(reply.text).not.toMatch(/49|\{service\}|\{phone\}/);
      expect(reply.text).not.toContain(ADMIN_TOKEN);
      expect(await inboundTexts('telegram', String(user.id))).toEqual([PAYLOAD]);

      const lead = await waitFor(
        async () =>
          (
            await db.query(
              `SELECT l.id FROM leads l JOIN conversations c ON c.id = l.conversation_id
                WHERE c.channel = 'telegram' AND c.external_thread_id = $1`,
              [String(user.id)],
            )
          ).rows[0],
        { what: 'the lead' },
      );
      const detail = await request(`${running.url}/api/admin/v1/leads/${lead.id}`, { admin: true });
      expect(detail.status).toBe(200);
      expect(detail.body.contact.name).toBe("Robert'); DROP TABLE contacts;-- {{7*7}}");
      expect(JSON.stringify(detail.body)).toContain(JSON.stringify(PAYLOAD).slice(1, -1));
      expect(await count("SELECT count(*) FROM pg_tables WHERE tablename IN ('leads','contacts')")).toBe(2);
    });
  });
});
