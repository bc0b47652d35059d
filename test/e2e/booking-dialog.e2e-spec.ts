import { DateTime } from 'luxon';
import type { Client } from 'pg';
import { SendReminderUseCase } from '../../src/modules/notifications/application/send-reminder.use-case';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const ZONE = 'Asia/Krasnoyarsk';

interface TranscriptMessage {
  from: 'client' | 'bot';
  text: string;
  buttons: string[];
}

/** Conversations through the website chat against the salon preset the instance seeds on its first start. */
describe('the booking dialog', () => {
  let running: RunningApp;
  let db: Client;
  const env = testEnv({ BUSINESS_PRESET: 'salon', TZ_BUSINESS: ZONE });

  beforeAll(async () => {
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  /** Sends a client message and returns the bot's answer to it. */
  async function say(sessionId: string, text: string, extra: Record<string, string> = {}): Promise<TranscriptMessage> {
    const before = await transcript(sessionId);
    const accepted = await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId, clientMessageId: webchatId('m'), text, ...extra },
    });
    expect(accepted.status).toBe(202);
    return waitFor(
      async () => {
        const messages = await transcript(sessionId);
        return messages.length >= before.length + 2 && messages[messages.length - 1].from === 'bot'
          ? messages[messages.length - 1]
          : null;
      },
      { timeoutMs: 10000, what: `the bot's answer to «${text}»` },
    );
  }

  async function transcript(sessionId: string): Promise<TranscriptMessage[]> {
    const { body } = await request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
    return body.messages ?? [];
  }

  it('asks, offers 3 slots, books the one picked, confirms, files the lead as booked and plans two reminders', async () => {
    const session = webchatId('book');
    // Brows: both of the preset's masters do them, so "the day after tomorrow" is a working day whatever today is.
    const offer = await say(session, 'Здравствуйте! Хочу записаться на оформление бровей послезавтра в 5');
    expect(offer.buttons).toHaveLength(3);
    expect(offer.text).toMatch(/оформление бровей/);

    const askContact = await say(session, offer.buttons[0]);
    expect(askContact.text).toMatch(/телефон/);
    const confirmation = await say(session, 'Катя, +7 913 555-12-34');
    expect(confirmation.text).toMatch(/Готово! Вы записаны на оформление бровей/);

    const { rows: appointments } = await db.query(
      `SELECT a.id, a.starts_at, a.status, s.name AS service FROM appointments a JOIN services s ON s.id = a.service_id`,
    );
    expect(appointments).toHaveLength(1);
    const visit = DateTime.fromJSDate(appointments[0].starts_at, { zone: ZONE });
    expect(appointments[0]).toMatchObject({ status: 'booked', service: 'Оформление бровей' });
    expect(offer.buttons[0]).toContain(visit.toFormat('dd.MM, HH:mm'));
    expect(visit.toISODate()).toBe(DateTime.now().setZone(ZONE).plus({ days: 2 }).toISODate());
    expect(visit.hour).toBeGreaterThanOrEqual(17);

    const lead = await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT l.status, l.crm_status, c.payload FROM leads l JOIN local_crm_leads c ON c.lead_id = l.id`,
        );
        return rows[0]?.crm_status === 'delivered' && rows[0].payload.status === 'booked' && rows[0];
      },
      { timeoutMs: 5000, what: 'the CRM card says booked' },
    );
    expect(lead.status).toBe('booked');

    const { rows: reminders } = await db.query(
      `SELECT kind, send_at FROM reminders WHERE appointment_id = $1 AND status = 'scheduled' ORDER BY send_at`,
      [appointments[0].id],
    );
    expect(reminders.map((r) => [r.kind, DateTime.fromJSDate(r.send_at, { zone: ZONE }).toISO()])).toEqual([
      ['24h', visit.minus({ hours: 24 }).toISO()],
      ['1h', visit.minus({ hours: 1 }).toISO()],
    ]);
    const { rows: jobs } = await db.query(
      `SELECT next_attempt_at FROM outbox WHERE topic = 'reminder.send' AND status = 'pending' ORDER BY next_attempt_at`,
    );
    expect(jobs.map((j) => j.next_attempt_at.getTime())).toEqual(reminders.map((r) => r.send_at.getTime()));

    // The 24 h reminder falls due (its delayed job would run it then): the client gets it with the answer buttons.
    const { rows: due } = await db.query(`SELECT id FROM reminders WHERE kind = '24h' AND appointment_id = $1`, [
      appointments[0].id,
    ]);
    await running.app.get(SendReminderUseCase, { strict: false }).execute(due[0].id);
    const reminder = await waitFor(
      async () => {
        const last = (await transcript(session)).at(-1);
        return last?.text.startsWith('Напоминаем') && last;
      },
      { timeoutMs: 5000, what: 'the reminder in the chat' },
    );
    expect(reminder.buttons).toEqual(['Подтверждаю', 'Перенести', 'Отменить']);
    const thanks = await say(session, 'Подтверждаю');
    expect(thanks.text).toMatch(/ждём вас: оформление бровей/i);
  });

  it('moves a visit and both its reminders, then cancels it and drops them', async () => {
    const session = webchatId('move');
    const offer = await say(session, 'запишите на педикюр через 3 дня в 16', { phone: '+79135550001', name: 'Оля' });
    const booked = await say(session, offer.buttons[0]);
    expect(booked.text).toMatch(/Готово/);
    const { rows: before } = await db.query(
      `SELECT a.id, a.starts_at FROM appointments a JOIN services s ON s.id = a.service_id
       WHERE s.name = 'Педикюр' AND a.status = 'booked'`,
    );

    const newOffer = await say(session, 'можно перенести на через 4 дня в 15?');
    expect(newOffer.buttons.length).toBeGreaterThan(0);
    const moved = await say(session, newOffer.buttons[0]);
    console.log(JSON.stringify(await transcript(session), null, 1));
    expect(moved.text).toMatch(/перенесли/);
    const { rows: after } = await db.query('SELECT starts_at FROM appointments WHERE id = $1', [before[0].id]);
    expect(after[0].starts_at.getTime()).not.toBe(before[0].starts_at.getTime());
    const scheduled = await db.query(
      `SELECT kind, send_at FROM reminders WHERE appointment_id = $1 AND status = 'scheduled' ORDER BY send_at`,
      [before[0].id],
    );
    expect(scheduled.rows.map((r) => r.send_at.getTime())).toEqual([
      after[0].starts_at.getTime() - 24 * 3600_000,
      after[0].starts_at.getTime() - 3600_000,
    ]);

    const ask = await say(session, 'отмените запись пожалуйста');
    expect(ask.buttons).toEqual(['Да, отменить', 'Нет, оставить']);
    const cancelled = await say(session, 'Да, отменить');
    expect(cancelled.text).toMatch(/Запись отменена/);
    const { rows: state } = await db.query('SELECT status FROM appointments WHERE id = $1', [before[0].id]);
    expect(state[0].status).toBe('cancelled');
    const left = await db.query(
      `SELECT count(*)::int AS n FROM reminders WHERE appointment_id = $1 AND status = 'scheduled'`,
      [before[0].id],
    );
    expect(left.rows[0].n).toBe(0);
  });

  it('hands a clinic-style symptom message to a person and stays silent until a manager releases it', async () => {
    const session = webchatId('pain');
    const handoff = await say(session, 'у меня болит зуб и опухла щека, что делать?');
    expect(handoff.text).toMatch(/специалист|мастер|администратор|врач/);
    const { rows } = await db.query('SELECT conversation_id FROM dialogs WHERE handed_off_at IS NOT NULL');
    expect(rows).toHaveLength(1);
    const alerts = await db.query("SELECT title FROM manager_alerts WHERE group_key LIKE 'handoff:%'");
    expect(alerts.rows[0].title).toMatch(/Клиенту нужен человек/);

    await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId: session, clientMessageId: webchatId('m'), text: 'ау, вы тут?' },
    });
    await waitFor(
      async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM messages WHERE direction = 'in' AND triage IS NOT NULL AND text = 'ау, вы тут?'`,
          )
        ).rows[0].n === 1,
      { timeoutMs: 5000, what: 'the second message triaged' },
    );
    expect((await transcript(session)).filter((m) => m.from === 'bot')).toHaveLength(1);

    const release = await request(`${running.url}/api/admin/v1/conversations/${rows[0].conversation_id}/release`, {
      method: 'POST',
      admin: true,
    });
    expect(release.status).toBe(204);
    const again = await request(`${running.url}/api/admin/v1/conversations/${rows[0].conversation_id}/release`, {
      method: 'POST',
      admin: true,
    });
    expect(again.status).toBe(404);
    const answer = await say(session, 'сколько стоит маникюр?');
    expect(answer.text).toMatch(/₽/);
  });
});

