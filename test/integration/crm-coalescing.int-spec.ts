import type { Client } from 'pg';
import { FakeBitrix24 } from '../fakes/bitrix24/fake-bitrix24';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/**
 * A client who writes ten times while the portal is slow costs one pending sync at a time, not ten: later
 * messages join the sync that waits, which reads the lead as it is when it runs. Messages that arrive while a sync
 * is already calling the CRM get a sync of their own once it ends, so none is left out and none is sent twice.
 */
describe('CRM syncs of one lead are coalesced', () => {
  const fake = new FakeBitrix24();
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    fake.latencyMs = 700; // a slow portal: messages keep coming while a sync runs
    const base = await fake.start();
    const env = testEnv({
      CRM_PROVIDER: 'bitrix24',
      BITRIX24_WEBHOOK_URL: fake.webhookUrl(base),
      CRM_HTTP_TIMEOUT_MS: '5000',
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

  it('ten messages in a few seconds: each in the CRM exactly once, in a few syncs and write commands', async () => {
    const session = `coalesce-${Date.now()}`;
    for (let n = 1; n <= 10; n++) {
      const answer = await request(`${running.url}/api/v1/webchat/messages`, {
        body: {
          sessionId: session,
          clientMessageId: `${session}-${n}`,
          text: `Хочу записаться на маникюр, вопрос номер ${n} [q${n}]`,
          name: 'Света',
          phone: '+79135550101',
        },
      });
      expect(answer.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    const leadOf = async () =>
      (
        await db.query<{ id: string }>(
          `SELECT l.id FROM leads l JOIN conversations c ON c.id = l.conversation_id WHERE c.external_thread_id = $1`,
          [session],
        )
      ).rows[0]?.id;
    await waitFor(async () => (await leadOf()) !== undefined, { timeoutMs: 20_000, what: 'the lead' });
    const leadId = (await leadOf())!;
    const pending = async () =>
      (
        await db.query(
          "SELECT count(*)::int AS n FROM outbox WHERE topic = 'crm.sync' AND status = 'pending' AND payload->>'leadId' = $1",
          [leadId],
        )
      ).rows[0].n as number;
    await waitFor(async () => (await pending()) === 0, { timeoutMs: 60_000, what: 'the CRM syncs done' });

    const syncs = (
      await db.query("SELECT count(*)::int AS n FROM outbox WHERE topic = 'crm.sync' AND payload->>'leadId' = $1", [
        leadId,
      ])
    ).rows[0].n as number;
    expect(syncs).toBeLessThanOrEqual(5);

    const [filed] = fake.leads().filter((l) => l.originId === leadId);
    const lead = fake.commandLog('crm.lead.add').find((c) => c.ok && c.params.fields?.ORIGIN_ID === leadId)!;
    const texts = [String(lead.params.fields?.COMMENTS), ...fake.comments(filed.id)].join('\n');
    for (let n = 1; n <= 10; n++) expect(texts.match(new RegExp(`\\[q${n}\\]`, 'g'))).toHaveLength(1);
    expect(fake.leads()).toHaveLength(1);
    expect(fake.writeCommandCount()).toBeLessThanOrEqual(6); // contact, lead, task, a few comments: not ten
  });
});
