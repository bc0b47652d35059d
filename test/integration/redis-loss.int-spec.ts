import type { Client } from 'pg';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { PrivateRedis } from '../support/redis-server';
import { connectDatabase, dropDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

describe('Redis loses everything: nothing accepted is lost', () => {
  let redis: PrivateRedis;
  let db: Client;
  const apps: RunningApp[] = [];
  let databaseUrl = '';

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    for (const app of apps) await app.close({ dropDatabase: false }).catch(() => undefined);
    await db?.end();
    await redis?.stop();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('a message accepted, then FLUSHALL before any worker ran: the relay re-publishes it; one lead, one reply', async () => {
    // One environment for both processes, so the worker gets the pool a worker needs.
    const env = testEnv({ REDIS_URL: redis.url });
    databaseUrl = env.DATABASE_URL;
    const api = await startApp({ ...env, APP_ROLE: 'api' });
    apps.push(api);
    db = await connectDatabase(env.DATABASE_URL);

    const sessionId = webchatId('s');
    const accepted = await request(`${api.url}/api/v1/webchat/messages`, {
      body: { sessionId, clientMessageId: webchatId('m'), text: 'хочу записаться на педикюр завтра' },
    });
    expect(accepted.status).toBe(202);
    await waitFor(async () => (await redis.command((c) => c.keys('*'))).some((k) => k.includes('triage.process')), {
      what: 'the job in Redis',
    });

    await redis.flushAll();
    expect(await redis.command((c) => c.dbsize())).toBe(0);

    const worker = await startApp({ ...env, APP_ROLE: 'worker' });
    apps.push(worker);

    await waitFor(
      async () =>
        (
          await db.query("SELECT 1 FROM leads WHERE conversation_id = $1 AND crm_status = 'delivered'", [
            accepted.body.conversationId,
          ])
        ).rowCount,
      { timeoutMs: 15000, what: 'lead delivered after the flush' },
    );
    await waitFor(
      async () => (await db.query("SELECT 1 FROM messages WHERE direction = 'out' AND status = 'sent'")).rowCount,
      {
        what: 'reply sent',
      },
    );
    expect((await db.query('SELECT count(*)::int AS n FROM leads')).rows[0].n).toBe(1);
    expect((await db.query("SELECT count(*)::int AS n FROM messages WHERE direction = 'out'")).rows[0].n).toBe(1);
    expect((await db.query('SELECT count(*)::int AS n FROM local_crm_leads')).rows[0].n).toBe(1);
    expect((await db.query("SELECT count(*)::int AS n FROM outbox WHERE status <> 'done'")).rows[0].n).toBe(0);
  });

  it('Redis loses its data under a running api: the relay notices at its next sweep, without waiting out the lease', async () => {
    // A lease far longer than this test may wait: only the relay's marker check can bring the job back in time.
    const env = testEnv({ REDIS_URL: redis.url, OUTBOX_LEASE_MS: '120000', OUTBOX_SWEEP_INTERVAL_MS: '200' });
    const marker = `${env.QUEUE_PREFIX}:outbox-relay:marker`;
    const first = await startApp({ ...env, APP_ROLE: 'worker' });
    await waitFor(async () => (await redis.command((c) => c.exists(marker))) === 1, { what: 'the relay marker' });
    await first.close({ dropDatabase: false });

    const api = await startApp({ ...env, APP_ROLE: 'api' });
    apps.push(api);
    const client = await connectDatabase(env.DATABASE_URL);
    try {
      const accepted = await request(`${api.url}/api/v1/webchat/messages`, {
        body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'сколько стоит стрижка?' },
      });
      expect(accepted.status).toBe(202);
      await redis.flushAll(); // as a restart without persistence leaves it

      const worker = await startApp({ ...env, APP_ROLE: 'worker' });
      apps.push(worker);
      await waitFor(
        async () =>
          (
            await client.query(
              `SELECT 1 FROM messages WHERE conversation_id = $1 AND direction = 'out' AND status = 'sent'`,
              [accepted.body.conversationId],
            )
          ).rowCount,
        { timeoutMs: 15000, what: 'the reply, long before the 120 s lease' },
      );
    } finally {
      await client.end();
      await dropDatabase(env.DATABASE_URL).catch(() => undefined);
    }
  });
});
