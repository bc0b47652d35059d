import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { InstagramGraph, InstagramMessenger } from '../../src/modules/channels/adapters/instagram/instagram.messenger';
import { OutsideServiceWindowError, RecipientUnreachableError } from '../../src/modules/channels/domain/channel-errors';
import type { OutgoingMessage } from '../../src/modules/channels/ports/messenger.port';
import { PermanentError, TransientError } from '../../src/shared/domain-error';
import { FakeGraph, graphError } from '../fakes/meta/fake-graph';
import { startApp, type RunningApp } from '../support/app-harness';
import { igMessage, igMid, igWebhook, metaSignature, postMetaWebhook, randomIgsid } from '../support/meta-webhooks';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const ACCOUNT_ID = '17841400000000000';
const TOKEN = 'IGAAinstagram-test-token';
const APP_SECRET = 'instagram-app-secret-for-tests';
const VERIFY_TOKEN = 'volna-verify-instagram';

const fake = new FakeGraph({
  whatsapp: { phoneNumberId: '1065403522', token: 'unused' },
  instagram: { token: TOKEN, accountId: ACCOUNT_ID },
});

/** The topics of one message's way in and out; alerts and visit reminders wait on their own clocks. */
const FLOW = ['inbound.process', 'triage.process', 'reply.send.instagram', 'reply.fallback', 'crm.sync'];

beforeAll(() => fake.start());
afterAll(() => fake.stop());

