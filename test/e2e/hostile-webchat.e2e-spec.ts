import type { Client } from 'pg';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId, type JsonResponse } from '../support/http';
import { ADMIN_TOKEN, connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const PROBLEM = 'application/problem+json';
const ADMIN = '/api/admin/v1';
const READER_TOKEN = 'reader-token-hostile-0123456789';

/** Texts that must stay data: SQL, template engines, our own reply placeholders, shell-style env lookups. */
const INJECTIONS = [
  "'; DROP TABLE leads; --",
  "Robert'); DELETE FROM contacts WHERE ('1'='1",
  '{{7*7}} ${7*7} #{7*7} <%= 7*7 %>',
  '${process.env.ADMIN_API_TOKEN}',
  '{service}{phone}{name} хочу на маникюр',
];

function expectProblem(answer: JsonResponse, status: number | RegExp): void {
  if (typeof status === 'number') expect(answer.status).toBe(status);
  else expect(String(answer.status)).toMatch(status);
  expect(answer.contentType).toContain(PROBLEM);
  expect(answer.body).toMatchObject({ status: answer.status, type: expect.stringMatching(/^urn:volna:problem:/) });
  expect(JSON.stringify(answer.body)).not.toMatch(/stack|at Object\.|node_modules/);
}

describe('hostile input: the website chat and the admin API', () => {
  const env = testEnv({ ADMIN_READONLY_TOKENS: `auditor:${READER_TOKEN}`, ADMIN_AUTH_MAX_FAILURES: '1000' });
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  const messagesUrl = () => `${running.url}/api/v1/webchat/messages`;
  const post = (body: unknown) => request(messagesUrl(), { body });
  const raw = (rawBody: string | Buffer, contentType = 'application/json') =>
    request(messagesUrl(), { rawBody, headers: { 'content-type': contentType } });
  const transcript = (sessionId: string) => request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].count);
  const storedMessages = () => count('SELECT count(*) FROM messages');
  const valid = (text = 'привет') => ({ sessionId: webchatId('s'), clientMessageId: webchatId('m'), text });
  const alive = async () => expect((await request(`${running.url}/health/live`)).status).toBe(200);
  const replied = (sessionId: string) =>
    waitFor(
      async () => {
        const { body } = await transcript(sessionId);
        return body.messages?.some((m: { from: string }) => m.from === 'bot') && body.messages;
      },
      { what: `a bot reply in ${sessionId}` },
    );

  describe('bodies that are not a webchat message: 4xx problem+json, nothing stored, the process fine', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const cases: Array<[string, () => Promise<JsonResponse>, number | RegExp]> = [
      ['an empty body', () => raw(''), 400],
      ['a JSON array', () => raw(JSON.stringify([valid()])), 400],
      ['a JSON string', () => raw(JSON.stringify('привет')), 400],
      ['a JSON number', () => raw('42'), 400],
      ['null', () => raw('null'), 400],
      ['10 000 levels of [[[...]]]', () => raw(nested(10_000)), 400],
      [
        '10 000 levels of {"a":{...}} in text',
        () => raw(`{"text":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`),
        400,
      ],
      ['a body just over 64 KiB', () => raw(JSON.stringify({ ...valid(), name: 'я'.repeat(33 * 1024) })), 413],
      ['text/plain', () => raw(JSON.stringify(valid()), 'text/plain'), /^4(00|15)$/],
      [
        'application/x-www-form-urlencoded',
        () => raw(new URLSearchParams(valid()).toString(), 'application/x-www-form-urlencoded'),
        /^4(00|15)$/,
      ],
      [
        'multipart/form-data',
        () =>
          raw(
            '--xx\r\nContent-Disposition: form-data; name="text"\r\n\r\nпривет\r\n--xx--\r\n',
            'multipart/form-data; boundary=xx',
          ),
        /^4(00|15)$/,
      ],
      ['a text that is an object', () => post({ ...valid(), text: { $ne: '' } }), 400],
      ['a text that is an array', () => post({ ...valid(), text: ['a', 'b'] }), 400],
      ['a sessionId with unicode', () => post({ ...valid(), sessionId: 'сессия-12345678' }), 400],
      ['a sessionId of 65 characters', () => post({ ...valid(), sessionId: 'a'.repeat(65) }), 400],
      ['a sessionId with a slash', () => post({ ...valid(), sessionId: 'abcdefgh/../x' }), 400],
    ];

    it.each(cases)('%s', async (_name, send, status) => {
      const before = await storedMessages();
      const answer = await send();
      expectProblem(answer, status);
      expect(await storedMessages()).toBe(before);
      await alive();
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });
  });

  it('a __proto__ key pollutes nothing and is not stored', async () => {
    const body = valid();
    const answer = await raw(`{"__proto__":{"admin":true,"polluted":1},${JSON.stringify(body).slice(1)}`);
    expect([202, 400]).toContain(answer.status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (answer.status === 202) {
      const { rows } = await db.query('SELECT text FROM messages WHERE id = $1', [answer.body.messageId]);
      expect(rows).toEqual([{ text: body.text }]);
    }
  });

  describe('bytes and characters Postgres or JSON do not like', () => {
    it('invalid UTF-8 in the body is stored with replacement characters, never a 500', async () => {
      const body = valid();
      const bytes = Buffer.concat([
        Buffer.from(JSON.stringify({ ...body, text: 'PLACEHOLDER' }).split('PLACEHOLDER')[0]),
        Buffer.from('привет '),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
        Buffer.from('"}'),
      ]);
      const answer = await raw(bytes);
      if (answer.status === 202) {
        const { rows } = await db.query('SELECT text FROM messages WHERE id = $1', [answer.body.messageId]);
        expect(rows[0].text).toMatch(/^привет \uFFFD/);
        await replied(body.sessionId);
      } else {
        expectProblem(answer, 400);
      }
    });

    it.each([
      ['a NUL in the text', { text: 'привет\u0000 запишите' }],
      ['a NUL in the name', { name: 'Катя\u0000' }],
      ['a lone high surrogate in the text', { text: 'привет \ud800 запишите' }],
      ['a lone low surrogate in the name', { name: 'Катя\udc00' }],
    ])('%s: a 400, or stored safely and answered — never a 500', async (_name, fields) => {
      const body = { ...valid(), ...fields };
      const before = await storedMessages();
      const answer = await post(body);
      if (answer.status === 400) {
        expectProblem(answer, 400);
        expect(await storedMessages()).toBe(before);
        return;
      }
      expect(answer.status).toBe(202);
      const { rows } = await db.query('SELECT text FROM messages WHERE id = $1', [answer.body.messageId]);
      expect(rows[0].text).not.toContain('\u0000');
      await replied(body.sessionId);
      // The client's retry of the very same message is the same message, not a second one.
      const again = await post(body);
      expect(again.body.messageId).toBe(answer.body.messageId);
    });
  });

  describe('injection in texts and names stays data', () => {
    it.each(INJECTIONS)('%s', async (payload) => {
      const sessionId = webchatId('s');
      const accepted = await post({
        sessionId,
        clientMessageId: webchatId('m'),
        text: payload,
        name: payload.slice(0, 100),
      });
      expect(accepted.status).toBe(202);

      const messages = await replied(sessionId);
      expect(messages[0].text).toBe(payload);
      const reply: string = messages.find((m: { from: string }) => m.from === 'bot').text;
      expect(reply).not.toContain('49');
      expect(reply).not.toContain(ADMIN_TOKEN);
      expect(reply).not.toMatch(/\{(service|phone|name)\}/);

      const { rows } = await db.query(
        `SELECT ct.name, m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id
           JOIN contacts ct ON ct.id = c.contact_id WHERE m.id = $1`,
        [accepted.body.messageId],
      );
      expect(rows[0]).toEqual({ name: payload.slice(0, 100), text: payload });
      for (const table of ['leads', 'contacts', 'messages', 'conversations'])
        expect(await count(`SELECT count(*) FROM pg_tables WHERE tablename = $1`, [table])).toBe(1);

      const lead = await waitFor(
        async () =>
          (
            await db.query(`SELECT l.id FROM leads l WHERE l.conversation_id = $1 AND l.crm_status = 'delivered'`, [
              accepted.body.conversationId,
            ])
          ).rows[0],
        { what: 'the lead in the CRM' },
      );
      const detail = await request(`${running.url}${ADMIN}/leads/${lead.id}`, { admin: true });
      expect(detail.status).toBe(200);
      expect(detail.body.contact.name).toBe(payload.slice(0, 100));
      expect(JSON.stringify(detail.body)).toContain(JSON.stringify(payload).slice(1, -1));
      const crm = await db.query('SELECT payload::text AS payload FROM local_crm_leads WHERE lead_id = $1', [lead.id]);
      expect(crm.rows[0].payload).toContain(JSON.stringify(payload.slice(0, 100)).slice(1, -1));
    });
  });

  describe('transcripts: the session id is the capability', () => {
    it('one client reads only their own session; another session id shows nothing of it', async () => {
      const alice = valid('меня зовут Алиса, мой телефон 89131112233');
      const bob = valid('здравствуйте, это Боб');
      expect((await post(alice)).status).toBe(202);
      expect((await post(bob)).status).toBe(202);
      await replied(alice.sessionId);
      const bobs = await replied(bob.sessionId);

      expect(JSON.stringify(bobs)).not.toMatch(/Алиса|89131112233/);
      const unknown = await transcript(webchatId('never'));
      expect(unknown.status).toBe(200);
      expect(unknown.body.messages).toEqual([]);
    });

    it.each([
      ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
      ['a dot-dot segment', '%2E%2E'],
      ['a short guessable id', 'abc'],
      ['unicode', encodeURIComponent('сессия-12345678')],
      ['a NUL', 'abcdefgh%00'],
      ['a very long id', 'a'.repeat(5000)],
      ['SQL', encodeURIComponent("x' OR '1'='1")],
      ['a wildcard', encodeURIComponent('%%%%%%%%')],
    ])('%s → 400/404 problem+json, never a 500 or another transcript', async (_name, id) => {
      const answer = await transcript(id);
      expectProblem(answer, /^40[04]$/);
      expect(answer.body).not.toHaveProperty('messages');
    });
  });

  describe('the admin API', () => {
    it.each([
      ['a traversal', '/leads/../../x'],
      ['an encoded traversal', '/leads/..%2F..%2Fx'],
      ['a NUL', '/leads/%00'],
      ['a UUID-looking non-UUID', '/leads/00000000-0000-0000-0000-00000000000g'],
      ['a UUID with a NUL', '/leads/00000000-0000-4000-8000-000000000000%00'],
      ['unicode', `/leads/${encodeURIComponent('лид')}`],
      ['a very long id', `/leads/${'f'.repeat(5000)}`],
      ['SQL in an id', `/appointments/${encodeURIComponent("1' OR '1'='1")}`],
      ['SQL in a filter', `/leads?channel=${encodeURIComponent("webchat' OR '1'='1")}`],
      ['a huge page', '/leads?page=99999999999999999999&pageSize=-1'],
      ['an unknown lead', '/leads/00000000-0000-4000-8000-000000000000'],
    ])('%s → 400/404 problem+json', async (_name, path) => {
      const answer = await request(`${running.url}${ADMIN}${path}`, { admin: true });
      expectProblem(answer, /^40[04]$/);
    });

    it('a token in the query string is ignored', async () => {
      for (const query of [
        `access_token=${ADMIN_TOKEN}`,
        `token=${ADMIN_TOKEN}`,
        `authorization=Bearer%20${ADMIN_TOKEN}`,
      ]) {
        expectProblem(await request(`${running.url}${ADMIN}/leads?${query}`), 401);
      }
    });

    it('odd Authorization headers are refused with 401', async () => {
      for (const authorization of [
        ADMIN_TOKEN,
        `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
        `Bearer  ${ADMIN_TOKEN}x`,
        `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
        'Bearer ',
        `Bearer ${'a'.repeat(8000)}`,
      ]) {
        expectProblem(await request(`${running.url}${ADMIN}/leads`, { headers: { authorization } }), 401);
      }
    });

    it('a read-only token cannot write', async () => {
      const before = await count('SELECT count(*) FROM services');
      const answer = await request(`${running.url}${ADMIN}/services`, {
        body: { name: 'Взлом', durationMinutes: 30 },
        headers: { authorization: `Bearer ${READER_TOKEN}` },
      });
      expectProblem(answer, 403);
      expect(await count('SELECT count(*) FROM services')).toBe(before);
    });
  });
});

