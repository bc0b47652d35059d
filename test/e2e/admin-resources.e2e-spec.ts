import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Client } from 'pg';
import { startTracing, stopTracing } from '../../src/observability/tracing';
import { FakeTelegram, unauthorized } from '../fakes/telegram/fake-telegram';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const API = '/api/admin/v1';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** Credentials of integrations the suite switches on: none of them may ever appear in an admin answer. */
const SECRETS = {
  TELEGRAM_WEBHOOK_SECRET: 'tg-webhook-secret-4f1c9a7e2b',
  WHATSAPP_TOKEN: 'EAAGfakeWhatsappToken9d8c7b6a5',
  WHATSAPP_APP_SECRET: 'wa-app-secret-1a2b3c4d5e6f',
  WHATSAPP_VERIFY_TOKEN: 'wa-verify-token-6f5e4d3c',
  VK_ACCESS_TOKEN: 'vk1.a.fakeCommunityToken77aa88bb',
  VK_SECRET: 'vk-callback-secret-0c0d0e',
  VK_CONFIRMATION_CODE: 'vkconfirm9f8e7d',
  SMSRU_API_ID: 'SMSRU-FAKE-API-ID-5b6c7d8e',
  OPENAI_API_KEY: 'sk-fake-openai-key-3e4f5a6b7c',
};

interface ChatLine {
  from: 'client' | 'bot';
  text: string;
}