describe('Instagram channel: the real app against a fake Send API', () => {
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    const env = testEnv({
      INSTAGRAM_ACCESS_TOKEN: TOKEN,
      INSTAGRAM_APP_SECRET: APP_SECRET,
      INSTAGRAM_VERIFY_TOKEN: VERIFY_TOKEN,
      INSTAGRAM_GRAPH_BASE: fake.base,
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });
  afterEach(() => fake.clearFaults());

  const hook = (body: unknown, options?: { signature?: string | null }) =>
    postMetaWebhook(`${running.url}/webhooks/instagram`, body, APP_SECRET, options);
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].count);
  const settled = () =>
    waitFor(
      async () =>
        (await count(`SELECT count(*) FROM outbox WHERE status = 'pending' AND topic = ANY($1)`, [FLOW])) === 0,
      {
        what: 'the outbox to drain',
      },
    );
  const messagesOf = (igsid: string, direction: 'in' | 'out') =>
    count(
      `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.channel = 'instagram' AND c.external_thread_id = $1 AND m.direction = $2`,
      [igsid, direction],
    );
  const leadsOf = (igsid: string) =>
    count(
      `SELECT count(*) FROM leads l JOIN conversations c ON c.id = l.conversation_id
       WHERE c.channel = 'instagram' AND c.external_thread_id = $1`,
      [igsid],
    );

  describe('GET handshake', () => {
    const handshake = (query: string) => fetch(`${running.url}/webhooks/instagram?${query}`);

    it('answers hub.challenge as text/plain when the verify token matches', async () => {
      const answer = await handshake(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=CHALLENGE_42`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await answer.text()).toBe('CHALLENGE_42');
    });

    it('refuses a wrong verify token with 403 problem+json', async () => {
      const answer = await handshake('hub.mode=subscribe&hub.verify_token=volna-verify-whatsapp&hub.challenge=1');
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  it('a DM gets a reply in the same thread and one lead', async () => {
    const igsid = randomIgsid();
    const answer = await hook(
      igWebhook(ACCOUNT_ID, [igMessage(ACCOUNT_ID, igsid, { text: 'Здравствуйте, можно на маникюр завтра в 5?' })]),
    );
    expect(answer.status).toBe(200);
    const [reply] = await waitFor(async () => fake.instagramTo(igsid).length > 0 && fake.instagramTo(igsid), {
      what: 'the reply',
    });
    expect(reply.text).toMatch(/маникюр/i);
    await waitFor(async () => (await leadsOf(igsid)) === 1, { what: 'a lead' });
    await settled();
    expect(fake.instagramTo(igsid)).toHaveLength(1);
    expect(await messagesOf(igsid, 'in')).toBe(1);
    const { rows } = await db.query(
      `SELECT m.status, m.provider_message_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.external_thread_id = $1 AND m.direction = 'out'`,
      [igsid],
    );
    expect(rows).toEqual([{ status: 'sent', provider_message_id: reply.id }]);
  });

  it('the same webhook 5 times at once and twice more: one message, one reply, one lead', async () => {
    const igsid = randomIgsid();
    const body = igWebhook(ACCOUNT_ID, [igMessage(ACCOUNT_ID, igsid, { text: 'Сколько стоит стрижка?' })]);
    const answers = await Promise.all(Array.from({ length: 5 }, () => hook(body)));
    answers.push(await hook(body), await hook(body));
    expect(answers.map((a) => a.status)).toEqual(Array(7).fill(200));
    await waitFor(async () => fake.instagramTo(igsid).length > 0, { what: 'the reply' });
    await settled();
    const key = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    expect(
      await count("SELECT count(*) FROM inbound_events WHERE channel = 'instagram' AND event_key = $1", [key]),
    ).toBe(1);
    expect(await messagesOf(igsid, 'in')).toBe(1);
    expect(await messagesOf(igsid, 'out')).toBe(1);
    expect(fake.instagramTo(igsid)).toHaveLength(1);
    expect(await leadsOf(igsid)).toBe(1);
  });

  it('a batch of 2 entries × 2 messages stores all 4', async () => {
    const [a, b] = [randomIgsid(), randomIgsid()];
    const mids = [igMid(), igMid(), igMid(), igMid()];
    const body = igWebhook(
      ACCOUNT_ID,
      [
        igMessage(ACCOUNT_ID, a, { mid: mids[0], text: 'Здравствуйте' }),
        igMessage(ACCOUNT_ID, a, { mid: mids[1], text: 'Хочу на стрижку' }),
      ],
      [
        igMessage(ACCOUNT_ID, b, { mid: mids[2], text: 'Добрый день' }),
        igMessage(ACCOUNT_ID, b, { mid: mids[3], text: 'Где вы находитесь?' }),
      ],
    );
    expect((await hook(body)).status).toBe(200);
    await waitFor(async () => (await messagesOf(a, 'in')) === 2 && (await messagesOf(b, 'in')) === 2, {
      what: 'all four messages',
    });
    await settled();
    const stored = await db.query(
      "SELECT provider_message_id FROM messages WHERE channel = 'instagram' AND provider_message_id = ANY($1)",
      [mids],
    );
    expect(stored.rows.map((r) => r.provider_message_id).sort()).toEqual([...mids].sort());
  });

  it('our own echoes, reads, reactions and unknown events are answered 200 and create no message', async () => {
    const igsid = randomIgsid();
    const echo = {
      sender: { id: ACCOUNT_ID },
      recipient: { id: igsid },
      timestamp: Date.now(),
      message: { mid: igMid(), text: 'Стоимость стрижки 1500 ₽', is_echo: true },
    };
    const body = igWebhook(ACCOUNT_ID, [
      echo,
      { sender: { id: igsid }, recipient: { id: ACCOUNT_ID }, timestamp: Date.now(), read: { mid: echo.message.mid } },
      {
        sender: { id: igsid },
        recipient: { id: ACCOUNT_ID },
        timestamp: Date.now(),
        reaction: { mid: echo.message.mid, action: 'react', reaction: 'love', emoji: '❤️' },
      },
      { sender: { id: igsid }, recipient: { id: ACCOUNT_ID }, timestamp: Date.now(), hologram: { x: 1 } },
    ]);
    expect((await hook(body)).status).toBe(200);
    await settled();
    expect(
      await count("SELECT count(*) FROM inbound_events WHERE channel = 'instagram' AND processed_at IS NULL"),
    ).toBe(0);
    expect(await messagesOf(igsid, 'in')).toBe(0);
    expect(fake.instagramTo(igsid)).toHaveLength(0);
  });

  it('a quick-reply press comes back as its label', async () => {
    const igsid = randomIgsid();
    const mid = igMid();
    await hook(
      igWebhook(ACCOUNT_ID, [
        igMessage(ACCOUNT_ID, igsid, { mid, text: 'Завтра', quick_reply: { payload: 'Завтра' } }),
      ]),
    );
    await waitFor(async () => (await messagesOf(igsid, 'in')) === 1, { what: 'the message' });
    const { rows } = await db.query('SELECT text FROM messages WHERE provider_message_id = $1', [mid]);
    expect(rows).toEqual([{ text: 'Завтра' }]);
    await settled();
  });

  describe('forged or unsigned webhooks are refused and nothing is stored', () => {
    it.each([
      ['no X-Hub-Signature-256', 401, null],
      ['a signature with the WhatsApp secret', 403, 'wrong-secret'],
      ['garbage', 403, 'sha256=zz'],
    ])('%s → %s', async (_name, status, signature) => {
      const body = igWebhook(ACCOUNT_ID, [igMessage(ACCOUNT_ID, randomIgsid())]);
      const header =
        signature === 'wrong-secret' ? metaSignature(JSON.stringify(body), 'whatsapp-app-secret-for-tests') : signature;
      const before = await count('SELECT count(*) FROM inbound_events');
      const answer = await hook(body, { signature: header });
      expect(answer.status).toBe(status);
      expect(answer.contentType).toContain('application/problem+json');
      expect(await count('SELECT count(*) FROM inbound_events')).toBe(before);
    });
  });

  it('a signed WhatsApp payload sent here is answered 200 and not stored', async () => {
    const before = await count('SELECT count(*) FROM inbound_events');
    expect((await hook({ object: 'whatsapp_business_account', entry: [] })).status).toBe(200);
    expect(await count('SELECT count(*) FROM inbound_events')).toBe(before);
  });

  it('malformed JSON → 400, a body over 1 MiB → 413', async () => {
    expect((await hook('{"object":"instagram",')).status).toBe(400);
    const huge = JSON.stringify({ object: 'instagram', entry: [], pad: 'я'.repeat(600 * 1024) });
    const answer = await hook(huge);
    expect(answer.status).toBe(413);
    expect(answer.contentType).toContain('application/problem+json');
  });

  it('a reply Instagram refuses as outside the window is not retried (the core falls back)', async () => {
    const igsid = randomIgsid();
    fake.failInstagram(graphError(10));
    await hook(igWebhook(ACCOUNT_ID, [igMessage(ACCOUNT_ID, igsid, { text: 'Здравствуйте, какие цены?' })]));
    const row = await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE c.external_thread_id = $1 AND m.direction = 'out'`,
          [igsid],
        );
        return rows[0]?.status === 'failed' && rows[0];
      },
      { what: 'the reply marked failed' },
    );
    expect(row.error).toMatch(/2534022/);
    await settled();
    expect(fake.instagramTo(igsid)).toHaveLength(0);
    expect(
      fake.requests.filter((r) => r.body?.recipient?.id === igsid && r.path.endsWith('/me/messages')),
    ).toHaveLength(1);
  });
});

