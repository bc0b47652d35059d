import type { Client } from 'pg';
import { CrmGateway } from '../../src/modules/crm';
import { OutboxRelay } from '../../src/modules/outbox';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { ScriptedCrm } from '../support/scripted-crm';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

describe('CRM delivery through the outbox: retries, backoff and dead letters', () => {
  const BASE_MS = 100;
  const env = testEnv({
    CRM_QUICK_PASSES: '1', // the outbox's own retry schedule, without the sync's quick passes
    RETRY_BASE_MS: String(BASE_MS),
    RETRY_FACTOR: '4',
    RETRY_ATTEMPTS: '3',
    RETRY_JITTER_RATIO: '0.2',
  });
  const crm = new ScriptedCrm();
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

  async function sendLead(): Promise<string> {
    const answer = await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'запишите на стрижку в пятницу в 12' },
    });
    expect(answer.status).toBe(202);
    const lead = await waitFor(
      async () =>
        (await db.query('SELECT id FROM leads WHERE conversation_id = $1', [answer.body.conversationId])).rows[0],
      { what: 'lead' },
    );
    return lead.id;
  }

  const crmRow = async (leadId: string) =>
    (
      await db.query(
        `SELECT l.crm_status, l.crm_attempts, l.crm_external_id, o.status, o.attempts, o.attempt_log
         FROM leads l JOIN outbox o ON o.topic = 'crm.sync' AND o.payload->>'leadId' = l.id::text WHERE l.id = $1`,
        [leadId],
      )
    ).rows[0];

  it('fails transiently twice, then delivers on the third try with every attempt recorded', async () => {
    crm.failNext('transient', 'transient', 'ok');
    const leadId = await sendLead();

    const row = await waitFor(
      async () => {
        const r = await crmRow(leadId);
        return r?.crm_status === 'delivered' && r;
      },
      { what: 'delivery' },
    );

    expect(crm.calls).toHaveLength(3);
    expect(row).toMatchObject({ crm_attempts: 3, crm_external_id: `crm-${leadId}`, status: 'done', attempts: 3 });
    expect(row.attempt_log).toHaveLength(3);
    expect(row.attempt_log[0]).toMatchObject({ attempt: 1, error: 'TransientError: CRM answered 503' });
    expect(row.attempt_log[1]).toMatchObject({ attempt: 2, error: 'TransientError: CRM answered 503' });
    expect(row.attempt_log[2]).not.toHaveProperty('error');
    expect((await db.query('SELECT 1 FROM dead_letters')).rowCount).toBe(0);
  });

  it('always failing: a dead letter after exactly 4 tries, spaced by the policy (base, x4, x16, plus jitter)', async () => {
    crm.failNext('transient', 'transient', 'transient', 'transient', 'ok');
    const leadId = await sendLead();

    const dead = await waitFor(
      async () =>
        (await db.query("SELECT * FROM dead_letters WHERE topic = 'crm.sync' AND payload->>'leadId' = $1", [leadId]))
          .rows[0],
      { timeoutMs: 15000, what: 'dead letter' },
    );
    expect(dead).toMatchObject({ reason: 'exhausted', attempts: 4, last_error: 'TransientError: CRM answered 503' });
    expect(dead.attempt_log).toHaveLength(4);
    expect(crm.calls).toHaveLength(4);

    const gaps = crm.calls.slice(1).map((at, i) => at - crm.calls[i]);
    [BASE_MS, BASE_MS * 4, BASE_MS * 16].forEach((scheduled, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(scheduled - 5);
      expect(gaps[i]).toBeLessThanOrEqual(scheduled * 1.2 + 300); // jitter up to 20 % plus queue latency
    });
    const row = await crmRow(leadId);
    expect(row).toMatchObject({ crm_status: 'failed', crm_attempts: 4, status: 'dead', attempts: 4 });

    // nothing is tried after the dead letter
    await new Promise((resolve) => setTimeout(resolve, BASE_MS * 20));
    expect(crm.calls).toHaveLength(4);
  });

  it('a permanent failure goes straight to dead letters after one try', async () => {
    crm.failNext('permanent');
    const leadId = await sendLead();
    const dead = await waitFor(
      async () => (await db.query("SELECT * FROM dead_letters WHERE payload->>'leadId' = $1", [leadId])).rows[0],
      { what: 'dead letter' },
    );
    expect(dead).toMatchObject({ reason: 'permanent', attempts: 1 });
    expect(crm.calls).toHaveLength(1);
  });

  it('dead letters older than DLQ_RETENTION_DAYS (7) are purged, younger ones kept', async () => {
    crm.failNext('permanent', 'permanent');
    const [old, young] = [await sendLead(), await sendLead()];
    const deadLetterOf = async (leadId: string) =>
      (await db.query("SELECT id FROM dead_letters WHERE payload->>'leadId' = $1", [leadId])).rows[0];
    await waitFor(async () => (await deadLetterOf(old)) && (await deadLetterOf(young)), { what: 'two dead letters' });
    await db.query("UPDATE dead_letters SET created_at = now() - interval '8 days' WHERE payload->>'leadId' = $1", [
      old,
    ]);
    await db.query("UPDATE dead_letters SET created_at = now() - interval '6 days' WHERE payload->>'leadId' = $1", [
      young,
    ]);

    const purged = await running.app.get(OutboxRelay).purgeExpired();

    expect(purged.deadLetters).toBe(1);
    expect(await deadLetterOf(old)).toBeUndefined();
    expect(await deadLetterOf(young)).toBeDefined();
  });
});

describe('quick passes: a blip within a CRM sync is retried at once, inside the same try', () => {
  const env = testEnv(); // CRM_QUICK_PASSES=3 by default
  const crm = new ScriptedCrm();
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

  it('two blips then success: delivered on the first try of the outbox, three passes', async () => {
    crm.failNext('transient', 'transient', 'ok');
    const answer = await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'запишите на стрижку' },
    });
    const lead = await waitFor(
      async () =>
        (
          await db.query("SELECT crm_attempts FROM leads WHERE conversation_id = $1 AND crm_status = 'delivered'", [
            answer.body.conversationId,
          ])
        ).rows[0],
      { what: 'delivery' },
    );
    expect(lead.crm_attempts).toBe(1);
    expect(crm.calls).toHaveLength(3);
  });
});
