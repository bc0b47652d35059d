import type { Client } from 'pg';
import { CrmGateway } from '../../src/modules/crm';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { ScriptedCrm } from '../support/scripted-crm';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

describe('admin: the dead-letter desk', () => {
  const crm = new ScriptedCrm();
  let running: RunningApp;
  let db: Client;
  const env = testEnv({ RETRY_BASE_MS: '10' });
  const base = () => `${running.url}/api/admin/v1/dead-letters`;

  beforeAll(async () => {
    running = await startApp(env, [[CrmGateway, crm]]);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  /** A lead whose CRM sync dies at once (permanent failure); returns its lead and dead-letter ids. */
  async function deadLead(): Promise<{ leadId: string; deadLetterId: string }> {
    crm.fallback = 'permanent';
    const answer = await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'запишите на стрижку в пятницу в 12' },
    });
    return waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT l.id AS "leadId", d.id AS "deadLetterId" FROM leads l
           JOIN dead_letters d ON d.payload->>'leadId' = l.id::text WHERE l.conversation_id = $1`,
          [answer.body.conversationId],
        );
        return rows[0];
      },
      { what: 'dead letter' },
    );
  }

  it('401 without the token on every route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, url] of [
      ['GET', base()],
      ['POST', `${base()}/replay`],
      ['POST', `${base()}/${id}/replay`],
      ['DELETE', `${base()}/${id}`],
    ]) {
      const answer = await request(url, { method });
      expect(answer.status).toBe(401);
      expect(answer.contentType).toContain('application/problem+json');
    }
  });

  it('lists dead letters with payload, reason and every try, filtered and paged', async () => {
    const { deadLetterId, leadId } = await deadLead();
    const page = await request(`${base()}?topic=crm.sync&reason=permanent&state=open`, { admin: true });

    expect(page.status).toBe(200);
    const item = page.body.items.find((d: { id: string }) => d.id === deadLetterId);
    expect(item).toMatchObject({
      topic: 'crm.sync',
      payload: { leadId },
      reason: 'permanent',
      attempts: 1,
      state: 'open',
      lastError: 'PermanentError: CRM rejected the lead: 400 invalid field',
    });
    expect(item.attemptLog[0]).toMatchObject({
      attempt: 1,
      startedAt: expect.any(String),
      failedAt: expect.any(String),
    });

    const none = await request(`${base()}?reason=exhausted`, { admin: true });
    expect(none.body.items.find((d: { id: string }) => d.id === deadLetterId)).toBeUndefined();
    const future = await request(`${base()}?from=2099-01-01T00:00:00Z`, { admin: true });
    expect(future.body).toMatchObject({ items: [], total: 0 });
  });

  it('replay files the work again through the same path: the lead reaches the CRM once', async () => {
    const { deadLetterId, leadId } = await deadLead();
    crm.fallback = 'ok';
    const answer = await request(`${base()}/${deadLetterId}/replay`, { method: 'POST', admin: true });

    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ id: deadLetterId, state: 'replayed', replayedBy: 'admin' });
    await waitFor(
      async () => (await db.query("SELECT 1 FROM leads WHERE id = $1 AND crm_status = 'delivered'", [leadId])).rowCount,
      { what: 'lead delivered after the replay' },
    );
  });

  it('replay by filter replays every open dead letter that matches', async () => {
    const first = await deadLead();
    const second = await deadLead();
    crm.fallback = 'ok';
    const answer = await request(`${base()}/replay`, { body: { topic: 'crm.sync', state: 'open' }, admin: true });

    expect(answer.status).toBe(202);
    expect(answer.body.replayed).toBeGreaterThanOrEqual(2);
    await waitFor(
      async () =>
        (
          await db.query(
            "SELECT count(*)::int AS n FROM leads WHERE id = ANY($1::uuid[]) AND crm_status = 'delivered'",
            [[first.leadId, second.leadId]],
          )
        ).rows[0].n === 2,
      { what: 'both leads delivered' },
    );
  });

  it('discard records who and when; a discarded letter cannot be replayed', async () => {
    const { deadLetterId } = await deadLead();
    const answer = await request(`${base()}/${deadLetterId}`, { method: 'DELETE', admin: true });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ state: 'discarded', discardedBy: 'admin', discardedAt: expect.any(String) });

    const replay = await request(`${base()}/${deadLetterId}/replay`, { method: 'POST', admin: true });
    expect(replay.status).toBe(409);
    expect(replay.contentType).toContain('application/problem+json');
  });

  it('404 for an unknown id, 400 for a malformed one or a bad filter', async () => {
    const unknown = await request(`${base()}/00000000-0000-4000-8000-000000000000/replay`, {
      method: 'POST',
      admin: true,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toMatch(/does not exist/);
    expect((await request(`${base()}/not-a-uuid`, { method: 'DELETE', admin: true })).status).toBe(400);
    const bad = await request(`${base()}?reason=whatever&from=yesterday`, { admin: true });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'reason']);
  });
});
