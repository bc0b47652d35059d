import type { Client } from 'pg';
import { CrmGateway } from '../../src/modules/crm';
import { FakeHttpServer } from '../fakes/fake-http-server';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { ScriptedCrm } from '../support/scripted-crm';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/** The CRM goes down: leads pile up in dead letters, alerts stay few, and the redrive delivers all when it is back. */
describe('slow redrive after a CRM outage', () => {
  const crm = new ScriptedCrm();
  const alerts = new FakeHttpServer();
  const alertTexts: string[] = [];
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    alerts.route('POST', '/alerts', (req) => {
      alertTexts.push(req.body.text);
      return { status: 200, body: {} };
    });
    const env = testEnv({
      RETRY_ATTEMPTS: '2',
      CRM_QUICK_PASSES: '1',
      RETRY_BASE_MS: '50',
      CRM_REDRIVE_INTERVAL_MS: '500',
      ALERT_GROUP_WINDOW_MS: '2000',
      ALERT_WEBHOOK_URL: `${await alerts.start()}/alerts`,
    });
    running = await startApp(env, [[CrmGateway, crm]]);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await alerts.stop();
  });

  it('delivers every lead exactly once after the CRM returns, with a handful of alerts', async () => {
    crm.fallback = 'transient'; // the outage starts
    const leads = 40;
    await Promise.all(
      Array.from({ length: leads }, () =>
        request(`${running.url}/api/v1/webchat/messages`, {
          body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'хочу записаться на стрижку' },
        }),
      ),
    );
    const count = async (sql: string) => Number((await db.query(sql)).rows[0].n);
    await waitFor(
      async () => (await count("SELECT count(*) AS n FROM dead_letters WHERE topic = 'crm.sync'")) >= leads,
      {
        timeoutMs: 20000,
        what: 'all leads in dead letters',
      },
    );
    await waitFor(async () => alertTexts.length >= 1, { what: 'the outage alert' });

    crm.fallback = 'ok'; // the CRM is back
    await waitFor(
      async () => (await count("SELECT count(*) AS n FROM leads WHERE crm_status = 'delivered'")) === leads,
      {
        timeoutMs: 30000,
        what: 'every lead delivered by the redrive',
      },
    );

    expect(crm.delivered.size).toBe(leads);
    expect([...crm.delivered.values()].every((times) => times === 1)).toBe(true);
    expect(alertTexts.length).toBeLessThanOrEqual(5);
    expect(alertTexts[0]).toMatch(/не отвечает: лиды не доставлены после всех повторов/);
    expect(
      await count('SELECT count(*) AS n FROM dead_letters WHERE replayed_at IS NULL AND discarded_at IS NULL'),
    ).toBe(0);
  });
});
