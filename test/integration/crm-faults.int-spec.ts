import type { Client } from 'pg';
import { bitrixError, FakeBitrix24 } from '../fakes/bitrix24/fake-bitrix24';
import type { FakeRequest } from '../fakes/fake-http-server';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/**
 * The product's central promise under fire, with the real adapter against its fake CRM: every lead reaches the
 * CRM exactly once or lands in dead letters; none is lost, none is filed twice.
 */
describe('500 leads, the CRM failing 30 % of calls (Bitrix24)', () => {
  const LEADS = 500;
  const fake = new FakeBitrix24();
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    const base = await fake.start();
    const env = testEnv({
      CRM_PROVIDER: 'bitrix24',
      BITRIX24_WEBHOOK_URL: fake.webhookUrl(base),
      BITRIX24_RATE_PER_SEC: '500',
      BITRIX24_RATE_BURST: '100',
      CRM_HTTP_TIMEOUT_MS: '300',
      RETRY_BASE_MS: '50',
      QUEUE_CONCURRENCY: '10',
      DATABASE_POOL_SIZE: '60',
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
    const creates = (r: FakeRequest) => /crm\.(lead|deal)\.add/.test(r.path);
    fake.failureRate = 0.3;
    fake.randomFaults = [
      { fault: bitrixError('INTERNAL_SERVER_ERROR') },
      { fault: { status: 502, body: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html' } } },
      { fault: bitrixError('QUERY_LIMIT_EXCEEDED') },
      { fault: 'hang' },
      { fault: 'drop-after', match: creates },
    ];

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
    fake.failureRate = 0;

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
    expect(delivered / LEADS).toBeGreaterThan(0.98);
  }, 300000);
});