describe('admin: profile, scenarios, leads, conversations, integrations', () => {
  const telegram = new FakeTelegram();
  let running: RunningApp;
  let db: Client;
  let admin: <T = any>(path: string, init?: { method?: string; body?: unknown }) => ReturnType<typeof request<T>>;

  beforeAll(async () => {
    // Spans are made (and dropped), so the outbox rows carry a traceparent as with an exporter in production.
    startTracing({ spanProcessors: [new NoopSpanProcessor()] });
    const telegramUrl = await telegram.start();
    const env = testEnv({
      BUSINESS_PRESET: 'salon',
      TZ_BUSINESS: 'Asia/Krasnoyarsk',
      TRIAGE_CLASSIFIER: 'rules',
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_BASE: telegramUrl,
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      VK_GROUP_ID: '229876543',
      ...SECRETS,
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
    admin = (path, init = {}) => request(`${running.url}${API}${path}`, { ...init, admin: true });
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await telegram.stop();
    await stopTracing();
  });

  async function transcript(session: string): Promise<ChatLine[]> {
    const { body } = await request(`${running.url}/api/v1/webchat/sessions/${session}/messages`);
    return body.messages ?? [];
  }

  /** A client writes in the website chat; resolves once triage has acted on the message (replied or not). */
  async function clientWrites(session: string, text: string): Promise<{ messageId: string; conversationId: string }> {
    const accepted = await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId: session, clientMessageId: webchatId('m'), text },
    });
    expect(accepted.status).toBe(202);
    await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT 1 FROM outbox WHERE topic = 'triage.process' AND payload->>'messageId' = $1 AND status = 'done'`,
          [accepted.body.messageId],
        );
        return rows.length > 0;
      },
      { what: `triage of «${text}»` },
    );
    return accepted.body;
  }

  async function botSays(session: string, count: number): Promise<ChatLine[]> {
    return waitFor(
      async () => {
        const bot = (await transcript(session)).filter((line) => line.from === 'bot');
        return bot.length >= count && bot;
      },
      { what: `${count} bot message(s)` },
    );
  }

  async function leadOf(conversationId: string): Promise<any> {
    const { rows } = await db.query('SELECT id FROM leads WHERE conversation_id = $1', [conversationId]);
    return (await admin(`/leads/${rows[0].id}`)).body;
  }

  const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field).sort();

  describe('business profile', () => {
    it('runs on the environment until saved, then answers what was saved', async () => {
      const before = await admin('/profile');
      expect(before.status).toBe(200);
      expect(before.body).toEqual({
        name: null,
        address: null,
        phone: null,
        hours: null,
        hoursText: null,
        timeZone: 'Asia/Krasnoyarsk',
        preset: 'salon',
        website: null,
        updatedAt: null,
      });

      const saved = await admin('/profile', {
        method: 'PUT',
        body: {
          name: '  Салон «Волна» ',
          address: 'Красноярск, ул. Карла Маркса, 95',
          phone: '8 (391) 200-00-00',
          hours: {
            weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '21:00' })),
          },
          website: 'https://volna-salon.ru',
        },
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        name: 'Салон «Волна»',
        phone: '+73912000000',
        hoursText: 'пн–пт 9:00–21:00; сб, вс выходной',
        timeZone: 'Asia/Krasnoyarsk',
        preset: 'salon',
        updatedAt: expect.any(String),
      });
      expect((await admin('/profile')).body).toEqual(saved.body);
    });

    it('400 with the fields at fault', async () => {
      const invalid = await admin('/profile', {
        method: 'PUT',
        body: {
          name: '',
          phone: 'позвоните',
          timeZone: 'Mars/Olympus',
          preset: 'bakery',
          website: 'volna-salon',
          hours: { weekly: [{ weekday: 8, start: '25:00', end: '21:00' }] },
          colour: 'blue',
        },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.contentType).toContain('application/problem+json');
      expect(fields(invalid.body)).toEqual(
        [
          'colour',
          'hours.weekly.0.start',
          'hours.weekly.0.weekday',
          'name',
          'phone',
          'preset',
          'timeZone',
          'website',
        ].sort(),
      );

      const overlapping = await admin('/profile', {
        method: 'PUT',
        body: {
          name: 'Волна',
          hours: {
            weekly: [
              { weekday: 2, start: '09:00', end: '14:00' },
              { weekday: 2, start: '13:00', end: '20:00' },
            ],
          },
        },
      });
      expect(overlapping.status).toBe(400);
      expect(overlapping.body.errors).toEqual([
        { field: 'hours.weekly.1', message: 'hours.weekly.1 overlaps weekly.0' },
      ]);
      expect((await admin('/profile', { method: 'PUT', body: { name: 'Волна', hours: {} } })).body.errors).toEqual([
        { field: 'hours', message: 'hours needs a text, a weekly schedule or both' },
      ]);
    });
  });

  describe('scenarios', () => {
    it('lists every intent on its preset defaults', async () => {
      const list = await admin('/scenarios');
      expect(list.status).toBe(200);
      expect(list.body.items.map((s: any) => s.intent)).toEqual([
        'booking',
        'cancel',
        'reschedule',
        'price',
        'address',
        'consultation',
        'human',
        'complaint',
        'other',
      ]);
      const cancel = list.body.items.find((s: any) => s.intent === 'cancel');
      expect(cancel).toEqual({
        intent: 'cancel',
        enabled: true,
        replyTemplate: expect.stringContaining('отменяем запись {date}.'),
        source: 'preset',
        presetTemplate: cancel.replyTemplate,
        requiredDetails: [],
        escalate: false,
        updatedAt: null,
      });
      expect(list.body.items.find((s: any) => s.intent === 'complaint').escalate).toBe(true);
      const one = await admin('/scenarios/booking');
      expect(one.body).toMatchObject({ intent: 'booking', requiredDetails: ['service', 'date', 'time', 'phone'] });
    });

    it('404 for an intent without a scenario', async () => {
      for (const intent of ['spam', 'weather']) {
        const answer = await admin(`/scenarios/${intent}`);
        expect(answer.status).toBe(404);
        expect(answer.contentType).toContain('application/problem+json');
        expect(
          (
            await admin(`/scenarios/${intent}`, {
              method: 'PUT',
              body: { enabled: true, requiredDetails: [], escalate: false },
            })
          ).status,
        ).toBe(404);
      }
    });

    it('400 naming the unknown variable, the unbalanced brace and the other fields at fault', async () => {
      const put = (body: unknown, intent = 'price') => admin(`/scenarios/${intent}`, { method: 'PUT', body });
      const unknownVariable = await put({
        enabled: true,
        replyTemplate: 'Маникюр стоит {price} ₽',
        requiredDetails: [],
        escalate: false,
      });
      expect(unknownVariable.status).toBe(400);
      expect(unknownVariable.body.errors).toEqual([
        { field: 'replyTemplate', message: expect.stringContaining('unknown variable {price}') },
      ]);
      const unbalanced = await put({
        enabled: true,
        replyTemplate: 'Ждём {name!',
        requiredDetails: [],
        escalate: false,
      });
      expect(unbalanced.body.errors).toEqual([
        { field: 'replyTemplate', message: expect.stringContaining('unclosed "{" at position 6') },
      ]);
      const stray = await put({ enabled: true, replyTemplate: 'Ждём name}', requiredDetails: [], escalate: false });
      expect(stray.body.errors[0].message).toContain('unmatched "}" at position 10');

      const badFields = await put({ enabled: 'yes', requiredDetails: ['service', 'passport'], escalate: 1 });
      expect(badFields.status).toBe(400);
      expect(fields(badFields.body)).toEqual(['enabled', 'escalate', 'requiredDetails']);

      const humanIntent = await put({ enabled: true, requiredDetails: [], escalate: false }, 'complaint');
      expect(humanIntent.body.errors).toEqual([{ field: 'escalate', message: expect.stringContaining('complaint') }]);
    });

    it('saves a custom template and goes back to the preset with replyTemplate null', async () => {
      const custom = await admin('/scenarios/other', {
        method: 'PUT',
        body: {
          enabled: true,
          replyTemplate: 'Добрый день, {name}! Чем помочь?',
          requiredDetails: [],
          escalate: false,
        },
      });
      expect(custom.status).toBe(200);
      expect(custom.body).toMatchObject({ source: 'custom', replyTemplate: 'Добрый день, {name}! Чем помочь?' });
      expect(custom.body.updatedAt).toEqual(expect.any(String));
      const reset = await admin('/scenarios/other', {
        method: 'PUT',
        body: { enabled: true, replyTemplate: null, requiredDetails: [], escalate: false },
      });
      expect(reset.body).toMatchObject({ source: 'preset', replyTemplate: reset.body.presetTemplate });
    });

    it("words the bot's reply with the scenario template and the profile", async () => {
      await admin('/scenarios/address', {
        method: 'PUT',
        body: {
          enabled: true,
          replyTemplate: 'Ждём вас: {address}. Работаем {hours}.',
          requiredDetails: [],
          escalate: false,
        },
      });
      const session = webchatId('addr');
      await clientWrites(session, 'подскажите адрес салона');
      const [reply] = await botSays(session, 1);
      expect(reply.text).toBe(
        'Ждём вас: Красноярск, ул. Карла Маркса, 95. Работаем пн–пт 9:00–21:00; сб, вс выходной.',
      );
    });

    it('a disabled scenario stops the reply to its intent, and the lead is still recorded', async () => {
      const off = await admin('/scenarios/address', {
        method: 'PUT',
        body: { enabled: false, replyTemplate: null, requiredDetails: [], escalate: false },
      });
      expect(off.body).toMatchObject({ enabled: false });
      const session = webchatId('quiet');
      const { conversationId } = await clientWrites(session, 'где вы находитесь?');
      const lead = await leadOf(conversationId);
      expect(lead.intent).toBe('address');
      expect(lead.transcript.map((m: any) => m.author)).toEqual(['client']);
      expect(await transcript(session)).toHaveLength(1);

      // Other intents still get their answer.
      const other = webchatId('still');
      await clientWrites(other, 'привет');
      expect((await botSays(other, 1))[0].text).toContain('помощник администратора');
      await admin('/scenarios/address', {
        method: 'PUT',
        body: { enabled: true, replyTemplate: null, requiredDetails: [], escalate: false },
      });
    });

    it('an escalating scenario hands the conversation to a person', async () => {
      await admin('/scenarios/price', {
        method: 'PUT',
        body: { enabled: true, replyTemplate: null, requiredDetails: [], escalate: true },
      });
      const session = webchatId('esc');
      const { conversationId } = await clientWrites(session, 'сколько стоит маникюр?');
      const [reply] = await botSays(session, 1);
      expect(reply.text).toContain('Передаю ваш вопрос специалисту');

      const handedOff = await admin(`/conversations?handedOff=true`);
      expect(handedOff.body.items).toEqual([
        expect.objectContaining({ id: conversationId, handoffReason: 'scenario', handedOffSince: expect.any(String) }),
      ]);
      expect((await leadOf(conversationId)).status).toBe('escalated');
      await admin('/scenarios/price', {
        method: 'PUT',
        body: { enabled: true, replyTemplate: null, requiredDetails: [], escalate: false },
      });
    });
  });

  describe('leads', () => {
    let booking: { messageId: string; conversationId: string };

    beforeAll(async () => {
      const session = webchatId('lead');
      booking = await clientWrites(session, 'Здравствуйте, я Марина, запишите на маникюр в пятницу в 3');
      await botSays(session, 1);
      await waitFor(async () => (await leadOf(booking.conversationId)).crm.status === 'delivered', {
        what: 'the lead filed in the local CRM',
      });
    });

    it('filters the list, keeping the page shape', async () => {
      const all = await admin('/leads');
      expect(all.body).toMatchObject({ page: 1, pageSize: 50, total: expect.any(Number) });
      expect(all.body.total).toBeGreaterThanOrEqual(5);

      const bookings = await admin('/leads?intent=booking&channel=webchat');
      expect(bookings.body.items.map((lead: any) => lead.intent)).toEqual(['booking']);
      expect(bookings.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
      const escalated = await admin('/leads?status=escalated');
      expect(escalated.body.items.every((lead: any) => lead.status === 'escalated')).toBe(true);
      expect(escalated.body.total).toBeGreaterThanOrEqual(1);
      const cold = await admin('/leads?urgency=cold&pageSize=1&page=1');
      expect(cold.body.items).toHaveLength(1);
      expect(cold.body.items[0].urgency).toBe('cold');

      const createdAt = new Date(bookings.body.items[0].createdAt);
      const window = (from: Date, to: Date) =>
        admin(`/leads?intent=booking&from=${from.toISOString()}&to=${to.toISOString()}`);
      expect((await window(new Date(createdAt.getTime() - 1000), new Date(createdAt.getTime() + 1))).body.total).toBe(
        1,
      );
      expect((await window(new Date(createdAt.getTime() + 1), new Date(createdAt.getTime() + 60_000))).body.total).toBe(
        0,
      );
      expect((await admin('/leads?channel=telegram')).body).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
    });

    it('400 with the fields for bad filters', async () => {
      const bad = await admin('/leads?status=lost&channel=fax&intent=weather&urgency=warm&from=yesterday&page=0');
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(['channel', 'from', 'intent', 'page', 'status', 'urgency']);
      const backwards = await admin('/leads?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z');
      expect(backwards.body.errors).toEqual([{ field: 'to', message: 'to must be later than from' }]);
    });

    it('shows one lead: contact, transcript with triage, CRM state and the trace id', async () => {
      const lead = await leadOf(booking.conversationId);
      expect(lead).toMatchObject({
        conversationId: booking.conversationId,
        channel: 'webchat',
        intent: 'booking',
        status: expect.any(String),
        details: expect.objectContaining({ service: 'маникюр' }),
        contact: { id: expect.any(String), name: null, phone: null },
        crm: {
          provider: 'local',
          status: 'delivered',
          attempts: 1,
          externalId: expect.any(String),
          refs: expect.any(Object),
          deliveredAt: expect.any(String),
          lastError: null,
        },
      });
      const [first, reply] = lead.transcript;
      expect(first).toMatchObject({
        id: booking.messageId,
        direction: 'in',
        author: 'client',
        text: 'Здравствуйте, я Марина, запишите на маникюр в пятницу в 3',
        status: 'received',
        sentAt: null,
        triage: expect.objectContaining({ intent: 'booking', slots: expect.objectContaining({ service: 'маникюр' }) }),
      });
      expect(reply).toMatchObject({
        direction: 'out',
        author: 'bot',
        status: 'sent',
        sentAt: expect.any(String),
        deliveredVia: null,
        triage: null,
      });

      expect(lead.traceId).toMatch(/^[0-9a-f]{32}$/);
      const { rows } = await db.query(
        `SELECT trace_context->>'traceparent' AS traceparent FROM outbox WHERE payload->>'messageId' = $1`,
        [booking.messageId],
      );
      expect(rows[0].traceparent).toContain(`-${lead.traceId}-`);
    });

    it('404 for an unknown lead, 400 for a malformed id', async () => {
      const unknown = await admin(`/leads/${UNKNOWN_ID}`);
      expect(unknown.status).toBe(404);
      expect(unknown.contentType).toContain('application/problem+json');
      const malformed = await admin('/leads/42');
      expect(malformed.status).toBe(400);
      expect(fields(malformed.body)).toEqual(['id']);
    });
  });

  describe('conversations', () => {
    it('lists conversations, all or by whether a person has them', async () => {
      const all = await admin('/conversations');
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ page: 1, pageSize: 50, total: expect.any(Number) });
      expect(Object.keys(all.body.items[0]).sort()).toEqual(
        ['channel', 'contact', 'createdAt', 'handedOffSince', 'handoffReason', 'id', 'lastMessageAt'].sort(),
      );
      expect(all.body.items[0]).toMatchObject({
        channel: 'webchat',
        contact: { id: expect.any(String), phone: null },
        lastMessageAt: expect.any(String),
      });
      const times = all.body.items.map((c: any) => c.lastMessageAt);
      expect([...times].sort().reverse()).toEqual(times);

      const taken = await admin('/conversations?handedOff=true');
      const free = await admin('/conversations?handedOff=false');
      expect(taken.body.items.length).toBeGreaterThan(0);
      expect(taken.body.items.every((c: any) => c.handedOffSince !== null)).toBe(true);
      expect(free.body.items.every((c: any) => c.handedOffSince === null && c.handoffReason === null)).toBe(true);
      expect(taken.body.total + free.body.total).toBe(all.body.total);

      const bad = await admin('/conversations?handedOff=maybe&pageSize=0');
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(['handedOff', 'pageSize']);
    });

    it("sends a manager's reply through the outbox to the client's chat", async () => {
      const session = webchatId('manager');
      const { conversationId } = await clientWrites(session, 'позовите администратора, пожалуйста');
      await botSays(session, 1);

      const sent = await admin(`/conversations/${conversationId}/reply`, {
        method: 'POST',
        body: { text: '  Здравствуйте! Это Анна, администратор. Чем помочь?  ' },
      });
      expect(sent.status).toBe(202);
      expect(sent.body).toEqual({ messageId: expect.any(String) });

      const lines = await botSays(session, 2);
      expect(lines[1].text).toBe('Здравствуйте! Это Анна, администратор. Чем помочь?');
      const lead = await leadOf(conversationId);
      expect(lead.transcript.at(-1)).toMatchObject({
        id: sent.body.messageId,
        direction: 'out',
        author: 'manager',
        status: 'sent',
      });
      const { rows } = await db.query(
        `SELECT status FROM outbox WHERE topic LIKE 'reply.send.%' AND payload->>'messageId' = $1`,
        [sent.body.messageId],
      );
      expect(rows).toEqual([{ status: 'done' }]);
    });

    it('400 for an empty text or a malformed id, 404 for an unknown conversation', async () => {
      const empty = await admin(`/conversations/${UNKNOWN_ID}/reply`, { method: 'POST', body: { text: '   ' } });
      expect(empty.status).toBe(400);
      expect(fields(empty.body)).toEqual(['text']);
      const malformed = await admin('/conversations/abc/reply', { method: 'POST', body: { text: 'Здравствуйте' } });
      expect(malformed.status).toBe(400);
      expect(fields(malformed.body)).toEqual(['conversationId']);
      const unknown = await admin(`/conversations/${UNKNOWN_ID}/reply`, { method: 'POST', body: { text: 'Алло' } });
      expect(unknown.status).toBe(404);
      expect(unknown.contentType).toContain('application/problem+json');
    });
  });

  describe('integrations', () => {
    const secretValues = () => [...Object.values(SECRETS), telegram.token, telegram.token.split(':')[1]];

    it('says what is configured and whether Telegram answers, and never a secret', async () => {
      const answer = await admin('/integrations');
      expect(answer.status).toBe(200);
      const channels = Object.fromEntries(answer.body.channels.map((c: any) => [c.name, c]));
      expect(channels.webchat).toMatchObject({ configured: true, missing: [] });
      expect(channels.telegram).toEqual({
        name: 'telegram',
        configured: true,
        missing: [],
        reachable: true,
        detail: `getMe: @${telegram.bot.username}`,
      });
      expect(channels.whatsapp).toMatchObject({ configured: true, reachable: null });
      expect(channels.vk).toMatchObject({ configured: true, reachable: null });
      expect(channels.instagram).toMatchObject({
        configured: false,
        missing: ['INSTAGRAM_ACCESS_TOKEN', 'INSTAGRAM_APP_SECRET', 'INSTAGRAM_VERIFY_TOKEN'],
      });
      expect(answer.body.crm).toMatchObject({ provider: 'local', configured: true });
      expect(answer.body.llm).toMatchObject({ classifier: 'rules', model: null, configured: true });
      expect(answer.body.sms).toMatchObject({ provider: 'smsru', configured: true });
      expect(answer.body.managerAlerts.map((a: any) => [a.name, a.configured])).toEqual([
        ['telegram', false],
        ['webhook', false],
      ]);
      expect(telegram.calls('getMe')).not.toHaveLength(0);

      const text = JSON.stringify(answer.body);
      for (const secret of secretValues()) expect(text).not.toContain(secret);
    });

    it('reports a failing check without the token, and gives up after 2 s', async () => {
      telegram.failNext(unauthorized());
      const refused = await admin('/integrations');
      const failed = refused.body.channels.find((c: any) => c.name === 'telegram');
      expect(failed).toMatchObject({ reachable: false, detail: 'getMe answered HTTP 401: Unauthorized' });

      telegram.failNext('hang');
      const started = Date.now();
      const hung = await admin('/integrations');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(hung.body.channels.find((c: any) => c.name === 'telegram')).toMatchObject({
        reachable: false,
        detail: 'no answer within 2000 ms',
      });
      for (const answer of [refused, hung]) {
        const text = JSON.stringify(answer.body);
        for (const secret of secretValues()) expect(text).not.toContain(secret);
      }
    });
  });

  it('requires the admin token on every new route', async () => {
    for (const [method, path] of [
      ['GET', '/profile'],
      ['PUT', '/profile'],
      ['GET', '/scenarios'],
      ['PUT', '/scenarios/price'],
      ['GET', `/leads/${UNKNOWN_ID}`],
      ['GET', '/conversations'],
      ['POST', `/conversations/${UNKNOWN_ID}/reply`],
      ['GET', '/integrations'],
    ]) {
      const answer = await request(`${running.url}${API}${path}`, { method, body: method === 'GET' ? undefined : {} });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 401 });
    }
  });
});