describe('InstagramMessenger against the fake Send API', () => {
  const graph = (token = TOKEN, timeoutMs = 500) =>
    new InstagramGraph({ baseUrl: fake.base, accessToken: token, timeoutMs, label: 'Instagram Send API' });
  const outgoing = (igsid: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    messageId: 'm-1',
    outboxId: '1',
    channel: 'instagram',
    threadId: igsid,
    text: 'Когда вам удобно?',
    buttons: [],
    recipient: { externalUserId: igsid, phone: null, lastInboundAt: new Date() },
    ...extra,
  });

  afterEach(() => fake.clearFaults());

  it('sends text, quick replies and long replies in parts', async () => {
    const igsid = randomIgsid();
    const messenger = new InstagramMessenger(graph());
    const plain = await messenger.send(outgoing(igsid));
    await messenger.send(outgoing(igsid, { buttons: ['Сегодня', 'Завтра'] }));
    const long = await messenger.send(outgoing(igsid, { text: 'Наш адрес и цены. '.repeat(60).trim() }));
    const sent = fake.instagramTo(igsid);
    expect(plain).toEqual({ providerMessageId: sent[0].id });
    expect(sent[1].quickReplies).toEqual(['Сегодня', 'Завтра']);
    expect(sent.length).toBeGreaterThan(3);
    expect(long).toEqual({ providerMessageId: sent.at(-1)!.id });
    expect(
      fake.requests
        .filter((r) => r.body?.recipient?.id === igsid)
        .every((r) => r.headers.authorization === `Bearer ${TOKEN}`),
    ).toBe(true);
  });

  it('outside the 24-hour window it refuses before calling Instagram', async () => {
    const igsid = randomIgsid();
    const recipient = { externalUserId: igsid, phone: null, lastInboundAt: new Date(Date.now() - 25 * 3600_000) };
    await expect(new InstagramMessenger(graph()).send(outgoing(igsid, { recipient }))).rejects.toBeInstanceOf(
      OutsideServiceWindowError,
    );
    expect(fake.instagramTo(igsid)).toHaveLength(0);
  });

  it.each([
    ['outside window (10/2534022)', OutsideServiceWindowError, () => graphError(10)],
    ['user unavailable (551)', RecipientUnreachableError, () => graphError(551)],
    ['rate limit (4)', TransientError, () => graphError(4)],
    [
      'HTTP 500',
      TransientError,
      () => ({ status: 500, body: { error: { message: 'An unknown error occurred', code: 1 } } }),
    ],
    ['expired token (190)', PermanentError, () => graphError(190)],
    ['invalid parameter (100)', PermanentError, () => graphError(100)],
  ])('%s → %p', async (_name, type, fault) => {
    fake.failInstagram(fault());
    const error = await new InstagramMessenger(graph()).send(outgoing(randomIgsid())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    if (type === PermanentError) expect(error).not.toBeInstanceOf(TransientError);
  });

  it('a hang is transient', async () => {
    fake.failInstagram('hang');
    await expect(new InstagramMessenger(graph(TOKEN, 200)).send(outgoing(randomIgsid()))).rejects.toThrow(
      /Instagram Send API: no answer within 200 ms/,
    );
  });
});
