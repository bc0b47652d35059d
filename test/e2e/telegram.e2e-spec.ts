import type { Update, User } from '@grammyjs/types';
import type { Client } from 'pg';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';
import {
  FakeTelegram,
  floodWait,
  internalError,
  sendMessageTo,
  TelegramUpdates,
} from '../fakes/telegram/fake-telegram';

const SECRET = 'tg-webhook-secret-0123456789abcdef';

describe('Telegram: updates become replies in the chat and leads', () => {
  const fake = new FakeTelegram();
  const updates = new TelegramUpdates();
  let running: RunningApp;
  let db: Client;
  let userId = 310000000;

  beforeAll(async () => {
    const base = await fake.start();
    const env = testEnv({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_BASE: base });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await fake.stop();
  });

  const newClient = (firstName = 'Иван', lastName?: string, username?: string): User =>
    updates.user(++userId, firstName, lastName, username);
  const deliver = (update: unknown, secret: string | null = SECRET) =>
    request(`${running.url}/webhooks/telegram`, {
      body: update,
      headers: secret === null ? {} : { 'X-Telegram-Bot-Api-Secret-Token': secret },
    });
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].count);
  const eventsOf = (update: Update) =>
    count("SELECT count(*) FROM inbound_events WHERE channel = 'telegram' AND event_key = $1", [
      String(update.update_id),
    ]);
  const inboundOf = (user: User) =>
    db.query(
      `SELECT m.text, m.attachment FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.channel = 'telegram' AND c.external_thread_id = $1 AND m.direction = 'in' ORDER BY m.created_at`,
      [String(user.id)],
    );
  const leadOf = async (user: User) =>
    (
      await db.query(
        `SELECT l.* FROM leads l JOIN conversations c ON c.id = l.conversation_id
          WHERE c.channel = 'telegram' AND c.external_thread_id = $1`,
        [String(user.id)],
      )
    ).rows;
  const replies = (user: User, atLeast = 1) =>
    waitFor(
      async () => {
        const sent = fake.messagesTo(user.id);
        return sent.length >= atLeast && sent;
      },
      { what: `${atLeast} reply(ies) in chat ${user.id}` },
    );
  const rejected = async (reason: string) => {
    const { body } = await request<string>(`${running.url}/metrics`);
    const line = body
      .split('\n')
      .find((l) => l.startsWith(`volna_webhook_rejected_total{channel="telegram",reason="${reason}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  /** All channel work of the run is finished (manager alerts wait out their grouping window, so they are left out). */
  const settled = () =>
    waitFor(
      async () =>
        (await count(
          `SELECT count(*) FROM outbox WHERE status = 'pending'
            AND topic IN ('inbound.process', 'inbound.ack', 'triage.process', 'reply.send.telegram', 'reply.fallback')`,
        )) === 0,
      { what: 'channel work done' },
    );

  it('a text message gets a reply in the same chat and one lead', async () => {
    const user = newClient('Иван', 'Петров', 'ivan_petrov');
    const update = updates.text(user, 'Здравствуйте, хочу записаться на стрижку');

    const answer = await deliver(update);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({});

    const [reply] = await replies(user);
    expect(reply.text).toMatch(/стрижк/i);
    const leads = await waitFor(async () => {
      const rows = await leadOf(user);
      return rows.length > 0 && rows;
    });
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ channel: 'telegram', intent: 'booking' });
    const contact = (await db.query('SELECT name FROM contacts WHERE id = $1', [leads[0].contact_id])).rows[0];
    expect(contact.name).toBe('Иван Петров');
    const identity = (
      await db.query(
        "SELECT external_id, profile FROM contact_identities WHERE channel = 'telegram' AND contact_id = $1",
        [leads[0].contact_id],
      )
    ).rows;
    expect(identity).toEqual([{ external_id: String(user.id), profile: { username: 'ivan_petrov' } }]);
  });

  it('the same update delivered 5 times, one after another and at once: one message, one reply, one lead', async () => {
    const user = newClient('Мария');
    const update = updates.text(user, 'Сколько стоит окрашивание?');

    const first = await Promise.all(Array.from({ length: 5 }, () => deliver(update)));
    const again = [];
    for (let i = 0; i < 5; i++) again.push(await deliver(update));
    expect([...first, ...again].map((a) => a.status)).toEqual(Array(10).fill(200));

    await replies(user);
    await settled();
    expect(fake.messagesTo(user.id)).toHaveLength(1);
    expect(await eventsOf(update)).toBe(1);
    expect((await inboundOf(user)).rowCount).toBe(1);
    expect(await leadOf(user)).toHaveLength(1);
  });

  describe('the secret header', () => {
    it.each([
      ['missing', 401, null, 'missing-secret'],
      ['wrong', 403, 'tg-webhook-secret-0123456789abcdeX', 'bad-secret'],
      ['empty', 403, '', 'bad-secret'],
    ])('%s → %i problem+json, nothing stored, the refusal counted', async (_name, status, secret, reason) => {
      const before = await count('SELECT count(*) FROM inbound_events');
      const rejectedBefore = await rejected(reason);
      const update = updates.text(newClient(), 'Здравствуйте');
      const answer = await deliver(update, secret);

      expect(answer.status).toBe(status);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status, instance: '/webhooks/telegram' });
      expect(JSON.stringify(answer.body)).not.toContain(SECRET);
      expect(await count('SELECT count(*) FROM inbound_events')).toBe(before);
      expect(await rejected(reason)).toBe(rejectedBefore + 1);
    });
  });

  it('a 429 with retry_after is waited out before the reply goes', async () => {
    const user = newClient('Олег');
    let refusedAt = 0;
    fake.failNext(floodWait(2), 1, (r) => {
      const hit = sendMessageTo(user.id)(r);
      if (hit) refusedAt = Date.now();
      return hit;
    });
    await deliver(updates.text(user, 'Здравствуйте, где вы находитесь?'));

    const [reply] = await replies(user);
    expect(fake.calls('sendMessage').filter((r) => String(r.body.chat_id) === String(user.id))).toHaveLength(2);
    expect(refusedAt).toBeGreaterThan(0);
    expect(reply.at - refusedAt).toBeGreaterThanOrEqual(2000);
  });

  it('a 5xx is retried until the reply goes', async () => {
    const user = newClient('Пётр');
    fake.failNext(internalError(), 2, sendMessageTo(user.id));
    await deliver(updates.text(user, 'Добрый день'));
    await replies(user);
    expect(fake.calls('sendMessage').filter((r) => String(r.body.chat_id) === String(user.id))).toHaveLength(3);
  });

  it('403 (the client blocked the bot) marks the contact unreachable in Telegram and stops trying', async () => {
    const user = newClient('Света');
    fake.blockBot(user.id);
    await deliver(updates.text(user, 'Здравствуйте, хочу на маникюр'));

    const identity = await waitFor(
      async () =>
        (
          await db.query(
            "SELECT unreachable_at, unreachable_reason FROM contact_identities WHERE channel = 'telegram' AND external_id = $1",
            [String(user.id)],
          )
        ).rows.find((row) => row.unreachable_at),
      { what: 'contact marked unreachable' },
    );
    expect(identity.unreachable_reason).toMatch(/blocked/);
    await settled();
    expect(fake.calls('sendMessage').filter((r) => String(r.body.chat_id) === String(user.id))).toHaveLength(1);
    expect(fake.messagesTo(user.id)).toHaveLength(0);
    expect(await leadOf(user)).toHaveLength(1);
  });

  it('a button press is answered (answerCallbackQuery) and its label becomes the client’s message', async () => {
    const user = newClient('Анна');
    await deliver(updates.text(user, 'Здравствуйте'));
    const [menu] = await replies(user);
    const labels = menu.replyMarkup?.inline_keyboard.flat().map((button) => button.text) ?? [];
    expect(labels).toContain('Узнать цены');

    const press = updates.press(user, menu, 'Узнать цены');
    expect((await deliver(press)).status).toBe(200);

    const callbackId = (press as { callback_query: { id: string } }).callback_query.id;
    await waitFor(async () => fake.answeredCallbackQueries.some((q) => q.id === callbackId), {
      what: 'answerCallbackQuery',
    });
    await replies(user, 2);
    expect((await inboundOf(user)).rows.map((row) => row.text)).toEqual(['Здравствуйте', 'Узнать цены']);

    expect((await deliver(press)).status).toBe(200); // Telegram's retry of the press
    await settled();
    expect(fake.answeredCallbackQueries.filter((q) => q.id === callbackId)).toHaveLength(1);
    expect(fake.messagesTo(user.id)).toHaveLength(2);
  });

  it('a shared contact gives the client’s phone', async () => {
    const user = newClient('Ирина');
    await deliver(updates.contact(user, '79131234567'));
    await replies(user);
    const contact = await waitFor(async () => {
      const { rows } = await db.query(
        `SELECT ct.phone_e164 FROM contacts ct JOIN contact_identities ci ON ci.contact_id = ct.id
          WHERE ci.channel = 'telegram' AND ci.external_id = $1`,
        [String(user.id)],
      );
      return rows[0];
    });
    expect(contact.phone_e164).toBe('+79131234567');
  });

  it('a voice message gets a polite reply and is flagged for a person', async () => {
    const user = newClient('Дмитрий');
    await deliver(updates.voice(user));

    const [reply] = await replies(user);
    expect(reply.text).toMatch(/голосовые/);
    expect(reply.replyMarkup).toBeUndefined();
    const lead = await waitFor(async () => (await leadOf(user))[0]);
    expect(lead).toMatchObject({ escalate: true, urgency: 'hot' });
    expect((await inboundOf(user)).rows).toEqual([{ text: '', attachment: 'voice' }]);
  });

  it('updates we do not handle get 200 and nothing is processed', async () => {
    const user = newClient('Кирилл');
    const ignored = [updates.editedText(user, 'исправил текст'), updates.botKicked(user)];
    for (const update of ignored) expect((await deliver(update)).status).toBe(200);

    await waitFor(
      async () =>
        (await count(
          "SELECT count(*) FROM inbound_events WHERE channel = 'telegram' AND event_key = ANY($1) AND processed_at IS NOT NULL",
          [ignored.map((u) => String(u.update_id))],
        )) === 2,
      { what: 'ignored updates processed' },
    );
    expect(
      await count("SELECT count(*) FROM contact_identities WHERE channel = 'telegram' AND external_id = $1", [
        String(user.id),
      ]),
    ).toBe(0);
    expect(fake.messagesTo(user.id)).toHaveLength(0);
  });

  describe('bad bodies', () => {
    const post = (rawBody: string | Buffer) =>
      request(`${running.url}/webhooks/telegram`, {
        rawBody,
        headers: { 'X-Telegram-Bot-Api-Secret-Token': SECRET },
      });

    it('malformed JSON → 400 problem+json', async () => {
      const answer = await post('{"update_id": 1, "message": {');
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
    });

    it.each([
      ['no update_id', { message: { text: 'x' } }],
      ['a string update_id', { update_id: '734501122' }],
      ['a fractional update_id', { update_id: 1.5 }],
      ['an array', [{ update_id: 1 }]],
    ])('%s → 400 problem+json, nothing stored', async (_name, body) => {
      const before = await count('SELECT count(*) FROM inbound_events');
      const answer = await post(JSON.stringify(body));
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      expect(answer.body.errors).toEqual([{ field: 'update_id', message: expect.any(String) }]);
      expect(await count('SELECT count(*) FROM inbound_events')).toBe(before);
    });

    it('a body over 1 MiB → 413', async () => {
      const huge = JSON.stringify({ update_id: 1, message: { text: 'а'.repeat(600 * 1024) } });
      const answer = await post(huge);
      expect(answer.status).toBe(413);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
    });
  });
});
