import type { Client } from 'pg';
import { FakeBitrix24 } from '../fakes/bitrix24/fake-bitrix24';
import { FakeHttpServer } from '../fakes/fake-http-server';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const OUTAGE_MS = 60_000;

/**
 * The CRM is unreachable for 60 s: leads pile up in retries and dead letters, the managers get a handful of
 * alerts, and once the CRM is back the slow redrive files every lead, once.
 */
describe('a 60 s CRM outage (Bitrix24)', () => {
  const fake = new FakeBitrix24();
  const alerts = new FakeHttpServer();
  const alertTexts: string[] = [];
  let running: RunningApp;
  let db: Client;
  let port = 0;

  beforeAll(async () => {
    const base = await fake.start();
    port = Number(new URL(base).port);
    alerts.route('POST', '/alerts', (req) => {
      alertTexts.push(req.body.text);
      return { status: 200, body: {} };
    });
    const env = testEnv({
      CRM_PROVIDER: 'bitrix24',
      BITRIX24_WEBHOOK_URL: fake.webhookUrl(base),
      BITRIX24_RATE_PER_SEC: '200',
      CRM_HTTP_TIMEOUT_MS: '500',
      QUEUE_CONCURRENCY: '10',
      DATABASE_POOL_SIZE: '140',
      RETRY_BASE_MS: '500', // tries at 0, 0.5, 2.5 and 10.5 s: well inside the outage
      CRM_REDRIVE_INTERVAL_MS: '2000',
      ALERT_GROUP_WINDOW_MS: '20000',
      ALERT_WEBHOOK_URL: `${await alerts.start()}/alerts`,
      LOG_LEVEL: 'error',
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await fake.stop();
    await alerts.stop();
  });

  it('dead letters during the outage, few alerts, every lead filed once after it', async () => {
    await fake.stop(); // the CRM goes away: connections are refused
    const outageStarted = Date.now();
    const LEADS = 50;
    for (let n = 0; n < LEADS; n++) {
      const answer = await request(`${running.url}/api/v1/webchat/messages`, {
        body: {
          sessionId: `outage-session-${n}`,
          clientMessageId: `outage-message-${n}`,
          text: 'хочу записаться на стрижку в субботу',
          phone: `+7913${String(3000000 + n)}`,
        },
      });
      expect(answer.status).toBe(202);
    }
    const count = async (sql: string) => Number((await db.query(sql)).rows[0].n);
    await waitFor(
      async () => (await count("SELECT count(*) AS n FROM dead_letters WHERE reason = 'exhausted'")) >= LEADS,
      {
        timeoutMs: 50000,
        what: 'the leads in dead letters',
      },
    );

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    await fake.start(port); // the CRM is back
    await waitFor(
      async () => (await count("SELECT count(*) AS n FROM leads WHERE crm_status = 'delivered'")) === LEADS,
      {
        timeoutMs: 60000,
        intervalMs: 500,
        what: 'the redrive to deliver every lead',
      },
    );

    const perOrigin = new Map<string, number>();
    for (const lead of fake.leads()) perOrigin.set(lead.originId, (perOrigin.get(lead.originId) ?? 0) + 1);
    expect(perOrigin.size).toBe(LEADS);
    expect([...perOrigin.values()].every((n) => n === 1)).toBe(true);
    await waitFor(async () => alertTexts.length >= 1, { timeoutMs: 30000, what: 'an alert' });
    expect(alertTexts.length).toBeLessThanOrEqual(5);
    expect(alertTexts[0]).toMatch(/CRM \(bitrix24\) не отвечает/);
    expect(alertTexts[0]).toMatch(/Случаев: \d+/);
  }, 240000);
});
