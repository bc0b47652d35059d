import type { User } from '@grammyjs/types';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { FakeTelegram, TelegramUpdates } from '../fakes/telegram/fake-telegram';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { envToStrings, spawnService } from '../support/service-process';
import { ADMIN_TOKEN, connectDatabase, dropDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const SECRET = 'tg-webhook-secret-0123456789abcdef';

interface Person {
  first: string;
  last: string;
  username: string;
  /** As typed on the website. */
  typedPhone: string;
  /** As Telegram sends a shared contact: digits with the country code, no plus. */
  telegramPhone: string;
  /** The ten national digits, the part every way of writing the number shares. */
  digits: string;
  texts: { webchat: string; telegram: string; handoff: string };
}

const SNEZHANA: Person = {
  first: 'Снежана',
  last: 'Воронцова',
  username: 'snezhana_voron',
  typedPhone: '8 (913) 765-43-21',
  telegramPhone: '79137654321',
  digits: '9137654321',
  texts: {
    webchat: 'Здравствуйте! Хочу записаться на маникюр завтра в 5, мой номер 8 913 765 43 21',
    telegram: 'Добрый вечер, сколько стоит педикюр с покрытием? Снежана',
    handoff: 'Позовите администратора, хочу поговорить с человеком про мою запись',
  },
};

const LYUDMILA: Person = {
  first: 'Людмила',
  last: 'Кравец',
  username: 'lyuda_kravets',
  typedPhone: '+7 902 111-22-33',
  telegramPhone: '79021112233',
  digits: '9021112233',
  texts: {
    webchat: 'Добрый день, сколько стоит женская стрижка? Звоните 8-902-111-22-33',
    telegram: 'А окрашивание в один тон сколько стоит? Людмила',
    handoff: 'Хочу поговорить с администратором о подарочном сертификате',
  },
};

/** The phone in every format it may be stored or printed in, and the name parts. */
function needlesOf(person: Person): string[] {
  return [
    person.first,
    person.last,
    person.username,
    `+7${person.digits}`,
    `8${person.digits}`,
    `7${person.digits}`,
    person.digits,
    ...Object.values(person.texts),
  ];
}

/** Sends one person's webchat message, Telegram messages (one sharing the phone) and a call for a person. */
async function writeIn(url: string, updates: TelegramUpdates, person: Person, userId: number): Promise<User> {
  const webchat = await request(`${url}/api/v1/webchat/messages`, {
    body: {
      sessionId: webchatId('s'),
      clientMessageId: webchatId('m'),
      text: person.texts.webchat,
      name: `${person.first} ${person.last}`,
      phone: person.typedPhone,
    },
  });
  expect(webchat.status).toBe(202);
  const user = updates.user(userId, person.first, person.last, person.username);
  const telegram = (update: unknown) =>
    request(`${url}/webhooks/telegram`, { body: update, headers: { 'X-Telegram-Bot-Api-Secret-Token': SECRET } });
  for (const update of [
    updates.text(user, person.texts.telegram),
    updates.contact(user, person.telegramPhone),
    updates.text(user, person.texts.handoff),
  ]) {
    expect((await telegram(update)).status).toBe(200);
  }
  return user;
}

/** Every text, varchar and json(b) column of every table in the database. */
async function textColumns(db: Client): Promise<Array<{ table: string; column: string }>> {
  const { rows } = await db.query(
    `SELECT c.table_name AS table, c.column_name AS column FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
       AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')
     ORDER BY 1, 2`,
  );
  return rows;
}

/**
 * Where each needle occurs: `table.column` → rows. Digit-only needles are also looked for in phone-like runs
 * of digits, spaces, brackets and dashes ("8 (913) 765-43-21").
 */
async function occurrences(db: Client, needles: string[]): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const { table, column } of await textColumns(db)) {
    for (const needle of needles) {
      const digitsOnly = /^\d+$/.test(needle);
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM "${table}" WHERE strpos("${column}"::text, $1) > 0
           OR ($2 AND EXISTS (
             SELECT 1 FROM regexp_matches("${column}"::text, '[+0-9][-0-9 ()]{8,}[0-9]', 'g') AS m(run)
             WHERE strpos(regexp_replace(m.run[1], '[^0-9]', '', 'g'), $1) > 0))`,
        [needle, digitsOnly],
      );
      if (rows[0].n > 0) found[`${table}.${column} ∋ ${needle}`] = rows[0].n;
    }
  }
  return found;
}

describe('personal data (152-FZ)', () => {
  const fake = new FakeTelegram();
  const updates = new TelegramUpdates();
  let env: ReturnType<typeof testEnv>;
  let running: RunningApp;
  let db: Client;

  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].n);
  const erase = (contactId: string, admin = true) =>
    request(`${running.url}/api/admin/v1/contacts/${contactId}/erase`, { method: 'POST', admin });
  /** All channel, triage and CRM work done (alerts wait out their grouping window and are left out). */
  const settled = (conversations: number) =>
    waitFor(
      async () =>
        (await count("SELECT count(*) AS n FROM leads WHERE crm_status = 'delivered'")) >= conversations &&
        (await count("SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND topic <> 'alert.send'")) === 0,
      { timeoutMs: 20000, what: `${conversations} conversations processed` },
    );
  const tableCounts = async () => {
    const counts: Record<string, number> = {};
    for (const table of [
      'contacts',
      'contact_identities',
      'conversations',
      'messages',
      'leads',
      'local_crm_leads',
      'inbound_events',
      'manager_alerts',
      'outbox',
    ]) {
      counts[table] = await count(`SELECT count(*) AS n FROM ${table}`);
    }
    return counts;
  };
  /** A fingerprint of every row that holds (or held) a person's data. */
  const fingerprint = async () =>
    (
      await db.query(
        `SELECT md5(concat_ws('|',
           (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM contacts t),
           (SELECT string_agg(t::text, ',' ORDER BY t.contact_id, t.channel, t.external_id) FROM contact_identities t),
           (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM conversations t),
           (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM messages t),
           (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM leads t),
           (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM local_crm_leads t),
           (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM inbound_events t),
           (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM manager_alerts t))) AS fp`,
      )
    ).rows[0].fp as string;

  beforeAll(async () => {
    const base = await fake.start();
    env = testEnv({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_BASE: base,
      PERSONAL_DATA_PURGE_INTERVAL_MS: '200',
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await fake.stop();
  });

  describe('erasure on request: POST /api/admin/v1/contacts/:id/erase', () => {
    let snezhanaId: string;
    let snezhana: User;

    beforeAll(async () => {
      snezhana = await writeIn(running.url, updates, SNEZHANA, 320000001);
      await writeIn(running.url, updates, LYUDMILA, 320000002);
      await settled(4);
      snezhanaId = (await db.query("SELECT id FROM contacts WHERE phone_e164 = '+79137654321'")).rows[0].id;
    });

    it('before: the person is in many tables (the scan sees what it must later not see)', async () => {
      const found = await occurrences(db, needlesOf(SNEZHANA));
      const tables = new Set(Object.keys(found).map((key) => key.split('.')[0]));
      expect([...tables].sort()).toEqual(
        expect.arrayContaining([
          'contact_identities',
          'contacts',
          'inbound_events',
          'leads',
          'local_crm_leads',
          'manager_alerts',
          'messages',
        ]),
      );
      expect(await count('SELECT count(*) AS n FROM contact_identities WHERE contact_id = $1', [snezhanaId])).toBe(2);
    });

    it('erases name, phone, ids, texts, lead details, CRM transcript and raw events; keeps rows, ids, times, counts', async () => {
      const lyudmilaBefore = await occurrences(db, needlesOf(LYUDMILA));
      const countsBefore = await tableCounts();
      const leadsBefore = (
        await db.query(
          'SELECT id, intent, urgency, status, created_at, crm_status FROM leads WHERE contact_id = $1 ORDER BY id',
          [snezhanaId],
        )
      ).rows;

      const answer = await erase(snezhanaId);

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        contactId: snezhanaId,
        erasedAt: expect.any(String),
        identities: 2,
        conversations: 2,
        messages: expect.any(Number),
        leads: 2,
        inboundEvents: expect.any(Number),
      });
      expect(answer.body.inboundEvents).toBeGreaterThanOrEqual(3);
      expect(await occurrences(db, needlesOf(SNEZHANA))).toEqual({});

      // The other client is untouched, and every KPI input is still there.
      expect(await occurrences(db, needlesOf(LYUDMILA))).toEqual(lyudmilaBefore);
      expect(await tableCounts()).toEqual(countsBefore);
      const leadsAfter = (
        await db.query(
          'SELECT id, intent, urgency, status, created_at, crm_status FROM leads WHERE contact_id = $1 ORDER BY id',
          [snezhanaId],
        )
      ).rows;
      expect(leadsAfter).toEqual(leadsBefore);
      const messages = await db.query(
        `SELECT m.direction, m.text, m.redacted_at, m.triage FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.contact_id = $1`,
        [snezhanaId],
      );
      expect(messages.rowCount).toBe(answer.body.messages);
      for (const row of messages.rows) {
        expect(row.text).toBe('');
        expect(row.redacted_at).not.toBeNull();
        if (row.direction === 'in') expect(Object.keys(row.triage ?? {}).sort()).not.toContain('slots');
      }
      expect(
        (await db.query('SELECT name, phone_e164, erased_at FROM contacts WHERE id = $1', [snezhanaId])).rows[0],
      ).toEqual({ name: null, phone_e164: null, erased_at: new Date(answer.body.erasedAt) });
    });

    it('is idempotent: a second erase answers the same and changes nothing', async () => {
      const before = await fingerprint();
      const first = (await db.query('SELECT erased_at FROM contacts WHERE id = $1', [snezhanaId])).rows[0].erased_at;

      const again = await erase(snezhanaId);

      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ contactId: snezhanaId, identities: 2, conversations: 2, leads: 2 });
      expect(again.body.inboundEvents).toBe(0);
      expect(new Date(again.body.erasedAt)).toEqual(first);
      expect(await fingerprint()).toBe(before);
    });

    it('404 for an unknown contact, 400 for a malformed id, 401 without the admin token', async () => {
      const unknown = await erase(randomUUID());
      expect(unknown.status).toBe(404);
      expect(unknown.contentType).toContain('application/problem+json');
      expect((await erase('not-a-uuid')).status).toBe(400);
      expect((await erase(snezhanaId, false)).status).toBe(401);
    });

    it('the erased client writing again starts a new contact: nothing links back to the erased one', async () => {
      const update = updates.text(snezhana, 'Это снова я, можно записаться на пятницу?');
      const answer = await request(`${running.url}/webhooks/telegram`, {
        body: update,
        headers: { 'X-Telegram-Bot-Api-Secret-Token': SECRET },
      });
      expect(answer.status).toBe(200);
      const fresh = await waitFor(
        async () =>
          (
            await db.query(
              "SELECT contact_id FROM contact_identities WHERE channel = 'telegram' AND external_id = $1",
              [String(snezhana.id)],
            )
          ).rows[0]?.contact_id as string | undefined,
        { what: 'the new identity' },
      );
      expect(fresh).not.toBe(snezhanaId);
      expect(await count('SELECT count(*) AS n FROM contact_identities WHERE contact_id = $1', [snezhanaId])).toBe(2);
    });
  });

  describe('retention: the workers purge what is past its time', () => {
    it('blanks message texts past MESSAGE_RETENTION_DAYS and deletes raw events past INBOUND_EVENT_RETENTION_DAYS', async () => {
      const [contact] = (await db.query("INSERT INTO contacts (name) VALUES ('Архивная Клиентка') RETURNING id")).rows;
      const [conversation] = (
        await db.query(
          `INSERT INTO conversations (contact_id, channel, external_thread_id, created_at)
           VALUES ($1, 'webchat', $2, now() - interval '400 days') RETURNING id`,
          [contact.id, webchatId('old')],
        )
      ).rows;
      const insertMessage = (direction: string, text: string, age: string, triage: object | null) =>
        db.query(
          `INSERT INTO messages (conversation_id, direction, channel, provider_message_id, text, status, triage,
             attachment, created_at)
           VALUES ($1, $2, 'webchat', $3, $4, 'received', $5, $6, now() - $7::interval) RETURNING id`,
          [conversation.id, direction, webchatId('p'), text, triage, direction === 'in' ? 'photo' : null, age],
        );
      const triage = {
        intent: 'booking',
        urgency: 'hot',
        confidence: 0.9,
        escalate: false,
        slots: { phone: '+79990001122' },
      };
      const oldIn = (await insertMessage('in', 'старое сообщение, мой номер +7 999 000-11-22', '400 days', triage))
        .rows[0].id;
      const oldOut = (await insertMessage('out', 'Записали вас, Архивная Клиентка', '399 days', null)).rows[0].id;
      const recent = (await insertMessage('in', 'свежее сообщение', '10 days', triage)).rows[0].id;
      const [lead] = (
        await db.query(
          `INSERT INTO leads (contact_id, conversation_id, channel, intent, urgency, status, crm_provider, created_at)
           VALUES ($1, $2, 'webchat', 'booking', 'hot', 'new', 'local', now() - interval '400 days') RETURNING id`,
          [contact.id, conversation.id],
        )
      ).rows;
      await db.query('INSERT INTO local_crm_leads (lead_id, payload) VALUES ($1, $2)', [
        lead.id,
        { transcript: [{ direction: 'in', text: 'старое сообщение, мой номер +7 999 000-11-22' }] },
      ]);
      const insertEvent = (age: string) =>
        db.query(
          `INSERT INTO inbound_events (channel, event_key, payload, received_at, processed_at)
           VALUES ('telegram', $1, $2, now() - $3::interval, now() - $3::interval) RETURNING id`,
          [randomUUID(), { message: { from: { first_name: 'Архивная' } } }, age],
        );
      const oldEvent = (await insertEvent('40 days')).rows[0].id;
      const recentEvent = (await insertEvent('5 days')).rows[0].id;

      await waitFor(
        async () =>
          (await count('SELECT count(*) AS n FROM messages WHERE id = ANY($1) AND redacted_at IS NOT NULL', [
            [oldIn, oldOut],
          ])) === 2 && (await count('SELECT count(*) AS n FROM inbound_events WHERE id = $1', [oldEvent])) === 0,
        { what: 'the periodic purge' },
      );

      const rows = (
        await db.query(
          'SELECT id, text, attachment, triage, redacted_at, created_at FROM messages WHERE id = ANY($1)',
          [[oldIn, oldOut, recent]],
        )
      ).rows;
      const byId = Object.fromEntries(rows.map((row) => [row.id, row]));
      expect(byId[oldIn]).toMatchObject({
        text: '',
        attachment: null,
        triage: { intent: 'booking', urgency: 'hot', confidence: 0.9, escalate: false },
      });
      expect(byId[oldOut]).toMatchObject({ text: '' });
      expect(byId[recent]).toMatchObject({ text: 'свежее сообщение', attachment: 'photo', triage, redacted_at: null });
      expect(await count('SELECT count(*) AS n FROM inbound_events WHERE id = $1', [recentEvent])).toBe(1);
      // The lead and the transcript already filed in the CRM stay.
      expect(await count('SELECT count(*) AS n FROM leads WHERE id = $1', [lead.id])).toBe(1);
      const card = (await db.query('SELECT payload FROM local_crm_leads WHERE lead_id = $1', [lead.id])).rows[0];
      expect(card.payload.transcript[0].text).toMatch(/старое сообщение/);
    });
  });
});

describe('personal data never reaches the logs in full (a real process at LOG_LEVEL=info)', () => {
  const fake = new FakeTelegram();
  const updates = new TelegramUpdates();
  const ANGELINA: Person = {
    first: 'Ангелина',
    last: 'Светлова',
    username: 'angelina_svet',
    typedPhone: '8 923 456-78-90',
    telegramPhone: '79234567890',
    digits: '9234567890',
    texts: {
      webchat: 'Запишите меня на окрашивание в субботу, телефон 8 923 456 78 90, Ангелина',
      telegram: 'Сколько стоит укладка? Ангелина Светлова',
      handoff: 'Позовите администратора, хочу поговорить с человеком',
    },
  };

  it('a webchat message and Telegram updates with names and phones, a handoff and an erasure: no full phone or name', async () => {
    const base = await fake.start();
    const env = envToStrings(
      testEnv({
        LOG_LEVEL: 'info',
        HTTP_LOG_SLOW_MS: '0', // every request line written, so that none can carry a name unseen
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_BASE: base,
      }),
    );
    const { PORT: _default, ...rest } = env;
    const service = await spawnService(rest);
    const db = await connectDatabase(env.DATABASE_URL);
    try {
      await writeIn(service.url, updates, ANGELINA, 330000001);
      await waitFor(
        async () =>
          Number((await db.query("SELECT count(*) AS n FROM leads WHERE crm_status = 'delivered'")).rows[0].n) >= 2 &&
          Number(
            (await db.query("SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND topic <> 'alert.send'"))
              .rows[0].n,
          ) === 0,
        { timeoutMs: 20000, what: 'the messages processed' },
      );
      const contactId = (await db.query("SELECT id FROM contacts WHERE phone_e164 = '+79234567890'")).rows[0].id;
      const erased = await request(`${service.url}/api/admin/v1/contacts/${contactId}/erase`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(erased.status).toBe(200);
      await waitFor(async () => service.output().includes('erased on request'), { what: 'the erasure logged' });
    } finally {
      await service.kill('SIGTERM');
      await db.end();
      await fake.stop();
      await dropDatabase(env.DATABASE_URL);
    }

    const output = service.output();
    expect(output).toMatch(/"level":30/); // info lines were written: the check below is not vacuous
    expect(output).toMatch(/POST \/webhooks\/telegram|"url":"\/webhooks\/telegram"/);
    for (const needle of [ANGELINA.first, ANGELINA.last, ANGELINA.username, ...Object.values(ANGELINA.texts)]) {
      expect(output).not.toContain(needle);
    }
    // The phone in any format: every phone-like run of digits, spaces, brackets and dashes, read as digits.
    const phoneLike = output.match(/[+\d][-\d ()]{8,}\d/g) ?? [];
    expect(phoneLike.filter((run) => run.replace(/\D/g, '').includes(ANGELINA.digits))).toEqual([]);
    expect(output).not.toContain(ANGELINA.telegramPhone);
  });
});
