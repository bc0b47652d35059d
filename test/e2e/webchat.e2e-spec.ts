import type { Client } from 'pg';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId, type JsonResponse } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

describe('webchat: a website message becomes a reply and a lead', () => {
  let running: RunningApp;
  let db: Client;
  const env = testEnv();

  beforeAll(async () => {
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  const post = (body: unknown) => request(`${running.url}/api/v1/webchat/messages`, { body });
  const transcript = (sessionId: string) => request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].count);

  it('answers 202 with ids, then one bot reply and one lead delivered to the CRM within 2 s', async () => {
    const sessionId = webchatId('s');
    const started = Date.now();
    const accepted = await post({
      sessionId,
      clientMessageId: webchatId('m'),
      text: 'Здравствуйте, можно на маникюр завтра в 5?',
      name: 'Катя',
      phone: '8 (913) 123-45-67',
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ messageId: expect.any(String), conversationId: expect.any(String) });

    const lead = await waitFor(
      async () => {
        const { rows } = await db.query('SELECT * FROM leads WHERE conversation_id = $1', [
          accepted.body.conversationId,
        ]);
        return rows[0]?.crm_status === 'delivered' && rows[0];
      },
      { timeoutMs: 2000, what: 'lead delivered to the CRM' },
    );
    const replies = await waitFor(
      async () => {
        const { body } = await transcript(sessionId);
        return body.messages.some((m: { from: string }) => m.from === 'bot') && body.messages;
      },
      { timeoutMs: 2000 - (Date.now() - started), what: 'bot reply' },
    );

    expect(lead).toMatchObject({ intent: 'booking', channel: 'webchat', crm_provider: 'local', crm_attempts: 1 });
    expect(replies.map((m: { from: string }) => m.from)).toEqual(['client', 'bot']);
    expect(replies[1].text).toMatch(/маникюр/);
    expect(await count('SELECT count(*) FROM leads')).toBe(1);
    expect(await count("SELECT count(*) FROM messages WHERE direction = 'out'")).toBe(1);
    expect(await count('SELECT count(*) FROM local_crm_leads WHERE lead_id = $1', [lead.id])).toBe(1);

    const contact = (await db.query('SELECT name, phone_e164 FROM contacts WHERE id = $1', [lead.contact_id])).rows[0];
    expect(contact).toEqual({ name: 'Катя', phone_e164: '+79131234567' });
  });

  it('the same clientMessageId posted 10 times at once: one message, one lead, one reply, the same ids', async () => {
    const body = { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'сколько стоит стрижка?' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(body)));

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    const ids = new Set(answers.map((a) => `${a.body.messageId}/${a.body.conversationId}`));
    expect(ids.size).toBe(1);
    const { conversationId } = answers[0].body;

    await waitFor(async () => (await transcript(body.sessionId)).body.messages.length === 2, { what: 'reply' });
    await waitFor(
      async () =>
        (
          await db.query("SELECT 1 FROM leads WHERE conversation_id = $1 AND crm_status = 'delivered'", [
            conversationId,
          ])
        ).rowCount,
      { what: 'lead delivered' },
    );
    expect(
      await count("SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'in'", [conversationId]),
    ).toBe(1);
    expect(
      await count("SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'out'", [conversationId]),
    ).toBe(1);
    expect(await count('SELECT count(*) FROM leads WHERE conversation_id = $1', [conversationId])).toBe(1);
    expect(
      await count("SELECT count(*) FROM outbox WHERE topic = 'triage.process' AND payload->>'messageId' = $1", [
        answers[0].body.messageId,
      ]),
    ).toBe(1);
  });

  it('keeps one contact for one person: the same phone from two sessions is merged', async () => {
    const phone = '+7 902 914-33-20';
    const first = await post({
      sessionId: webchatId('s'),
      clientMessageId: webchatId('m'),
      text: 'добрый день',
      phone,
    });
    const second = await post({
      sessionId: webchatId('s'),
      clientMessageId: webchatId('m'),
      text: 'адрес подскажите',
      phone: '89029143320',
    });
    const contacts = await db.query('SELECT DISTINCT contact_id FROM conversations WHERE id = ANY($1::uuid[])', [
      [first.body.conversationId, second.body.conversationId],
    ]);
    expect(contacts.rowCount).toBe(1);
    expect(await count("SELECT count(*) FROM contacts WHERE phone_e164 = '+79029143320'")).toBe(1);
  });

  it('returns the conversation oldest first, client and bot messages', async () => {
    const sessionId = webchatId('s');
    await post({ sessionId, clientMessageId: webchatId('m'), text: 'здравствуйте' });
    await waitFor(async () => (await transcript(sessionId)).body.messages.length === 2, { what: 'first reply' });
    await post({ sessionId, clientMessageId: webchatId('m'), text: 'где вы находитесь?' });
    const { status, body } = await waitFor(
      async () => {
        const answer = await transcript(sessionId);
        return answer.body.messages.length === 4 && answer;
      },
      { what: 'second reply' },
    );

    expect(status).toBe(200);
    expect(body.messages.map((m: { from: string }) => m.from)).toEqual(['client', 'bot', 'client', 'bot']);
    expect(body.messages[0].text).toBe('здравствуйте');
    expect(body.messages[2].text).toBe('где вы находитесь?');
    const times = body.messages.map((m: { createdAt: string }) => Date.parse(m.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  describe('bad input gets a problem+json answer and stores nothing', () => {
    const valid = () => ({ sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'привет' });
    const cases: Array<[string, () => Promise<JsonResponse>, number, RegExp]> = [
      ['missing text', () => post({ ...valid(), text: undefined }), 400, /text/],
      ['empty text', () => post({ ...valid(), text: '   ' }), 400, /text must not be empty/],
      [
        'text over 4096 characters',
        () => post({ ...valid(), text: 'а'.repeat(4097) }),
        400,
        /text must be shorter than or equal to 4096/,
      ],
      ['malformed sessionId', () => post({ ...valid(), sessionId: '../../etc/passwd' }), 400, /sessionId/],
      ['malformed clientMessageId', () => post({ ...valid(), clientMessageId: 'x' }), 400, /clientMessageId/],
      ['unknown field', () => post({ ...valid(), admin: true }), 400, /admin should not exist/],
      ['invalid phone', () => post({ ...valid(), phone: '12' }), 400, /phone/],
      [
        'body over 64 KiB',
        () =>
          request(`${running.url}/api/v1/webchat/messages`, {
            rawBody: JSON.stringify({ ...valid(), text: 'a'.repeat(70 * 1024) }),
          }),
        413,
        /64 KiB/,
      ],
      [
        'invalid JSON',
        () => request(`${running.url}/api/v1/webchat/messages`, { rawBody: '{"sessionId": "abc' }),
        400,
        /not valid JSON/,
      ],
    ];

    it.each(cases)('%s', async (_name, send, status, detail) => {
      const before = await count('SELECT count(*) FROM messages');
      const answer = await send();
      expect(answer.status).toBe(status);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({
        status,
        type: expect.stringMatching(/^urn:volna:problem:/),
        title: expect.any(String),
      });
      expect(`${answer.body.detail} ${JSON.stringify(answer.body.errors ?? [])}`).toMatch(detail);
      expect(answer.body).not.toHaveProperty('stack');
      expect(await count('SELECT count(*) FROM messages')).toBe(before);
    });

    it('a malformed session id in the transcript path', async () => {
      const answer = await transcript('bad%20id');
      expect(answer.status).toBe(400);
      expect(answer.contentType).toContain('application/problem+json');
    });
  });

  it('hands the widget only what is new after its cursor; without one, the whole transcript', async () => {
    const sessionId = webchatId('s');
    const since = (cursor: string) =>
      request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages?since=${encodeURIComponent(cursor)}`);
    const botReplies = async (n: number) =>
      waitFor(
        async () => {
          const { body } = await transcript(sessionId);
          return body.messages.filter((m: { from: string }) => m.from === 'bot').length >= n && body;
        },
        { what: `${n} bot replies` },
      );

    await post({ sessionId, clientMessageId: webchatId('m'), text: 'сколько стоит стрижка?' });
    const first = await botReplies(1);
    expect(first.cursor).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect((await since(first.cursor)).body).toEqual({ sessionId, cursor: first.cursor, messages: [] });

    await post({ sessionId, clientMessageId: webchatId('m'), text: 'а где вы находитесь?' });
    const whole = await botReplies(2);
    const fresh = (await since(first.cursor)).body;
    expect(fresh.messages.map((m: { text: string }) => m.text)).toEqual(
      whole.messages.slice(first.messages.length).map((m: { text: string }) => m.text),
    );
    expect(fresh.messages.map((m: { from: string }) => m.from)).toEqual(['client', 'bot']);
    expect(fresh.cursor > first.cursor).toBe(true);
    expect(whole.messages).toHaveLength(4);

    const bad = await since('yesterday');
    expect(bad.status).toBe(400);
    expect(bad.contentType).toMatch(/application\/problem\+json/);
  });
});
