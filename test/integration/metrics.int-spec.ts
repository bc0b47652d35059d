import type { Client } from 'pg';
import { CrmGateway } from '../../src/modules/crm';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { ScriptedCrm } from '../support/scripted-crm';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const OUTBOX_QUEUES = [
  'inbound.process',
  'inbound.ack',
  'triage.process',
  'reply.send.webchat',
  'reply.send.telegram',
  'reply.send.whatsapp',
  'reply.send.instagram',
  'reply.send.vk',
  'reply.fallback',
  'crm.sync',
  'reminder.send',
  'alert.send',
];

/** The value of one sample in Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

const scrape = async (running: RunningApp) => {
  const answer = await request<string>(`${running.url}/metrics`);
  expect(answer.status).toBe(200);
  expect(answer.contentType).toContain('text/plain');
  return answer.body;
};

const post = (running: RunningApp, text = 'запишите на стрижку завтра в 5') =>
  request(`${running.url}/api/v1/webchat/messages`, {
    body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text, name: 'Оля', phone: '+79131110022' },
  });

describe('GET /metrics with workers: counters, the first-reply histogram and the shared-state gauges', () => {
  const crm = new ScriptedCrm();
  const env = testEnv({ CRM_QUICK_PASSES: '1', RETRY_ATTEMPTS: '2' });
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    running = await startApp(env, [[CrmGateway, crm]]);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  const leadStatus = async (conversationId: string) =>
    (await db.query('SELECT crm_status FROM leads WHERE conversation_id = $1', [conversationId])).rows[0]?.crm_status;

  it('counts messages, CRM results and retries, observes first replies, and reads dead letters from the database', async () => {
    // One lead delivered on its second try, one the CRM rejects for good.
    crm.fallback = 'ok';
    crm.failNext('transient', 'ok');
    const first = await post(running);
    await waitFor(async () => (await leadStatus(first.body.conversationId)) === 'delivered', { what: 'delivery' });
    crm.failNext('permanent');
    const second = await post(running, 'сколько стоит маникюр?');
    await waitFor(async () => (await leadStatus(second.body.conversationId)) === 'failed', { what: 'dead letter' });
    await waitFor(
      async () =>
        Number(
          (await db.query("SELECT count(*) FROM messages WHERE direction = 'out' AND sent_at IS NOT NULL")).rows[0]
            .count,
        ) === 2,
      { what: 'both replies sent' },
    );

    const text = await waitFor(
      async () => {
        const body = await scrape(running);
        return sample(body, 'volna_dead_letters') === 1 && body;
      },
      { what: 'volna_dead_letters 1' },
    );

    expect(sample(text, 'volna_inbound_messages_total', { channel: 'webchat' })).toBe(2);
    expect(sample(text, 'volna_crm_deliveries_total', { provider: 'scripted', result: 'delivered' })).toBe(1);
    expect(sample(text, 'volna_crm_deliveries_total', { provider: 'scripted', result: 'failed' })).toBe(2);
    expect(sample(text, 'volna_crm_deliveries_total', { provider: 'scripted', result: 'dead' })).toBe(1);
    expect(sample(text, 'volna_delivery_retries_total', { topic: 'crm.sync' })).toBe(1);

    // Each conversation's first reply observed once, from the stored times.
    expect(sample(text, 'volna_first_reply_seconds_count')).toBe(2);
    const { rows } = await db.query(
      `SELECT sum(extract(epoch FROM r.sent_at - c.created_at))::float8 AS seconds
       FROM messages c JOIN messages r ON r.conversation_id = c.conversation_id AND r.direction = 'out'
       WHERE c.direction = 'in'`,
    );
    // JavaScript dates hold milliseconds, Postgres microseconds.
    expect(sample(text, 'volna_first_reply_seconds_sum')).toBeCloseTo(rows[0].seconds, 2);
    expect(sample(text, 'volna_first_reply_seconds_bucket', { le: '+Inf' })).toBe(2);

    // Shared state: nothing due is left behind, queues are drained.
    expect(sample(text, 'volna_outbox_lag_seconds')).toBe(0);
    for (const queue of OUTBOX_QUEUES) {
      expect(sample(text, 'volna_queue_backlog', { queue })).toEqual(expect.any(Number));
    }

    // The process's own metrics, with the same prefix.
    expect(sample(text, 'volna_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'volna_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('a later reply in a conversation is not a first reply', async () => {
    const sessionId = webchatId('s');
    const say = (text: string) =>
      request(`${running.url}/api/v1/webchat/messages`, {
        body: { sessionId, clientMessageId: webchatId('m'), text },
      });
    const before = sample(await scrape(running), 'volna_first_reply_seconds_count') ?? 0;
    const sent = async (n: number) =>
      Number(
        (
          await db.query(
            `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.external_thread_id = $1 AND m.direction = 'out' AND m.sent_at IS NOT NULL`,
            [sessionId],
          )
        ).rows[0].count,
      ) >= n;

    await say('сколько стоит стрижка?');
    await waitFor(() => sent(1), { what: 'first reply' });
    await say('а где вы находитесь?');
    await waitFor(() => sent(2), { what: 'second reply' });

    expect(sample(await scrape(running), 'volna_first_reply_seconds_count')).toBe(before + 1);
  });
});

describe('GET /metrics of an api-only process: the backlog gauge rises while no worker takes the jobs', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp(testEnv({ APP_ROLE: 'api' }));
  });
  afterAll(async () => {
    await running?.close();
  });

  it('volna_queue_backlog{queue="triage.process"} counts the waiting messages, and the outbox lag grows', async () => {
    const before = await scrape(running);
    expect(sample(before, 'volna_queue_backlog', { queue: 'triage.process' })).toBe(0);
    expect(sample(before, 'volna_outbox_lag_seconds')).toBe(0);

    for (let i = 0; i < 3; i++) expect((await post(running)).status).toBe(202);

    const after = await waitFor(
      async () => {
        const text = await scrape(running);
        return (sample(text, 'volna_outbox_lag_seconds') ?? 0) > 0.5 && text;
      },
      { what: 'outbox lag over 0.5 s' },
    );
    expect(sample(after, 'volna_queue_backlog', { queue: 'triage.process' })).toBe(3);
    expect(sample(after, 'volna_queue_backlog', { queue: 'crm.sync' })).toBe(0);
    expect(sample(after, 'volna_inbound_messages_total', { channel: 'webchat' })).toBeGreaterThanOrEqual(3);
  });
});
