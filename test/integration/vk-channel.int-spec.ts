import type { Client } from 'pg';
import { VkClient } from '../../src/modules/channels/adapters/vk/vk.client';
import { parseVkCallback } from '../../src/modules/channels/adapters/vk/vk.events';
import { randomIdFor, VkMessenger } from '../../src/modules/channels/adapters/vk/vk.messenger';
import { RecipientUnreachableError } from '../../src/modules/channels/domain/channel-errors';
import type { OutgoingMessage } from '../../src/modules/channels/ports/messenger.port';
import { RedisRateLimiter } from '../../src/redis/redis-rate-limiter';
import { PermanentError, RateLimitedError, TransientError } from '../../src/shared/domain-error';
import { FakeVk, vkCallback, vkConfirmation, vkEventId, vkMessageNew } from '../fakes/vk/fake-vk';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const GROUP_ID = 218000000;
const SECRET = 'vk-callback-secret-0123456789';
const CONFIRMATION_CODE = 'd8f2a6c1';

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

let nextUser = 15000000 + (process.pid % 1000) * 1000;
const newUser = () => (nextUser += 1);

describe('VK messenger against the fake VK API', () => {
  const fake = new FakeVk();
  // A fresh rate-limit bucket per test (its own key prefix): a test must not find the community's burst spent by the
  // tests before it, now that a spent bucket refuses instead of waiting.
  let limiter = new RedisRateLimiter(testEnv());
  let baseUrl: string;
  let messenger: VkMessenger;
  let outboxIds = 0;

  const clientFor = (overrides: Partial<ConstructorParameters<typeof VkClient>[0]> = {}) =>
    new VkClient(
      {
        token: fake.token,
        groupId: String(GROUP_ID),
        apiVersion: '5.199',
        base: fake.apiBase(baseUrl),
        timeoutMs: 500,
        ...overrides,
      },
      limiter,
    );

  const outgoing = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => {
    const peer = newUser();
    outboxIds += 1;
    return {
      messageId: `m-${peer}`,
      outboxId: String(9000 + outboxIds),
      channel: 'vk',
      threadId: String(peer),
      text: 'Здравствуйте! Чем могу помочь?',
      buttons: [],
      recipient: { externalUserId: String(peer), phone: null, lastInboundAt: new Date() },
      ...overrides,
    };
  };

  beforeAll(async () => {
    baseUrl = await fake.start();
  });
  beforeEach(() => {
    limiter.onModuleDestroy();
    limiter = new RedisRateLimiter(testEnv());
    messenger = new VkMessenger(clientFor());
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    limiter.onModuleDestroy();
    await fake.stop();
  });

  it('posts messages.send form-encoded with the token, version, peer and a random_id derived from the outbox row', async () => {
    const message = outgoing();
    const sent = await messenger.send(message);

    const [delivered] = fake.messagesTo(message.threadId);
    expect(sent).toEqual({ providerMessageId: String(delivered.messageId) });
    expect(delivered).toMatchObject({ text: message.text, keyboard: undefined });
    const [call] = fake.sendCalls().slice(-1);
    expect(call.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call.body).toEqual({
      peer_id: message.threadId,
      message: message.text,
      random_id: String(randomIdFor(message)),
      access_token: fake.token,
      v: '5.199',
    });
  });

  it('derives random_id as a stable, non-zero signed 32-bit integer', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => randomIdFor({ outboxId: String(i), messageId: `m-${i}` }));
    expect(ids.every((id) => Number.isInteger(id) && id !== 0 && id >= -(2 ** 31) && id < 2 ** 31)).toBe(true);
    expect(ids.some((id) => id < 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const message = { outboxId: '12345', messageId: '0b6f4c1e-2d7a-4f8e-9c3b-5a1d2e3f4a5b' };
    expect(randomIdFor(message)).toBe(randomIdFor({ ...message }));
    expect(randomIdFor(message)).not.toBe(randomIdFor({ ...message, messageId: 'another' }));
  });

  it('offers buttons as an inline keyboard, and a press reads back as the whole label', async () => {
    const labels = ['Записаться', 'Узнать цены', 'Записаться на завтра в 15:00 к мастеру Анастасии Игоревне'];
    const message = outgoing({ text: 'Что вас интересует?', buttons: labels });
    await messenger.send(message);

    const [delivered] = fake.messagesTo(message.threadId);
    expect(delivered.keyboard.inline).toBe(true);
    expect(delivered.keyboard.buttons).toHaveLength(3);
    for (const [index, label] of labels.entries()) {
      const { action } = delivered.keyboard.buttons[index][0];
      const press = vkMessageNew({ fromId: Number(message.threadId), text: action.label, payload: action.payload });
      expect(parseVkCallback(press)[0]).toMatchObject({ kind: 'message', message: { text: label } });
    }
  });

  it('sending the same outbox row twice sends one message: VK dedupes by random_id', async () => {
    const message = outgoing();
    const first = await messenger.send(message);
    const again = await messenger.send(message);
    expect(again).toEqual(first);
    expect(fake.messagesTo(message.threadId)).toHaveLength(1);
  });

  it('a send whose answer was lost is retried without doubling the message', async () => {
    const message = outgoing();
    fake.failNext('drop-after', 1, (r) => r.path === '/method/messages.send');
    expect(await failureOf(messenger.send(message))).toBeInstanceOf(TransientError);
    expect(fake.messagesTo(message.threadId)).toHaveLength(1);

    const retried = await messenger.send(message);
    expect(fake.messagesTo(message.threadId)).toHaveLength(1);
    expect(retried.providerMessageId).toBe(String(fake.messagesTo(message.threadId)[0].messageId));
  });

  it.each([
    [6, 1000],
    [9, 10_000],
    [10, undefined],
  ])('error %i is transient (retry after %p ms)', async (code, retryAfterMs) => {
    fake.failWith(code);
    const error = await failureOf(messenger.send(outgoing()));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(retryAfterMs);
    expect(error.message).toMatch(new RegExp(`^VK messages.send: error ${code} `));
  });

  it.each([
    [901, 'the client has not allowed messages from the community'],
    [902, "the client's privacy settings forbid messages from the community"],
    [900, 'the client has blacklisted the community'],
  ] as const)('error %i makes the client unreachable', async (code, reason) => {
    const message = outgoing();
    fake.makeUnreachable(Number(message.threadId), code);
    const error = await failureOf(messenger.send(message));
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect((error as RecipientUnreachableError).reason).toBe(reason);
    expect(fake.messagesTo(message.threadId)).toHaveLength(0);
  });

  it.each([
    [5, /error 5 User authorization failed.*renew VK_ACCESS_TOKEN/],
    [15, /error 15 Access denied/],
    [27, /error 27 Group authorization failed/],
    [14, /error 14 Captcha needed/],
    [100, /error 100 One of the parameters/],
    [4242, /error 4242 Unknown error/],
  ])('error %i is permanent', async (code, expected) => {
    fake.failWith(code);
    const error = await failureOf(messenger.send(outgoing()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(RecipientUnreachableError);
    expect(error.message).toMatch(expected);
  });

  it('a revoked token is permanent and never shown', async () => {
    const token = 'vk1.a.Xq9TkWm3RfLp7ZsB2nYdHc8Vg4Ju6Ea0';
    const wrong = new VkMessenger(clientFor({ token }));
    const error = await failureOf(wrong.send(outgoing()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/^VK messages.send: error 5 /);
    expect(error.message).not.toContain(token);
  });

  it('when VK refuses the keyboard (bot capabilities off), the reply goes out without it', async () => {
    const message = outgoing({ buttons: ['Да', 'Нет'] });
    fake.failWith(912);
    const sent = await messenger.send(message);
    const delivered = fake.messagesTo(message.threadId);
    expect(delivered).toHaveLength(1);
    expect(delivered[0].keyboard).toBeUndefined();
    expect(sent.providerMessageId).toBe(String(delivered[0].messageId));
  });

  it.each([
    ['HTTP 502', () => fake.failNext({ status: 502, body: '<html>502 Bad Gateway</html>' }), /HTTP 502/],
    ['a body that is not JSON', () => fake.failNext({ status: 200, body: 'upstream reset' }), /not a VK API answer/],
    ['a dropped connection', () => fake.failNext('drop'), /connection failed/],
    ['no answer', () => fake.failNext('hang'), /no answer within 500 ms/],
  ])('%s is transient, and no error shows the token', async (_name, arrange, expected) => {
    arrange();
    const error = await failureOf(messenger.send(outgoing()));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain(fake.token);
  });

  it('keeps the community within 20 calls per second across callers: the rest are refused with the wait', async () => {
    const own = new VkMessenger(clientFor({ groupId: `${GROUP_ID}${process.pid}` }));
    const results = await Promise.allSettled(Array.from({ length: 26 }, () => own.send(outgoing())));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    // 20 in the burst; the 6 others must wait for tokens that come at 20 per second.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    expect(refused).toHaveLength(6);
    for (const error of refused) {
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
    }
  });
});

describe('VK channel in the app', () => {
  const fake = new FakeVk();
  let running: RunningApp;
  let db: Client;
  let webhook: string;

  beforeAll(async () => {
    const base = await fake.start();
    const env = testEnv({
      VK_ACCESS_TOKEN: fake.token,
      VK_GROUP_ID: String(GROUP_ID),
      VK_SECRET: SECRET,
      VK_CONFIRMATION_CODE: CONFIRMATION_CODE,
      VK_API_BASE: fake.apiBase(base),
      RETRY_MAX_DELAY_MS: '300',
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
    webhook = `${running.url}/webhooks/vk`;
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await fake.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) => request(webhook, { body, headers });
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].count);
  const storedEvents = () => count("SELECT count(*) FROM inbound_events WHERE channel = 'vk'");
  const conversationOf = async (peer: number) =>
    (await db.query("SELECT id FROM conversations WHERE channel = 'vk' AND external_thread_id = $1", [String(peer)]))
      .rows[0]?.id as string | undefined;
  const messagesIn = (conversationId: string, direction: 'in' | 'out') =>
    count('SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = $2', [conversationId, direction]);
  const replyMarked = (conversationId: string, status: 'sent' | 'failed') =>
    waitFor(
      async () =>
        (
          await db.query('SELECT 1 FROM messages WHERE conversation_id = $1 AND direction = $2 AND status = $3', [
            conversationId,
            'out',
            status,
          ])
        ).rowCount,
      { timeoutMs: 8000, what: `the reply marked ${status}` },
    );
  const replyOf = (peer: number) =>
    waitFor(async () => fake.messagesTo(peer)[0], { timeoutMs: 5000, what: `a reply to peer ${peer}` });

  it('answers the confirmation request with the confirmation string as text/plain', async () => {
    for (const body of [vkConfirmation({ groupId: GROUP_ID, secret: SECRET }), vkConfirmation({ groupId: GROUP_ID })]) {
      const answer = await post(body);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^text\/plain/);
      expect(answer.body).toBe(CONFIRMATION_CODE);
    }
    expect(await storedEvents()).toBe(0);
  });

  it('a client message gets "ok", one reply in the same dialog and one lead', async () => {
    const user = newUser();
    const answer = await post(
      vkMessageNew({ fromId: user, text: 'Здравствуйте, можно записаться на маникюр завтра в 5?' }, { secret: SECRET }),
    );
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/plain/);
    expect(answer.body).toBe('ok');

    const reply = await replyOf(user);
    expect(reply.text.length).toBeGreaterThan(0);
    const conversationId = (await conversationOf(user))!;
    await replyMarked(conversationId, 'sent');
    expect(await messagesIn(conversationId, 'out')).toBe(1);
    expect(await count('SELECT count(*) FROM leads WHERE conversation_id = $1', [conversationId])).toBe(1);
    expect(await messagesIn(conversationId, 'in')).toBe(1);
    const identity = await db.query(
      "SELECT contact_id FROM contact_identities WHERE channel = 'vk' AND external_id = $1",
      [String(user)],
    );
    expect(identity.rowCount).toBe(1);
    const stored = await db.query(
      "SELECT provider_message_id FROM messages WHERE conversation_id = $1 AND direction = 'out'",
      [conversationId],
    );
    expect(stored.rows[0].provider_message_id).toBe(String(reply.messageId));
  });

  it('the same event_id 5 times, concurrently and again in a row: one message, one reply, one lead', async () => {
    const user = newUser();
    const event = vkMessageNew({ fromId: user, text: 'Сколько стоит стрижка?' }, { secret: SECRET });
    const before = await storedEvents();
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, (_, i) => post(event, { 'X-Retry-Counter': String(i) })),
    );
    const sequential = [];
    for (let i = 0; i < 5; i++) sequential.push(await post(event, { 'X-Retry-Counter': String(i + 1) }));

    for (const answer of [...concurrent, ...sequential]) expect([answer.status, answer.body]).toEqual([200, 'ok']);
    expect(await storedEvents()).toBe(before + 1);
    await replyOf(user);
    const conversationId = (await conversationOf(user))!;
    await waitFor(
      async () => (await count('SELECT count(*) FROM leads WHERE conversation_id = $1', [conversationId])) === 1,
      { what: 'the lead' },
    );
    await replyMarked(conversationId, 'sent');
    expect(fake.messagesTo(user)).toHaveLength(1);
    expect(await messagesIn(conversationId, 'in')).toBe(1);
    expect(await messagesIn(conversationId, 'out')).toBe(1);
    expect(await count('SELECT count(*) FROM leads WHERE conversation_id = $1', [conversationId])).toBe(1);
  });

  it('a reply whose send answer was lost is retried with the same random_id: one message', async () => {
    const user = newUser();
    fake.failNext('drop-after', 1, (r) => r.path === '/method/messages.send' && r.body.peer_id === String(user));
    await post(vkMessageNew({ fromId: user, text: 'Добрый день! Где вы находитесь?' }, { secret: SECRET }));

    const conversationId = await waitFor(() => conversationOf(user), { what: 'the conversation' });
    await replyMarked(conversationId, 'sent');
    const calls = fake.sendCalls().filter((r) => r.body.peer_id === String(user));
    expect(calls).toHaveLength(2);
    expect(calls[0].body.random_id).toBe(calls[1].body.random_id);
    expect(fake.messagesTo(user)).toHaveLength(1);
  });

  it('flood control (error 9) is retried and the reply goes out once', async () => {
    const user = newUser();
    fake.failNext(
      { status: 200, body: { error: { error_code: 9, error_msg: 'Flood control', request_params: [] } } },
      1,
      (r) => r.path === '/method/messages.send' && r.body.peer_id === String(user),
    );
    await post(vkMessageNew({ fromId: user, text: 'Здравствуйте, вы работаете в воскресенье?' }, { secret: SECRET }));

    await replyOf(user);
    expect(fake.sendCalls().filter((r) => r.body.peer_id === String(user))).toHaveLength(2);
    expect(fake.messagesTo(user)).toHaveLength(1);
  });

  it('a client who did not allow messages (901) is marked unreachable and not retried', async () => {
    const user = newUser();
    fake.makeUnreachable(user, 901);
    await post(vkMessageNew({ fromId: user, text: 'Здравствуйте, хочу записаться на стрижку' }, { secret: SECRET }));

    const identity = await waitFor(
      async () =>
        (
          await db.query(
            "SELECT unreachable_at, unreachable_reason FROM contact_identities WHERE channel = 'vk' AND external_id = $1",
            [String(user)],
          )
        ).rows.find((row) => row.unreachable_at),
      { timeoutMs: 5000, what: 'the identity marked unreachable' },
    );
    expect(identity.unreachable_reason).toBe('the client has not allowed messages from the community');
    const conversationId = (await conversationOf(user))!;
    await replyMarked(conversationId, 'failed');
    expect(fake.sendCalls().filter((r) => r.body.peer_id === String(user))).toHaveLength(1);
    expect(fake.messagesTo(user)).toHaveLength(0);
  });

  it('a missing secret is 401, a wrong one or another community 403, and nothing is stored', async () => {
    const before = await storedEvents();
    const user = newUser();
    const missing = await post(vkMessageNew({ fromId: user, text: 'привет' }));
    const wrong = await post(vkMessageNew({ fromId: user, text: 'привет' }, { secret: 'guessed-secret' }));
    const otherGroup = await post(vkMessageNew({ fromId: user, text: 'привет' }, { secret: SECRET, groupId: 1 }));
    const wrongConfirmation = await post(vkConfirmation({ groupId: GROUP_ID, secret: 'guessed-secret' }));

    expect(missing.status).toBe(401);
    expect(missing.contentType).toMatch(/^application\/problem\+json/);
    for (const refused of [wrong, otherGroup, wrongConfirmation]) {
      expect(refused.status).toBe(403);
      expect(refused.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(refused.body)).not.toContain(CONFIRMATION_CODE);
    }
    expect(await storedEvents()).toBe(before);
    expect(await conversationOf(user)).toBeUndefined();
  });

  it('events we do not handle get "ok" and change nothing', async () => {
    const user = newUser();
    const events = [
      vkCallback('message_typing_state', { state: 'typing', from_id: user, to_id: -GROUP_ID }, { secret: SECRET }),
      vkCallback('message_allow', { user_id: user, key: 'promo' }, { secret: SECRET }),
      vkCallback(
        'message_reply',
        { id: 1, out: 1, from_id: -GROUP_ID, peer_id: user, text: 'ответ' },
        { secret: SECRET },
      ),
      vkCallback('group_join', { user_id: user, join_type: 'join' }, { secret: SECRET }),
      vkCallback('some_future_event', { whatever: true }, { secret: SECRET, eventId: vkEventId() }),
    ];
    for (const event of events) expect(await post(event)).toMatchObject({ status: 200, body: 'ok' });

    await waitFor(
      async () =>
        (await count("SELECT count(*) FROM inbound_events WHERE channel = 'vk' AND processed_at IS NULL")) === 0,
      { what: 'the events processed' },
    );
    expect(await conversationOf(user)).toBeUndefined();
    expect(fake.messagesTo(user)).toHaveLength(0);
  });

  it('malformed JSON is 400, a body over 1 MiB is 413, a body without a type is 400', async () => {
    const before = await storedEvents();
    const malformed = await request(webhook, { rawBody: '{"type":"message_new",' });
    expect(malformed.status).toBe(400);
    expect(malformed.contentType).toMatch(/^application\/problem\+json/);

    const huge = vkMessageNew({ fromId: newUser(), text: 'а'.repeat(600 * 1024) }, { secret: SECRET });
    const tooLarge = await request(webhook, { rawBody: JSON.stringify(huge) });
    expect(tooLarge.status).toBe(413);

    const untyped = await post({ group_id: GROUP_ID, secret: SECRET, object: {} });
    expect(untyped.status).toBe(400);
    expect(await storedEvents()).toBe(before);
  });
});
