import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import type { EnvironmentVariables } from '../../src/config/env.validation';
import { OutsideServiceWindowError, RecipientUnreachableError } from '../../src/modules/channels/domain/channel-errors';
import { WhatsAppGraph, WhatsAppMessenger } from '../../src/modules/channels/adapters/whatsapp/whatsapp.messenger';
import type { OutgoingMessage } from '../../src/modules/channels/ports/messenger.port';
import { SmsSender, type SentSms, type SmsMessage } from '../../src/modules/notifications';
import { RedisRateLimiter } from '../../src/redis/redis-rate-limiter';
import { PermanentError, TransientError } from '../../src/shared/domain-error';
import { FakeGraph, graphError } from '../fakes/meta/fake-graph';
import { startApp, type RunningApp } from '../support/app-harness';
import {
  metaSignature,
  postMetaWebhook,
  randomWaId,
  waMessagesValue,
  waStatusesValue,
  waWebhook,
  wamid,
} from '../support/meta-webhooks';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const PHONE_NUMBER_ID = '1065403522';
const TOKEN = 'EAAGwhatsapp-test-token';
const APP_SECRET = 'whatsapp-app-secret-for-tests';
const VERIFY_TOKEN = 'volna-verify-whatsapp';
const TEMPLATE = 'volna_reply';

/** Stands in for the SMS gateway (another adapter's job): records what the fallback sends, refuses on demand. */
class RecordingSms extends SmsSender {
  readonly provider = 'recording';
  readonly sent: SmsMessage[] = [];
  readonly refused = new Set<string>();

  send(sms: SmsMessage): Promise<SentSms> {
    if (this.refused.has(sms.to)) return Promise.reject(new PermanentError('the test gateway refuses this number'));
    this.sent.push(sms);
    return Promise.resolve({ provider: this.provider, providerMessageId: `sms-${this.sent.length}` });
  }
}

const fake = new FakeGraph({
  whatsapp: { phoneNumberId: PHONE_NUMBER_ID, token: TOKEN, templates: [{ name: TEMPLATE, language: 'ru' }] },
  instagram: { token: 'unused', accountId: '17841400000000000' },
});

function whatsappEnv(overrides: Record<string, string> = {}): EnvironmentVariables {
  return testEnv({
    WHATSAPP_TOKEN: TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_GRAPH_BASE: fake.base,
    ...overrides,
  });
}

/** The topics of one message's way in and out; alerts and visit reminders wait on their own clocks. */
const FLOW = ['inbound.process', 'triage.process', 'reply.send.whatsapp', 'reply.fallback', 'crm.sync'];

beforeAll(() => fake.start());
afterAll(() => fake.stop());

