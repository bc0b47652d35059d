import type { Client } from 'pg';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';

/**
 * The KPI report against a hand-made data set with known timestamps: every figure is checked against the value
 * worked out by hand in the comments. The app runs without workers, so nothing moves the seeded rows.
 */
describe('admin KPIs: GET /api/admin/v1/kpi', () => {
  const env = testEnv({ APP_ROLE: 'api', SCHEDULING_SEED_PRESET: 'false' });
  let running: RunningApp;
  let db: Client;

  // The period: one week, given with the business's offset. F = 2026-03-01T00:00Z, T = F + 7 days.
  const FROM = '2026-03-01T07:00:00+07:00';
  const TO = '2026-03-08T07:00:00+07:00';
  const F = Date.parse('2026-03-01T00:00:00Z');
  const T = F + 7 * 24 * 3600e3;
  const at = (ms: number) => new Date(ms);
  const hours = (n: number) => n * 3600e3;
  const minutes = (n: number) => n * 60e3;
  const seconds = (n: number) => n * 1e3;

  beforeAll(async () => {
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
    await seed();
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  const kpi = (query = '') => request(`${running.url}/api/admin/v1/kpi${query}`, { admin: true });

  let threads = 0;
  async function conversation(): Promise<{ id: string; contactId: string }> {
    threads += 1;
    const contact = await db.query('INSERT INTO contacts (name) VALUES ($1) RETURNING id', [`Клиент ${threads}`]);
    const contactId = contact.rows[0].id;
    const { rows } = await db.query(
      `INSERT INTO conversations (contact_id, channel, external_thread_id) VALUES ($1, 'webchat', $2) RETURNING id`,
      [contactId, `thread-${threads}`],
    );
    return { id: rows[0].id, contactId };
  }
  let inboundIds = 0;
  const clientSays = async (conversationId: string, atMs: number, intent?: string) => {
    inboundIds += 1;
    await db.query(
      `INSERT INTO messages (conversation_id, direction, channel, provider_message_id, text, status, triage, created_at)
       VALUES ($1, 'in', 'webchat', $2, 'текст', 'received', $3, $4)`,
      [conversationId, `in-${inboundIds}`, intent ? JSON.stringify({ intent }) : null, at(atMs)],
    );
  };
  const botSays = (conversationId: string, createdMs: number, sentMs: number | null) =>
    db.query(
      `INSERT INTO messages (conversation_id, direction, channel, text, status, created_at, sent_at)
       VALUES ($1, 'out', 'webchat', 'ответ', $2, $3, $4)`,
      [conversationId, sentMs === null ? 'queued' : 'sent', at(createdMs), sentMs === null ? null : at(sentMs)],
    );
  const dialog = (conversationId: string, handedOffMs: number | null, releasedMs: number | null = null) =>
    db.query('INSERT INTO dialogs (conversation_id, handed_off_at, released_at) VALUES ($1, $2, $3)', [
      conversationId,
      handedOffMs === null ? null : at(handedOffMs),
      releasedMs === null ? null : at(releasedMs),
    ]);
  const lead = async (c: { id: string; contactId: string }, status: string, createdMs: number) =>
    (
      await db.query(
        `INSERT INTO leads (contact_id, conversation_id, channel, intent, urgency, status, crm_provider, created_at)
         VALUES ($1, $2, 'webchat', 'booking', 'hot', $3, 'local', $4) RETURNING id`,
        [c.contactId, c.id, status, at(createdMs)],
      )
    ).rows[0].id as string;
  const outbox = async (topic: string, status: string, attempts: number, completedMs: number | null) =>
    (
      await db.query(
        `INSERT INTO outbox (topic, payload, status, attempts, created_at, completed_at)
         VALUES ($1, '{}', $2, $3, $4, $5) RETURNING id`,
        [topic, status, attempts, at((completedMs ?? F) - seconds(30)), completedMs === null ? null : at(completedMs)],
      )
    ).rows[0].id as string;
  const deadLetter = async (topic: string, attempts: number, createdMs: number) => {
    const outboxId = await outbox(topic, 'dead', attempts, createdMs);
    await db.query(
      `INSERT INTO dead_letters (outbox_id, topic, payload, reason, last_error, attempts, attempt_log, created_at)
       VALUES ($1, $2, '{}', 'exhausted', 'Error: down', $3, '[]', $4)`,
      [outboxId, topic, attempts, at(createdMs)],
    );
  };

  async function seed(): Promise<void> {
    // C1: first message at F+1h, answered 2 s later; its second message answered too.
    const c1 = await conversation();
    await clientSays(c1.id, F + hours(1));
    await botSays(c1.id, F + hours(1) + seconds(1), F + hours(1) + seconds(2));
    await clientSays(c1.id, F + hours(1) + minutes(10));
    await botSays(c1.id, F + hours(1) + minutes(10) + seconds(0.5), F + hours(1) + minutes(10) + seconds(1));
    // C2: answered in 4 s; its latest message, 30 min later, never answered: unanswered.
    const c2 = await conversation();
    await clientSays(c2.id, F + hours(2));
    await botSays(c2.id, F + hours(2) + seconds(1), F + hours(2) + seconds(4));
    await clientSays(c2.id, F + hours(2) + minutes(30));
    // C3: handed off to a person at its first message (the bot's handoff reply in 1 s); still with the person.
    const c3 = await conversation();
    await clientSays(c3.id, F + hours(3));
    await dialog(c3.id, F + hours(3) + seconds(0.5));
    await botSays(c3.id, F + hours(3) + seconds(0.5), F + hours(3) + seconds(1));
    await clientSays(c3.id, F + hours(3) + minutes(20));
    // C4: answered in 10 s; a person had it and released it during the period.
    const c4 = await conversation();
    await clientSays(c4.id, F + hours(4));
    await botSays(c4.id, F + hours(4) + seconds(1), F + hours(4) + seconds(10));
    await dialog(c4.id, null, F + hours(5));
    // C5: with a person since the day before the period; the bot stays silent, so no first-reply time.
    const c5 = await conversation();
    await dialog(c5.id, F - hours(24));
    await clientSays(c5.id, F + hours(6));
    // C6: spam only: not a conversation of the period (but an incoming message).
    const c6 = await conversation();
    await clientSays(c6.id, F + hours(7), 'spam');
    // C7: began before the period; its first message in the period answered in 3 s.
    const c7 = await conversation();
    await clientSays(c7.id, F - hours(2));
    await botSays(c7.id, F - hours(2) + seconds(1), F - hours(2) + seconds(2));
    await clientSays(c7.id, F + hours(8));
    await botSays(c7.id, F + hours(8) + seconds(1), F + hours(8) + seconds(3));
    // C8: only after the period.
    const c8 = await conversation();
    await clientSays(c8.id, T + hours(1));
    // C9: never answered.
    const c9 = await conversation();
    await clientSays(c9.id, F + hours(9));
    // C10: a reply was written but never sent: unanswered.
    const c10 = await conversation();
    await clientSays(c10.id, F + hours(10));
    await botSays(c10.id, F + hours(10) + seconds(1), null);

    // Leads of the period: L1 booked by status, L2 by an appointment for the lead, L3 by an appointment in its
    // conversation; L4 and L5 not booked; L9 created before the period.
    await lead(c1, 'booked', F + hours(1));
    const l2 = await lead(c2, 'new', F + hours(2));
    await lead(c3, 'escalated', F + hours(3));
    await lead(c4, 'new', F + hours(4));
    await lead(c7, 'cancelled', F + hours(8));
    await lead(c9, 'new', F - hours(1));

    // CRM deliveries finished in the period: done after 1, 1, 2 and 4 tries, dead after 4.
    for (const attempts of [1, 1, 2, 4]) await outbox('crm.sync', 'done', attempts, F + hours(12));
    await deadLetter('crm.sync', 4, F + hours(13));
    await outbox('crm.sync', 'done', 3, F - hours(1)); // finished before the period
    await outbox('crm.sync', 'pending', 2, null); // not finished
    await outbox('reply.send.telegram', 'done', 2, F + hours(12)); // another topic
    // Dead letters of the period: the CRM one above and two replies; one more before the period.
    await deadLetter('reply.send.telegram', 4, F + hours(14));
    await deadLetter('reply.send.telegram', 4, F + hours(15));
    await deadLetter('crm.sync', 4, F - hours(3));

    // Visits: A1 attended, A2 no-show, A5 unmarked (counts as attended), all with a sent reminder; A3 a no-show
    // without a sent reminder, A4 cancelled, A6 after the period: not counted.
    const service = await db.query(`INSERT INTO services (name, duration_minutes) VALUES ('Стрижка', 60) RETURNING id`);
    const staff = await db.query(`INSERT INTO staff (name) VALUES ('Анна') RETURNING id`);
    const visit = async (
      startsMs: number,
      status: string,
      reminder: 'sent' | 'cancelled' | null,
      links: { leadId?: string; conversationId?: string } = {},
    ) => {
      const { rows } = await db.query(
        `INSERT INTO appointments (service_id, staff_id, starts_at, ends_at, status, lead_id, conversation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          service.rows[0].id,
          staff.rows[0].id,
          at(startsMs),
          at(startsMs + hours(1)),
          status,
          links.leadId ?? null,
          links.conversationId ?? null,
        ],
      );
      if (!reminder) return;
      await db.query(
        `INSERT INTO reminders (appointment_id, conversation_id, channel, kind, visit_starts_at, service_name, send_at, status, sent_at)
         VALUES ($1, $2, 'webchat', '24h', $3, 'Стрижка', $4, $5, $6)`,
        [
          rows[0].id,
          c1.id,
          at(startsMs),
          at(startsMs - hours(24)),
          reminder,
          reminder === 'sent' ? at(startsMs - hours(24)) : null,
        ],
      );
    };
    await visit(F + hours(48), 'completed', 'sent', { leadId: l2 });
    await visit(F + hours(72), 'no_show', 'sent', { conversationId: c3.id });
    await visit(F + hours(96), 'no_show', 'cancelled');
    await visit(F + hours(120), 'cancelled', 'sent');
    await visit(F + hours(24), 'booked', 'sent');
    await visit(T + hours(24), 'no_show', 'sent');

    // LLM spend by Krasnoyarsk day (UTC+7): the period [03-01 00:00Z, 03-08 00:00Z) runs from 03-01 07:00 to
    // 03-08 07:00 local, so it touches the days 03-01 to 03-08, not 02-28 nor 03-09.
    for (const [day, calls, cost] of [
      ['2026-02-28', 5, 1],
      ['2026-03-01', 10, 2.5],
      ['2026-03-08', 4, 1.25],
      ['2026-03-09', 7, 3],
    ] as const) {
      await db.query(
        `INSERT INTO llm_usage_daily (day, provider, model, calls, input_tokens, output_tokens, cost_rub)
         VALUES ($1, 'gigachat', 'GigaChat-2', $2, $2 * 1000, $2 * 50, $3)`,
        [day, calls, cost],
      );
    }
  }

  it('every figure equals the value worked out by hand, with the targets judged', async () => {
    const answer = await kpi(`?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-08T00:00:00.000Z',
      // C1..C5, C7, C9, C10 measured except C5 (already with a person): 7; answered in 2, 4, 1, 10, 3 s.
      // p50 = 3; p95 = 4 + 0.8 × (10 - 4) = 8.8 (percentile_cont over 1, 2, 3, 4, 10).
      firstReply: {
        conversations: 7,
        answered: 5,
        p50Seconds: 3,
        p95Seconds: 8.8,
        target: { comparison: '<', threshold: 3, met: false },
      },
      // 8 conversations; C3 and C5 with a person, C4 released in the period: 5 / 8 by the bot alone.
      handledWithoutHuman: { conversations: 8, withHuman: 3, percent: 62.5 },
      // 5 leads of the period, 3 booked.
      leadToBooking: { leads: 5, booked: 3, percent: 60 },
      // 4 done, 1 dead: 80 %.
      crmDelivery: { done: 4, dead: 1, successPercent: 80, target: { comparison: '>', threshold: 98, met: false } },
      // 3 dead letters of 12 client messages in the period (C1 2, C2 2, C3 2, C4, C5, C6, C7, C9, C10).
      deadLetters: {
        deadLetters: 3,
        incomingMessages: 12,
        percentOfIncoming: 25,
        target: { comparison: '<', threshold: 1, met: false },
      },
      // Retries 0 + 0 + 1 + 3 + 3 = 7 over 5 deliveries.
      deliveryRetries: {
        deliveries: 5,
        retries: 7,
        averagePerDelivery: 1.4,
        target: { comparison: '<=', threshold: 2, met: true },
      },
      // A1, A2, A5 after a sent reminder; A2 a no-show.
      noShowAfterReminders: { visits: 3, noShows: 1, percent: 33.33 },
      // C2 (its latest message), C9 and C10.
      unansweredConversations: { count: 3, olderThanMinutes: 5 },
      // 03-01 and 03-08 local; no budget configured.
      llmSpend: {
        calls: 14,
        inputTokens: 14000,
        outputTokens: 700,
        costRub: 3.75,
        dailyBudgetRub: null,
        days: [
          {
            day: '2026-03-01',
            provider: 'gigachat',
            model: 'GigaChat-2',
            calls: 10,
            inputTokens: 10000,
            outputTokens: 500,
            costRub: 2.5,
            budgetReached: false,
          },
          {
            day: '2026-03-08',
            provider: 'gigachat',
            model: 'GigaChat-2',
            calls: 4,
            inputTokens: 4000,
            outputTokens: 200,
            costRub: 1.25,
            budgetReached: false,
          },
        ],
      },
    });
  });

  it('a period with nothing in it: zero counts, no figures, targets neither met nor missed', async () => {
    const answer = await kpi('?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z');

    expect(answer.status).toBe(200);
    expect(answer.body.firstReply).toEqual({
      conversations: 0,
      answered: 0,
      p50Seconds: null,
      p95Seconds: null,
      target: { comparison: '<', threshold: 3, met: null },
    });
    expect(answer.body.crmDelivery).toMatchObject({ done: 0, dead: 0, successPercent: null, target: { met: null } });
    expect(answer.body.handledWithoutHuman.percent).toBeNull();
  });

  it('without a period: the seven days before now', async () => {
    const before = Date.now();
    const answer = await kpi();

    expect(answer.status).toBe(200);
    const to = Date.parse(answer.body.to);
    expect(to).toBeGreaterThanOrEqual(before);
    expect(to - Date.parse(answer.body.from)).toBe(7 * 24 * 3600e3);
    expect(answer.body.leadToBooking.leads).toBe(0); // the seeded data lies in March
  });

  it('refuses a time without an offset, and from after to, as problem+json 400', async () => {
    const local = await kpi('?from=2026-03-01T00:00:00');
    expect(local.status).toBe(400);
    expect(local.contentType).toContain('application/problem+json');
    expect(local.body.errors).toEqual([
      { field: 'from', message: 'from must be an ISO 8601 time with an offset, e.g. 2026-03-02T00:00:00+07:00' },
    ]);

    const reversed = await kpi(`?from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`);
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([{ field: 'from', message: 'from must be earlier than to' }]);
  });

  it('documents each figure in the OpenAPI document', async () => {
    const { body } = await request(`${running.url}/docs-json`);
    const operation = body.paths['/api/admin/v1/kpi'].get;
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['from', 'to']);
    const schemas = body.components.schemas;
    expect(Object.keys(schemas.KpiReportDto.properties)).toEqual([
      'from',
      'to',
      'firstReply',
      'handledWithoutHuman',
      'leadToBooking',
      'crmDelivery',
      'deadLetters',
      'deliveryRetries',
      'noShowAfterReminders',
      'unansweredConversations',
      'llmSpend',
    ]);
    expect(schemas.FirstReplyKpiDto.properties.p95Seconds.description).toMatch(/95th percentile/);
    expect(schemas.CrmDeliveryKpiDto.properties.successPercent.description).toMatch(/done \/ \(done \+ dead\)/);
  });

  it('requires the admin token', async () => {
    const answer = await request(`${running.url}/api/admin/v1/kpi`);
    expect(answer.status).toBe(401);
  });
});