describe('hostile input: admin token brute force', () => {
  const env = testEnv({ ADMIN_AUTH_MAX_FAILURES: '5', ADMIN_AUTH_WINDOW_SECONDS: '2' });
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp(env);
  });
  afterAll(() => running?.close());

  const leads = (token: string) =>
    fetch(`${running.url}${ADMIN}/leads`, { headers: { authorization: `Bearer ${token}` } });

  it('many wrong tokens → 429 with Retry-After, the right one refused too until the window passes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await leads(`guess-${i}-0123456789abcdef`)).status);
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);

    const locked = await leads(ADMIN_TOKEN);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('content-type')).toContain(PROBLEM);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await locked.text()).not.toContain(ADMIN_TOKEN);

    const open = await waitFor(async () => (await leads(ADMIN_TOKEN)).status === 200, {
      timeoutMs: 6000,
      intervalMs: 200,
      what: 'the window to pass',
    });
    expect(open).toBe(true);
  });

  it('a parallel burst of guesses gets exactly the limit of 401s, then the address is locked', async () => {
    await waitFor(async () => (await leads(ADMIN_TOKEN)).status === 200, { timeoutMs: 6000, what: 'a fresh window' });
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => leads(`burst-${i}-0123456789abcdef`)));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    expect(await leads(ADMIN_TOKEN).then((r) => r.status)).toBe(429);
  });
});