describe('WhatsApp channel: the real app against a fake Cloud API', () => {
  let running: RunningApp;
  let db: Client;
  const sms = new RecordingSms();

  beforeAll(async () => {
    const env = whatsappEnv();
    running = await startApp(env, [[SmsSender, sms]]);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });
  afterEach(() => fake.clearFaults());

  const hook = (body: unknown, options?: { signature?: string | null }) =>
    postMetaWebhook(`${running.url}/webhooks/whatsapp`, body, APP_SECRET, options);
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].count);
  /** Every row of the message flow done or dead: nothing more will happen on its own. */
  const settled = () =>
    waitFor(
      async () =>
        (await count(`SELECT count(*) FROM outbox WHERE status = 'pending' AND topic = ANY($1)`, [FLOW])) === 0,
      {
        what: 'the outbox to drain',
      },
    );
  const inboundOf = (waId: string) =>
    count(
      `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.channel = 'whatsapp' AND c.external_thread_id = $1 AND m.direction = 'in'`,
      [waId],
    );
  const outboundOf = async (waId: string) =>
    (
      await db.query(
        `SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.channel = 'whatsapp' AND c.external_thread_id = $1 AND m.direction = 'out' ORDER BY m.created_at`,
        [waId],
      )
    ).rows;
  const leadsOf = (waId: string) =>
    count(
      `SELECT count(*) FROM leads l JOIN conversations c ON c.id = l.conversation_id
       WHERE c.channel = 'whatsapp' AND c.external_thread_id = $1`,
      [waId],
    );

  describe('GET handshake', () => {
    const handshake = (query: string) => fetch(`${running.url}/webhooks/whatsapp?${query}`);

    it('answers hub.challenge as text/plain when the verify token matches', async () => {
      const answer = await handshake(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await answer.text()).toBe('1158201444');
    });

    it.each([
      ['a wrong token', `hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`],
      ['another mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
      ['no token', 'hub.mode=subscribe&hub.challenge=1'],
    ])('refuses %s with 403 problem+json', async (_name, query) => {
      const answer = await handshake(query);
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(await answer.text()).not.toContain(VERIFY_TOKEN);
    });
  });

  it('an inbound text gets a reply in the same chat and one lead, the client known by phone', async () => {
    const waId = randomWaId();
    const id = wamid();
    const answer = await hook(
      waWebhook(
        waMessagesValue(PHONE_NUMBER_ID, [
          { waId, id, name: 'Анна', text: 'Здравствуйте, можно на маникюр завтра в 5?' },
        ]),
      ),
    );
    expect(answer.status).toBe(200);

    const [reply] = await waitFor(async () => fake.whatsappTo(waId).length > 0 && fake.whatsappTo(waId), {
      what: 'a reply sent to the client',
    });
    expect(reply.text).toMatch(/маникюр/i);
    await waitFor(async () => (await leadsOf(waId)) === 1, { what: 'a lead' });
    await settled();

    expect(fake.whatsappTo(waId)).toHaveLength(1);
    expect(await inboundOf(waId)).toBe(1);
    const [out] = await outboundOf(waId);
    expect(out).toMatchObject({ status: 'sent', provider_message_id: reply.id, delivered_via: null });
    const { rows } = await db.query(
      `SELECT ct.name, ct.phone_e164, ci.profile FROM contact_identities ci JOIN contacts ct ON ct.id = ci.contact_id
       WHERE ci.channel = 'whatsapp' AND ci.external_id = $1`,
      [waId],
    );
    expect(rows).toEqual([{ name: 'Анна', phone_e164: `+${waId}`, profile: expect.objectContaining({ wa_id: waId }) }]);
  });

  it('the same webhook 5 times at once and twice more: one message, one reply, one lead', async () => {
    const waId = randomWaId();
    const body = waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, text: 'Сколько стоит стрижка?' }]));
    const answers = await Promise.all(Array.from({ length: 5 }, () => hook(body)));
    answers.push(await hook(body), await hook(body));
    expect(answers.map((a) => a.status)).toEqual(Array(7).fill(200));

    await waitFor(async () => fake.whatsappTo(waId).length > 0, { what: 'the reply' });
    await settled();
    const key = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    expect(
      await count("SELECT count(*) FROM inbound_events WHERE channel = 'whatsapp' AND event_key = $1", [key]),
    ).toBe(1);
    expect(await inboundOf(waId)).toBe(1);
    expect(await outboundOf(waId)).toHaveLength(1);
    expect(fake.whatsappTo(waId)).toHaveLength(1);
    expect(await leadsOf(waId)).toBe(1);
  });

  it('a batch of 2 entries × 2 messages stores all 4; an overlapping batch adds none', async () => {
    const anna = randomWaId();
    const oleg = randomWaId();
    const ids = [wamid(), wamid(), wamid(), wamid()];
    const first = waMessagesValue(PHONE_NUMBER_ID, [
      { waId: anna, id: ids[0], name: 'Анна', text: 'Здравствуйте' },
      { waId: anna, id: ids[1], name: 'Анна', text: 'Хочу записаться на стрижку' },
    ]);
    const second = waMessagesValue(PHONE_NUMBER_ID, [
      { waId: oleg, id: ids[2], name: 'Олег', text: 'Добрый день' },
      { waId: oleg, id: ids[3], name: 'Олег', text: 'Где вы находитесь?' },
    ]);
    expect((await hook(waWebhook(first, second))).status).toBe(200);
    // Meta re-batches: a later delivery carries one of the same messages with a new one.
    const extra = wamid();
    const overlap = waMessagesValue(PHONE_NUMBER_ID, [
      { waId: oleg, id: ids[3], name: 'Олег', text: 'Где вы находитесь?' },
      { waId: oleg, id: extra, name: 'Олег', text: 'Спасибо' },
    ]);
    expect((await hook(waWebhook(overlap))).status).toBe(200);

    await waitFor(async () => (await inboundOf(anna)) === 2 && (await inboundOf(oleg)) === 3, {
      what: 'all messages stored',
    });
    await settled();
    const stored = await db.query(
      "SELECT provider_message_id FROM messages WHERE channel = 'whatsapp' AND provider_message_id = ANY($1)",
      [[...ids, extra]],
    );
    expect(stored.rows.map((r) => r.provider_message_id).sort()).toEqual([...ids, extra].sort());
    expect(fake.whatsappTo(anna).length).toBeGreaterThan(0);
    expect(fake.whatsappTo(oleg).length).toBeGreaterThan(0);
  });

  describe('forged or unsigned webhooks are refused and nothing is stored', () => {
    const body = () => waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId: randomWaId(), text: 'Записаться' }]));

    it.each([
      ['no X-Hub-Signature-256', 401, null],
      ['an empty signature', 401, ''],
      ['a signature with another secret', 403, 'other-secret'],
      ['a malformed signature', 403, 'sha256=nothex'],
      ['a SHA-1 signature', 403, 'sha1=0123456789abcdef0123456789abcdef01234567'],
    ])('%s → %s', async (_name, status, signature) => {
      const payload = body();
      const header = signature === 'other-secret' ? metaSignature(JSON.stringify(payload), 'other-secret') : signature;
      const before = await count('SELECT count(*) FROM inbound_events');
      const answer = await hook(payload, { signature: header });
      expect(answer.status).toBe(status);
      expect(answer.contentType).toContain('application/problem+json');
      expect(await count('SELECT count(*) FROM inbound_events')).toBe(before);
    });

    it('a body changed after signing is refused', async () => {
      const payload = body();
      const signature = metaSignature(JSON.stringify(payload), APP_SECRET);
      const tampered = JSON.stringify(payload).replace('Записаться', 'Записаться!');
      const before = await count('SELECT count(*) FROM inbound_events');
      expect((await hook(tampered, { signature })).status).toBe(403);
      expect(await count('SELECT count(*) FROM inbound_events')).toBe(before);
    });
  });

  it('a signed event for another object is answered 200 and not stored', async () => {
    const before = await count('SELECT count(*) FROM inbound_events');
    const answer = await hook({ object: 'page', entry: [{ id: '1', messaging: [] }] });
    expect(answer.status).toBe(200);
    expect(await count('SELECT count(*) FROM inbound_events')).toBe(before);
  });

  it('unknown event types are answered 200 and create no message', async () => {
    const waId = randomWaId();
    const body = waWebhook(
      waMessagesValue(PHONE_NUMBER_ID, [
        { waId, message: { type: 'reaction', reaction: { message_id: wamid(), emoji: '👍' } } },
        { waId, message: { type: 'unsupported', unsupported: { type: 'poll_update' } } },
      ]),
    );
    (body.entry as Array<{ changes: unknown[] }>)[0].changes.push({
      field: 'message_template_status_update',
      value: { event: 'APPROVED', message_template_name: TEMPLATE },
    });
    expect((await hook(body)).status).toBe(200);
    await settled();
    expect(await count("SELECT count(*) FROM inbound_events WHERE processed_at IS NULL AND channel = 'whatsapp'")).toBe(
      0,
    );
    expect(await inboundOf(waId)).toBe(0);
  });

  it('malformed JSON → 400, a body over 1 MiB → 413, both problem+json', async () => {
    const malformed = await hook('{"object": "whatsapp_business_account", "entry": [');
    expect(malformed.status).toBe(400);
    expect(malformed.contentType).toContain('application/problem+json');
    const huge = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(1024 * 1024) });
    const tooLarge = await hook(huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.contentType).toContain('application/problem+json');
  });

  it('a `failed` status marks our message failed with Meta’s code and title', async () => {
    const waId = randomWaId();
    sms.refused.add(`+${waId}`); // keep the failure visible: the SMS fallback cannot deliver either
    await hook(waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, text: 'Здравствуйте, какие цены?' }])));
    const [reply] = await waitFor(async () => fake.whatsappTo(waId).length > 0 && fake.whatsappTo(waId), {
      what: 'the reply',
    });
    await waitFor(async () => (await outboundOf(waId))[0]?.status === 'sent', { what: 'the reply marked sent' });

    const statuses = waStatusesValue(PHONE_NUMBER_ID, [
      { id: reply.id, status: 'delivered', waId },
      { id: reply.id, status: 'failed', waId, error: { code: 131047, title: 'Re-engagement message' } },
    ]);
    expect((await hook(waWebhook(statuses))).status).toBe(200);

    const [out] = await waitFor(
      async () => {
        const rows = await outboundOf(waId);
        return rows[0]?.status === 'failed' && rows;
      },
      { what: 'the message marked failed' },
    );
    expect(out.error).toBe('131047 Re-engagement message');
    await settled();
  });

  it('a `failed` status sends the reply to the SMS fallback when the client has a phone', async () => {
    const waId = randomWaId();
    await hook(waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, text: 'Добрый вечер, есть запись на субботу?' }])));
    const [reply] = await waitFor(async () => fake.whatsappTo(waId).length > 0 && fake.whatsappTo(waId), {
      what: 'the reply',
    });
    await waitFor(async () => (await outboundOf(waId))[0]?.status === 'sent', { what: 'the reply marked sent' });
    await hook(
      waWebhook(
        waStatusesValue(PHONE_NUMBER_ID, [
          { id: reply.id, status: 'failed', waId, error: { code: 131026, title: 'Message undeliverable' } },
        ]),
      ),
    );
    const text = await waitFor(async () => sms.sent.find((m) => m.to === `+${waId}`)?.text, { what: 'the SMS' });
    expect(text).toBe(reply.text);
    await waitFor(async () => (await outboundOf(waId))[0]?.delivered_via === 'sms', { what: 'marked sent by SMS' });
  });

  it('without a template, a reply Meta refuses as outside the 24-hour window goes by SMS', async () => {
    const waId = randomWaId();
    fake.failWhatsApp(graphError(131047));
    await hook(waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, text: 'Здравствуйте, запишите на педикюр' }])));
    const text = await waitFor(async () => sms.sent.find((m) => m.to === `+${waId}`)?.text, { what: 'the SMS' });
    // The gateway has the SMS before the job's transaction commits: wait for the row, not only the gateway.
    const out = await waitFor(async () => (await outboundOf(waId)).find((row) => row.status === 'sent'), {
      what: 'the reply marked sent',
    });
    expect(out).toMatchObject({ status: 'sent', delivered_via: 'sms', text });
    expect(fake.whatsappTo(waId)).toHaveLength(0);
  });

  it('a throttled send (130429) is retried and goes out once', async () => {
    const waId = randomWaId();
    fake.failWhatsApp(graphError(130429));
    await hook(
      waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, text: 'Здравствуйте, вы работаете в воскресенье?' }])),
    );
    await waitFor(async () => fake.whatsappTo(waId).length === 1, { what: 'the reply after a retry' });
    await settled();
    expect(fake.whatsappTo(waId)).toHaveLength(1);
    expect((await outboundOf(waId))[0]).toMatchObject({ status: 'sent' });
  });
});

