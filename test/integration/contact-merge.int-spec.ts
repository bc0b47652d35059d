import type { Client } from 'pg';
import { prepareDatabase } from '../../src/database/prepare-database';
import { connectDatabase, dropDatabase, testEnv } from '../support/test-env';

/**
 * Two contacts that turn out to be one person (the same phone) become one, whichever way it is found out: a
 * message arriving with the phone (accept_inbound_message), or the phone typed in a conversation
 * (complete_contact). Everything of the merged contact moves, its visits included, and nothing is left behind.
 */
describe('merging two contacts of one person', () => {
  const env = testEnv();
  let db: Client;
  let serviceId: string;
  let staffId: string;

  beforeAll(async () => {
    await prepareDatabase(env.DATABASE_URL);
    db = await connectDatabase(env.DATABASE_URL);
    serviceId = (await db.query(`INSERT INTO services (name, duration_minutes) VALUES ('Маникюр', 60) RETURNING id`))
      .rows[0].id;
    staffId = (await db.query(`INSERT INTO staff (name) VALUES ('Анна') RETURNING id`)).rows[0].id;
  });
  afterAll(async () => {
    await db?.end();
    await dropDatabase(env.DATABASE_URL);
  });

  /** A contact known in Telegram only, with a conversation, a lead and a booked visit. */
  async function telegramClient(externalId: string, name: string | null, day: number) {
    const accepted = await accept('telegram', externalId, 'запишите на маникюр', null, name);
    const contactId = accepted.contact_id;
    await db.query(
      `INSERT INTO leads (contact_id, conversation_id, channel, intent, urgency, status, crm_provider)
       VALUES ($1, $2, 'telegram', 'booking', 'hot', 'new', 'local')`,
      [contactId, accepted.conversation_id],
    );
    await db.query(
      `INSERT INTO appointments (service_id, staff_id, contact_id, conversation_id, starts_at, ends_at)
       VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '1 hour')`,
      [serviceId, staffId, contactId, accepted.conversation_id, `2026-12-${String(day).padStart(2, '0')}T10:00:00Z`],
    );
    return contactId as string;
  }

  async function accept(channel: string, externalId: string, text: string, phone: string | null, name: string | null) {
    const { rows } = await db.query(
      `SELECT * FROM accept_inbound_message($1, $2, $2, $3, $4, $5, $6, 'triage.process', '{}'::jsonb)`,
      [channel, externalId, `${externalId}:${Math.random()}`, text, name, phone],
    );
    return rows[0];
  }

  async function holdings(contactId: string) {
    const count = async (table: string) =>
      Number((await db.query(`SELECT count(*) FROM ${table} WHERE contact_id = $1`, [contactId])).rows[0].count);
    return {
      identities: await count('contact_identities'),
      conversations: await count('conversations'),
      leads: await count('leads'),
      appointments: await count('appointments'),
    };
  }

  it('a phone typed in Telegram that a webchat contact already has: one contact with both histories', async () => {
    const webchat = (await accept('webchat', 'session-merge-1', 'здравствуйте', '+79135550101', 'Катя')).contact_id;
    const telegram = await telegramClient('tg-merge-1', null, 10);

    const { rows } = await db.query('SELECT complete_contact($1, $2, $3) AS id', [telegram, '+79135550101', 'Катя']);
    expect(rows[0].id).toBe(webchat);
    expect(await holdings(webchat)).toEqual({ identities: 2, conversations: 2, leads: 1, appointments: 1 });
    expect(await holdings(telegram)).toEqual({ identities: 0, conversations: 0, leads: 0, appointments: 0 });
    expect((await db.query('SELECT id FROM contacts WHERE id = $1', [telegram])).rows).toEqual([]);
  });

  it('a new phone only goes on the contact, and a name it lacks is kept', async () => {
    const telegram = await telegramClient('tg-merge-2', null, 11);
    const { rows } = await db.query('SELECT complete_contact($1, $2, $3) AS id', [telegram, '+79135550102', 'Олег']);
    expect(rows[0].id).toBe(telegram);
    const contact = (await db.query('SELECT name, phone_e164 FROM contacts WHERE id = $1', [telegram])).rows[0];
    expect(contact).toEqual({ name: 'Олег', phone_e164: '+79135550102' });
  });

  it('a message from a known identity carrying another contact’s phone merges it into that contact, visits included', async () => {
    const owner = (await accept('webchat', 'session-merge-3', 'добрый день', '+79135550103', null)).contact_id;
    const telegram = await telegramClient('tg-merge-3', 'Ира', 12);

    const again = await accept('telegram', 'tg-merge-3', 'мой номер 8 913 555-01-03', '+79135550103', 'Ира');
    expect(again.contact_id).toBe(owner);
    expect(await holdings(owner)).toEqual({ identities: 2, conversations: 2, leads: 1, appointments: 1 });
    expect(await holdings(telegram)).toEqual({ identities: 0, conversations: 0, leads: 0, appointments: 0 });
    expect((await db.query('SELECT name FROM contacts WHERE id = $1', [owner])).rows[0].name).toBe('Ира');
  });
});
