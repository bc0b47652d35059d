import type { Client } from 'pg';
import { FakeAmoCrm } from '../fakes/amocrm/fake-amocrm';
import { bitrixError, FakeBitrix24 } from '../fakes/bitrix24/fake-bitrix24';
import type { Fault, FakeRequest } from '../fakes/fake-http-server';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/**
 * The product's central promise under fire, with the real adapter against its fake CRM: every lead reaches the
 * CRM exactly once or lands in dead letters; none is lost, none is filed twice.
 */
interface ChaoticCrm {
  start(): Promise<Record<string, string>>;
  leads(): Array<{ originId: string }>;
  chaos(rate: number): void;
  slow(latencyMs: number): void;
  stop(): Promise<void>;
}

const creates = (r: FakeRequest) => /(crm\.(lead|deal)\.add|leads\/complex)/.test(r.path);

function bitrix24(): ChaoticCrm {
  const fake = new FakeBitrix24();
  const faults: Fault[] = [
    bitrixError('INTERNAL_SERVER_ERROR'),
    { status: 502, body: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html' } },
    bitrixError('QUERY_LIMIT_EXCEEDED'),
    'hang',
  ];
  return {
    start: async () => ({ CRM_PROVIDER: 'bitrix24', BITRIX24_WEBHOOK_URL: fake.webhookUrl(await fake.start()) }),
    leads: () => fake.leads(),
    chaos: (rate) => {
      fake.failureRate = rate;
      fake.randomFaults = [...faults.map((fault) => ({ fault })), { fault: 'drop-after', match: creates }];
    },
    slow: (ms) => (fake.latencyMs = ms),
    stop: () => fake.stop(),
  };
}

function amocrm(): ChaoticCrm {
  const fake = new FakeAmoCrm();
  const faults: Fault[] = [
    { status: 500, body: { title: 'Internal Server Error', status: 500 } },
    { status: 504, body: '<html>504 Gateway Time-out</html>', headers: { 'content-type': 'text/html' } },
    { status: 429, headers: { 'retry-after': '1' }, body: { title: 'Too Many Requests', status: 429 } },
    'hang',
  ];
  return {
    start: async () => fake.benchEnv(await fake.start()),
    leads: () => fake.leads(),
    chaos: (rate) => {
      fake.failureRate = rate;
      fake.randomFaults = [...faults.map((fault) => ({ fault })), { fault: 'drop-after', match: creates }];
    },
    slow: (ms) => (fake.latencyMs = ms),
    stop: () => fake.stop(),
  };
}

describe.each([
  ['Bitrix24', bitrix24],
  ['amoCRM', amocrm],
])('500 leads, the CRM failing 30 %% of calls (%s)', (_name, makeCrm) => {
  const LEADS = 500;
  const fake = makeCrm();
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    const crmEnv = await fake.start();
    const env = testEnv({
      ...crmEnv,
      BITRIX24_RATE_PER_SEC: '500',
      BITRIX24_RATE_BURST: '100',
      AMOCRM_RATE_PER_SEC: '500',
      CRM_HTTP_TIMEOUT_MS: '1000', // a hang costs a second; a loaded machine's slow answer is not a fault
      CRM_CREATE_SETTLE_MS: '2000',
      RETRY_BASE_MS: '50',
      QUEUE_CONCURRENCY: '10',
      DATABASE_POOL_SIZE: '140',
      CRM_REDRIVE_ENABLED: 'false',
      LOG_LEVEL: 'error',
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await fake.stop();
  });

  it('every lead is in the CRM exactly once or in dead letters; zero duplicates', async () => {
    fake.chaos(0.3);

    for (let i = 0; i < LEADS; i += 50) {
      const batch = Array.from({ length: Math.min(50, LEADS - i) }, (_, k) => i + k);
      const answers = await Promise.all(
        batch.map((n) =>
          request(`${running.url}/api/v1/webchat/messages`, {
            body: {
              sessionId: `fault-session-${n}`,
              clientMessageId: `fault-message-${n}`,
              text: 'запишите на маникюр завтра в 5',
              name: `Клиент ${n}`,
              phone: `+7913${String(2000000 + n)}`,
            },
          }),
        ),
      );
      expect(answers.every((a) => a.status === 202)).toBe(true);
    }

    const settled = async () =>
      Number((await db.query("SELECT count(*) AS n FROM leads WHERE crm_status IN ('delivered', 'failed')")).rows[0].n);
    await waitFor(async () => (await settled()) === LEADS, {
      timeoutMs: 240000,
      intervalMs: 500,
      what: 'every lead settled',
    });
    fake.chaos(0);

    const { rows: leads } = await db.query('SELECT id, crm_status, crm_external_id FROM leads');
    const { rows: dead } = await db.query(
      "SELECT payload->>'leadId' AS lead_id FROM dead_letters WHERE topic = 'crm.sync'",
    );
    const deadIds = new Set(dead.map((d) => d.lead_id));
    const inCrm = new Map<string, number>();
    for (const lead of fake.leads()) inCrm.set(lead.originId, (inCrm.get(lead.originId) ?? 0) + 1);

    expect(leads).toHaveLength(LEADS);
    const duplicates = [...inCrm.values()].filter((n) => n > 1);
    expect(duplicates).toEqual([]);
    for (const lead of leads) {
      const filed = inCrm.get(lead.id) ?? 0;
      if (lead.crm_status === 'delivered') expect(filed).toBe(1);
      else expect(deadIds.has(lead.id)).toBe(true); // lost would be: neither in the CRM nor a dead letter
    }
    const delivered = leads.filter((l) => l.crm_status === 'delivered').length;
    const reasons = await db.query(
      'SELECT last_error, count(*)::int AS n FROM dead_letters GROUP BY 1 ORDER BY 2 DESC LIMIT 3',
    );
    const share = delivered / LEADS;
    if (share <= 0.98) throw new Error(`${share} delivered; commonest dead letters: ${JSON.stringify(reasons.rows)}`);
  }, 300000);

  it('two messages of one client in quick succession make one lead in the CRM, never two', async () => {
    fake.slow(100); // the first sync is still talking to the CRM when the second message's sync starts
    const send = (n: number, text: string) =>
      request(`${running.url}/api/v1/webchat/messages`, {
        body: {
          sessionId: 'twice-session',
          clientMessageId: `twice-message-${n}`,
          text,
          name: 'Ольга',
          phone: '+79135550101',
        },
      });
    expect((await send(1, 'запишите на маникюр завтра в 5')).status).toBe(202);
    expect((await send(2, 'и на педикюр тоже, если можно')).status).toBe(202);

    const syncsOf = async () =>
      (
        await db.query(
          `SELECT o.status FROM outbox o JOIN leads l ON l.id::text = o.payload->>'leadId'
           JOIN conversations c ON c.id = l.conversation_id WHERE o.topic = 'crm.sync' AND c.external_thread_id = 'twice-session'`,
        )
      ).rows.map((row) => row.status as string);
    await waitFor(
      async () => {
        const syncs = await syncsOf();
        return syncs.length === 2 && syncs.every((status) => status === 'done');
      },
      { timeoutMs: 30000, what: 'both syncs done' },
    );
    fake.slow(0);

    const { rows } = await db.query(
      "SELECT l.id FROM leads l JOIN conversations c ON c.id = l.conversation_id WHERE c.external_thread_id = 'twice-session'",
    );
    expect(rows).toHaveLength(1);
    expect(fake.leads().filter((lead) => lead.originId === rows[0].id)).toHaveLength(1);
  }, 60000);
});