describe('WhatsApp channel with an approved template', () => {
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    const env = whatsappEnv({ WHATSAPP_TEMPLATE_NAME: TEMPLATE });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  it('a reply Meta refuses as outside the window goes out as the template, the reply its parameter', async () => {
    const waId = randomWaId();
    fake.failWhatsApp(graphError(131047));
    await postMetaWebhook(
      `${running.url}/webhooks/whatsapp`,
      waWebhook(waMessagesValue(PHONE_NUMBER_ID, [{ waId, text: 'Здравствуйте, можно на маникюр завтра в 5?' }])),
      APP_SECRET,
    );
    const [sent] = await waitFor(async () => fake.whatsappTo(waId).length > 0 && fake.whatsappTo(waId), {
      what: 'the template',
    });
    expect(sent.type).toBe('template');
    expect(sent.body.template).toMatchObject({ name: TEMPLATE, language: { code: 'ru' } });
    const row = await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE c.external_thread_id = $1 AND m.direction = 'out'`,
          [waId],
        );
        return rows[0]?.status === 'sent' && rows[0];
      },
      { what: 'the reply marked sent' },
    );
    expect(row).toMatchObject({ delivered_via: 'template', provider_message_id: sent.id });
    const buttons: string[] = row.buttons;
    const options = buttons.length ? ` Варианты: ${buttons.map((b, i) => `${i + 1}) ${b}`).join('; ')}.` : '';
    expect(sent.text).toBe(`${row.text}${options}`.replace(/\s+/g, ' ').trim());
  });
});

describe('WhatsAppMessenger against the fake Cloud API', () => {
  let env: EnvironmentVariables;
  let limiter: RedisRateLimiter;
  beforeAll(() => {
    env = whatsappEnv({ WHATSAPP_RATE_PER_SEC: '5' });
    limiter = new RedisRateLimiter(env);
  });
  const graph = (token = TOKEN, timeoutMs = 500) =>
    new WhatsAppGraph({ baseUrl: fake.base, accessToken: token, timeoutMs, label: 'WhatsApp Cloud API' });
  const messenger = (overrides: Partial<EnvironmentVariables> = {}, client = graph()) =>
    new WhatsAppMessenger({ ...env, ...overrides } as EnvironmentVariables, limiter, client);
  const now = () => new Date();
  const outgoing = (waId: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    messageId: 'm-1',
    outboxId: '1',
    channel: 'whatsapp',
    threadId: waId,
    text: 'Когда вам удобно?',
    buttons: [],
    recipient: { externalUserId: waId, phone: `+${waId}`, lastInboundAt: now() },
    ...extra,
  });

  afterAll(() => limiter.onModuleDestroy());
  afterEach(() => fake.clearFaults());

  it('inside the window: text, reply buttons, a list, numbered lines', async () => {
    const waId = randomWaId();
    const m = messenger();
    const plain = await m.send(outgoing(waId));
    await m.send(outgoing(waId, { buttons: ['Сегодня', 'Завтра'] }));
    await m.send(outgoing(waId, { buttons: ['9:00', '10:00', '11:00', '12:00'] }));
    await m.send(outgoing(waId, { buttons: ['Консультация врача-косметолога'] }));
    const sent = fake.whatsappTo(waId);
    expect(plain).toEqual({ providerMessageId: sent[0].id });
    expect(sent.map((s) => [s.type, s.body.interactive?.type ?? null, s.options])).toEqual([
      ['text', null, []],
      ['interactive', 'button', ['Сегодня', 'Завтра']],
      ['interactive', 'list', ['9:00', '10:00', '11:00', '12:00']],
      ['text', null, []],
    ]);
    expect(sent[3].text).toBe('Когда вам удобно?\n\n1. Консультация врача-косметолога');
  });

  it('outside the window (or unknown): the template when configured, else OutsideServiceWindowError', async () => {
    const waId = randomWaId();
    const old = new Date(Date.now() - 25 * 3600_000);
    const withTemplate = messenger({ WHATSAPP_TEMPLATE_NAME: TEMPLATE, WHATSAPP_TEMPLATE_LANGUAGE: 'ru' });
    const recipient = { externalUserId: waId, phone: `+${waId}`, lastInboundAt: old };
    const sent = await withTemplate.send(outgoing(waId, { recipient, buttons: ['Да', 'Нет'] }));
    expect(sent).toEqual({ providerMessageId: fake.whatsappTo(waId)[0].id, via: 'template' });
    expect(fake.whatsappTo(waId)[0].text).toBe('Когда вам удобно? Варианты: 1) Да; 2) Нет.');

    await expect(
      withTemplate.send(outgoing(waId, { recipient: { ...recipient, lastInboundAt: null } })),
    ).resolves.toMatchObject({ via: 'template' });
    await expect(
      messenger({ WHATSAPP_TEMPLATE_NAME: undefined }).send(outgoing(waId, { recipient })),
    ).rejects.toBeInstanceOf(OutsideServiceWindowError);
    expect(fake.whatsappTo(waId)).toHaveLength(2);
  });

  it('an unknown template is a permanent error', async () => {
    const waId = randomWaId();
    const m = messenger({ WHATSAPP_TEMPLATE_NAME: 'no_such_template' });
    const error = await m
      .send(outgoing(waId, { recipient: { externalUserId: waId, phone: null, lastInboundAt: null } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/132001.*WHATSAPP_TEMPLATE_NAME/);
  });

  it.each([
    ['131047', OutsideServiceWindowError, () => graphError(131047)],
    ['131026', RecipientUnreachableError, () => graphError(131026)],
    ['130429', TransientError, () => graphError(130429)],
    ['131056', TransientError, () => graphError(131056)],
    ['131000 (HTTP 500)', TransientError, () => graphError(131000)],
    ['2 (HTTP 503)', TransientError, () => graphError(2)],
    ['a bare 502', TransientError, () => ({ status: 502, body: '<html>Bad Gateway</html>' })],
    ['190', PermanentError, () => graphError(190)],
    ['100', PermanentError, () => graphError(100)],
  ])('Graph error %s → %p', async (_name, type, fault) => {
    const waId = randomWaId();
    fake.failWhatsApp(fault());
    const error = await messenger({ WHATSAPP_TEMPLATE_NAME: undefined })
      .send(outgoing(waId))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    if (type === PermanentError) expect(error).not.toBeInstanceOf(TransientError);
    expect((error as Error).message).not.toContain(waId);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it('throttling carries a wait for the outbox', async () => {
    fake.failWhatsApp(graphError(130429));
    const error = (await messenger()
      .send(outgoing(randomWaId()))
      .catch((e: unknown) => e)) as TransientError;
    expect(error.retryAfterMs).toBe(1000);
  });

  it('a hang or a dropped connection is transient', async () => {
    fake.failWhatsApp('hang');
    await expect(messenger({}, graph(TOKEN, 200)).send(outgoing(randomWaId()))).rejects.toThrow(
      /WhatsApp Cloud API: no answer within 200 ms/,
    );
    fake.failWhatsApp('drop');
    await expect(messenger().send(outgoing(randomWaId()))).rejects.toBeInstanceOf(TransientError);
  });

  it('a wrong token is a permanent error that names the setting, not the token', async () => {
    const error = (await messenger({}, graph('EAAG-revoked'))
      .send(outgoing(randomWaId()))
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/code 190.*WHATSAPP_TOKEN/);
    expect(error.message).not.toContain('EAAG-revoked');
  });

  it('keeps to WHATSAPP_RATE_PER_SEC per business number', async () => {
    const waId = randomWaId();
    const m = messenger();
    const started = Date.now();
    await Promise.all(Array.from({ length: 10 }, () => m.send(outgoing(waId))));
    // 5 at once (the burst), then one every 200 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.whatsappTo(waId)).toHaveLength(10);
  });
});