describe('a clinic', () => {
  let running: RunningApp;
  let db: Client;
  const env = testEnv({ BUSINESS_PRESET: 'clinic', TZ_BUSINESS: ZONE });

  beforeAll(async () => {
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  it('books an ordinary symptom with urgency, notes it for the doctor and tells a manager, without handing over', async () => {
    const sessionId = webchatId('clinic');
    await request(`${running.url}/api/v1/webchat/messages`, {
      body: {
        sessionId,
        clientMessageId: webchatId('m'),
        text: 'запишите к терапевту на завтра, третий день температура 39 и кашель',
      },
    });
    const reply = await waitFor(
      async () => {
        const { body } = await request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
        return body.messages.find((m: TranscriptMessage) => m.from === 'bot');
      },
      { timeoutMs: 10000, what: 'the reply' },
    );
    expect(reply.text).toMatch(/врач/);
    expect(reply.text).toMatch(/103/);
    expect(reply.buttons.length).toBeGreaterThan(0);
    const { rows } = await db.query('SELECT urgency FROM leads');
    expect(rows).toEqual([{ urgency: 'hot' }]);
    expect((await db.query('SELECT count(*)::int AS n FROM dialogs WHERE handed_off_at IS NOT NULL')).rows[0].n).toBe(
      0,
    );
    const alerts = await db.query(`SELECT count(*)::int AS n FROM manager_alerts WHERE group_key LIKE 'symptom:%'`);
    expect(alerts.rows[0].n).toBe(1);
  });

  it('hands a question about medication to a person instead of booking', async () => {
    const sessionId = webchatId('clinic');
    await request(`${running.url}/api/v1/webchat/messages`, {
      body: {
        sessionId,
        clientMessageId: webchatId('m'),
        text: 'можно ли пить ибупрофен вместе с антибиотиком? запишите к терапевту',
      },
    });
    const reply = await waitFor(
      async () => {
        const { body } = await request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
        return body.messages.find((m: TranscriptMessage) => m.from === 'bot');
      },
      { timeoutMs: 10000, what: 'the reply' },
    );
    expect(reply.text).toMatch(/специалист/);
    expect((await db.query('SELECT count(*)::int AS n FROM dialogs WHERE handed_off_at IS NOT NULL')).rows[0].n).toBe(
      1,
    );
    expect((await db.query('SELECT count(*)::int AS n FROM appointments')).rows[0].n).toBe(0);
  });
});
