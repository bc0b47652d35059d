import type { Client } from 'pg';
import { FakeTelegram, TelegramUpdates } from '../fakes/telegram/fake-telegram';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const SECRET = 'tg-webhook-secret-0123456789abcdef';

/**
 * Telegram allows a bot about one message a second per chat. A reply that must wait for its chat's turn waits as a
 * delayed job, not in a worker slot: with a single reply slot, a website visitor's answer still goes out at once
 * while one Telegram chat's replies are spaced out.
 */
describe("one chat's rate limit does not hold the other conversations' replies", () => {
  const fake = new FakeTelegram();
  const updates = new TelegramUpdates();
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    const env = testEnv({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_BASE: await fake.start(),
      QUEUE_CONCURRENCY: '1', // one reply at a time in this process: a waiting reply would block all the others
      TRIAGE_CONCURRENCY: '10',
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await fake.stop();
  });

  it('spaces one Telegram chat to its limit while a webchat reply goes out meanwhile, no try spent on waiting', async () => {
    const user = updates.user(320000001, 'Ольга');
    const questions = [
      'сколько стоит стрижка?',
      'а окрашивание?',
      'где вы находитесь?',
      'до скольки работаете?',
      'а в воскресенье?',
    ];
    for (const text of questions) {
      const answer = await request(`${running.url}/webhooks/telegram`, {
        body: updates.text(user, text),
        headers: { 'X-Telegram-Bot-Api-Secret-Token': SECRET },
      });
      expect(answer.status).toBe(200);
    }
    // The chat's burst is spent by the first replies; the rest wait their turn.
    await waitFor(async () => fake.messagesTo(user.id).length >= 2, { what: 'the first Telegram replies' });

    const sessionId = webchatId('s');
    const posted = Date.now();
    await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId, clientMessageId: webchatId('m'), text: 'сколько стоит маникюр?' },
    });
    await waitFor(
      async () => {
        const { body } = await request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
        return body.messages.some((m: { from: string }) => m.from === 'bot');
      },
      { what: 'the webchat reply' },
    );
    const webchatAnsweredAt = Date.now();

    const telegram = await waitFor(
      async () => fake.messagesTo(user.id).length >= questions.length && fake.messagesTo(user.id),
      { what: 'every Telegram reply', timeoutMs: 15_000 },
    );
    expect(webchatAnsweredAt - posted).toBeLessThan(1500);
    expect(webchatAnsweredAt).toBeLessThan(telegram[telegram.length - 1].at);
    // The chat's bucket: a burst of 2, then a token a second, on Redis's clock. The n-th reply after the burst
    // leaves no earlier than n seconds after the first one (slack: the fake may see the first one late).
    const first = telegram[0].at;
    telegram.slice(2).forEach((message, n) => expect(message.at - first).toBeGreaterThanOrEqual((n + 1) * 1000 - 200));
    expect(telegram[telegram.length - 1].at - first).toBeLessThan(questions.length * 1000); // and not much slower

    // The fake has the last message before its job's transaction commits: wait for the rows, not the fake.
    const rows = await waitFor(
      async () => {
        const { rows: done } = await db.query(
          `SELECT o.attempts FROM outbox o JOIN messages m ON m.id = (o.payload ->> 'messageId')::uuid
           JOIN conversations c ON c.id = m.conversation_id
           WHERE o.topic = 'reply.send.telegram' AND c.channel = 'telegram' AND o.status = 'done'`,
        );
        return done.length >= questions.length && done;
      },
      { what: 'every Telegram reply job done' },
    );
    expect(rows.map((row) => row.attempts)).toEqual(questions.map(() => 1));
  });

  it("a burst of Telegram replies over the bot's limit waits in its own queue: a website visitor is answered at once", async () => {
    const chats = Array.from({ length: 90 }, (_, k) => updates.user(330000000 + k, 'Клиент'));
    const before = (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE topic = 'reply.send.telegram'`)).rows[0]
      .n;
    await Promise.all(
      chats.map((user) =>
        request(`${running.url}/webhooks/telegram`, {
          body: updates.text(user, 'сколько стоит стрижка?'),
          headers: { 'X-Telegram-Bot-Api-Secret-Token': SECRET },
        }),
      ),
    );
    // Every reply is written and queued before the visitor writes, so the visitor's reply would queue behind them
    // if replies shared one queue.
    await waitFor(
      async () =>
        (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE topic = 'reply.send.telegram'`)).rows[0].n >=
        before + chats.length,
      { what: 'the 90 Telegram replies queued', timeoutMs: 20_000 },
    );
    const sentBefore = chats.filter((user) => fake.messagesTo(user.id).length > 0).length;

    const sessionId = webchatId('s');
    const posted = Date.now();
    await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId, clientMessageId: webchatId('m'), text: 'где вы находитесь?' },
    });
    await waitFor(
      async () => {
        const { body } = await request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
        return body.messages.some((m: { from: string }) => m.from === 'bot');
      },
      { what: 'the webchat reply' },
    );
    expect(Date.now() - posted).toBeLessThan(1500);

    await waitFor(async () => chats.every((user) => fake.messagesTo(user.id).length === 1), {
      what: 'a reply in every Telegram chat',
      timeoutMs: 20_000,
    });
    expect(sentBefore).toBeLessThan(chats.length); // the visitor did write while Telegram replies were waiting
    const times = chats.map((user) => fake.messagesTo(user.id)[0].at).sort((a, b) => a - b);
    // Telegram's ~30 messages a second for the bot: 90 replies take at least two seconds.
    expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(2000);
    // ...and the wait costs no tries: each reply went out on its first.
    const { rows } = await db.query(
      `SELECT o.attempts FROM outbox o JOIN messages m ON m.id = (o.payload ->> 'messageId')::uuid
       JOIN conversations c ON c.id = m.conversation_id
       WHERE o.topic = 'reply.send.telegram' AND c.external_thread_id = ANY($1) AND o.status = 'done'`,
      [chats.map((user) => String(user.id))],
    );
    expect(rows).toHaveLength(chats.length);
    expect(rows.every((row) => row.attempts === 1)).toBe(true);
  });
});
